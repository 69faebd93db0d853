package io.github.explain4j.samples.fashion;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import io.github.explain4j.adversarial.RobustnessCurve;
import io.github.explain4j.api.ProgressListener;
import io.github.explain4j.djl.ExplainableModel;
import io.github.explain4j.djl.adversarial.AccuracyUnderAttack;
import io.github.explain4j.djl.adversarial.Fgsm;
import io.github.explain4j.djl.adversarial.GradientAttack;
import io.github.explain4j.djl.adversarial.Pgd;
import io.github.explain4j.djl.seam.TraceRequest;
import io.github.explain4j.render.Heatmaps;
import io.github.explain4j.render.LinePlot;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * FashionNet's accuracy under attack against the L∞ budget ε on the Fashion-MNIST test images, for FGSM and for
 * PGD (40 steps, step 2.5ε/40, random start, seed 1), written as a line plot to
 * {@code docs/gallery/fashion-robustness.png}. It also times the evaluation's floor: as many forward+backward
 * passes (seam traces to the input gradient, batches of {@value #BATCH}) as the PGD evaluation ran, in wall time
 * and in the calling thread's CPU time (the fair comparison on a shared machine, with the engine single-threaded).
 *
 * <pre>
 * OMP_NUM_THREADS=1 mvn -o -q -pl samples -am compile exec:java \
 *     -Dexec.mainClass=io.github.explain4j.samples.fashion.FashionRobustness -Dexec.args="PyTorch 10000"
 * </pre>
 *
 * Arguments: the engine (PyTorch), the number of test images (10000), the output file.
 */
public final class FashionRobustness {

    /** The budgets, in pixel units. */
    static final double[] EPSILONS = {0, 0.01, 0.02, 0.03, 0.05, 0.075, 0.1, 0.15};
    /** Images per batch. */
    static final int BATCH = 250;

    private FashionRobustness() {}

    /**
     * Runs the evaluation.
     *
     * @param args engine, number of images, output file
     * @throws Exception if the model or the data cannot be read
     */
    public static void main(String[] args) throws Exception {
        String engine = args.length > 0 ? args[0] : "PyTorch";
        int n = args.length > 1 ? Integer.parseInt(args[1]) : 10_000;
        Path root = io.github.explain4j.samples.Gallery.repositoryRoot();
        Path out = args.length > 2 ? Path.of(args[2]) : root.resolve("docs/gallery/fashion-robustness.png");
        FashionMnist test = FashionMnist.load(FashionMnist.locate(FashionMnist.Split.TEST), FashionMnist.Split.TEST,
                n);
        List<float[]> images = new ArrayList<>();
        int[] labels = new int[test.size()];
        for (int i = 0; i < test.size(); i++) {
            float[] x = new float[FashionMnist.SIDE * FashionMnist.SIDE];
            test.copyScaled(new int[] {i}, 0, 1, x);
            images.add(x);
            labels[i] = test.label(i);
        }
        try (Model m = FashionNet.load(root.resolve(FashionNet.COMMITTED_DIR), engine)) {
            ExplainableModel model = FashionNet.explainable(m);
            LinePlot plot = LinePlot.titled(String.format(Locale.ROOT, "FashionNet on %,d test images (%s)",
                    images.size(), engine)).axes("ε (L∞, pixel units in [0, 1])", "accuracy").yRange(0, 1);
            RobustnessCurve pgd = null;
            double pgdCpu = 0;
            ExplainableModel reporting = model.withProgress(new ProgressListener() {
                private long last = -1;

                @Override
                public void progress(String task, long done, long total) {
                    long percent = 100 * done / Math.max(1, total);
                    if (percent / 10 != last) {
                        last = percent / 10;
                        System.out.printf(Locale.ROOT, "  %s: %d%%%n", task, percent);
                    }
                }
            });
            for (GradientAttack attack : new GradientAttack[] {Fgsm.linf(0.1), Pgd.linf(0.1).seed(1)}) {
                long cpu = threadCpu();
                RobustnessCurve curve = AccuracyUnderAttack.of(attack).epsilons(EPSILONS).batchSize(BATCH)
                        .evaluate(reporting, images, labels);
                double seconds = (threadCpu() - cpu) / 1e9;
                System.out.println(curve);
                System.out.printf(Locale.ROOT, "  thread CPU %.1f s%n", seconds);
                pgdCpu = attack instanceof Pgd ? seconds : pgdCpu;
                plot = plot.series(attack.name() + (attack instanceof Pgd ? "-40" : ""), curve.epsilons(),
                        curve.accuracy());
                pgd = attack instanceof Pgd ? curve : pgd;
            }
            Heatmaps.write(plot.render(720, 440), out);
            System.out.println("wrote " + out);
            double[] floor = floorSeconds(model, images, pgd.passes());
            System.out.printf(Locale.ROOT, "PGD evaluation: %.1f s wall, %.1f s thread CPU for %,d image passes;"
                    + " floor (the same passes as plain forward+backward in batches of %d): %.1f s wall, %.1f s thread"
                    + " CPU; ratios %.2f (wall), %.2f (thread CPU)%n", pgd.seconds(), pgdCpu, pgd.passes(), BATCH,
                    floor[0], floor[1], pgd.seconds() / floor[0], pgdCpu / floor[1]);
        }
    }

    /** The calling thread's CPU time (all the work when the engine runs single-threaded on it), in ns. */
    static long threadCpu() {
        return ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
    }

    /**
     * The wall and thread CPU time of {@code passes} image forward+backward passes, timed on batches of
     * {@value #BATCH} (medians of nine).
     */
    static double[] floorSeconds(ExplainableModel model, List<float[]> images, long passes) {
        float[] batch = new float[BATCH * 784];
        for (int i = 0; i < BATCH; i++) {
            System.arraycopy(images.get(i % images.size()), 0, batch, i * 784, 784);
        }
        double[] times = new double[9];
        double[] cpu = new double[9];
        for (int r = 0; r < times.length; r++) {
            long start = System.nanoTime();
            long startCpu = threadCpu();
            model.call(scope -> {
                NDArray x = scope.create(batch, new Shape(BATCH, 1, 28, 28));
                return model.seam().trace(scope, TraceRequest.of(x).objective(t -> t.output().logSoftmax(1)
                        .get(":, 0")).inputGradient()).inputGradient().toFloatArray();
            });
            times[r] = (System.nanoTime() - start) / 1e9;
            cpu[r] = (threadCpu() - startCpu) / 1e9;
        }
        Arrays.sort(times);
        Arrays.sort(cpu);
        return new double[] {times[times.length / 2] * passes / BATCH, cpu[cpu.length / 2] * passes / BATCH};
    }
}
