package io.github.explain4j.bench;

import ai.djl.Model;
import io.github.explain4j.api.ProgressListener;
import io.github.explain4j.data.DatasetItem;
import io.github.explain4j.data.ImageSource;
import io.github.explain4j.data.SyntheticShapes;
import io.github.explain4j.djl.ExplainableModel;
import io.github.explain4j.djl.data.DatasetPass;
import io.github.explain4j.djl.inside.TopActivations;
import io.github.explain4j.djl.internal.HeapArrays;
import io.github.explain4j.djl.zoo.ShapesNet;
import io.github.explain4j.samples.Gallery;
import io.github.explain4j.samples.fashion.FashionMnist;
import io.github.explain4j.samples.fashion.FashionNet;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * A dataset pass against the model's forward floor, interleaved in one JVM: per round, the pass (top-k activations
 * of the last convolutional layer, read from the source, images prepared on the pass's second thread) and the
 * floor — the model's forward to its output over the same batches, their inputs prepared beforehand — in
 * alternating order; wall time and process CPU time (all threads), medians and their ratio, and the median of
 * each round's own pass ÷ floor (the two timed back to back, so a slow spell of the machine falls on both).
 *
 * <pre>
 * mvn -o -q -DskipTests install
 * CP="explain-bench/target/classes:$(cat explain-bench/target/classpath.txt)"
 * OMP_NUM_THREADS=1 java -Xmx3g -Dai.djl.offline=true -cp "$CP" io.github.explain4j.bench.DatasetPassRun PyTorch 3 fashion shapes
 * </pre>
 * Arguments: engine, rounds, then the data: {@code fashion} (FashionNet over the 10,000 Fashion-MNIST test images
 * read from their IDX files, layer relu3) or {@code shapes} (ShapesNet over 2,000 synthetic shapes drawn as they
 * are read, layer stage3). {@code -Dbatch=256} sets the batch.
 */
public final class DatasetPassRun {

    private DatasetPassRun() {}

    /** See the class comment. */
    public static void main(String[] args) throws Exception {
        String engine = args[0];
        int rounds = Integer.parseInt(args[1]);
        int batch = Integer.getInteger("batch", 256);
        for (int i = 2; i < args.length; i++) {
            boolean fashion = args[i].equals("fashion");
            ImageSource source;
            Model m;
            ExplainableModel model;
            String layer;
            if (fashion) {
                source = FashionMnist.source(FashionMnist.Split.TEST);
                m = FashionNet.load(Gallery.repositoryRoot().resolve(FashionNet.COMMITTED_DIR), engine);
                model = FashionNet.explainable(m);
                layer = "12LambdaBlock";
            } else {
                source = ImageSource.shapes(SyntheticShapes.create(64), SyntheticShapes.TEST_SEED, 2000);
                m = ShapesNet.load(engine);
                model = ShapesNet.explainable(m);
                layer = "stage3";
            }
            try {
                List<float[]> inputs = new ArrayList<>();
                try (Stream<DatasetItem> s = source.stream()) {
                    List<BufferedImage> images = new ArrayList<>();
                    for (DatasetItem item : (Iterable<DatasetItem>) s::iterator) {
                        images.add(item.image());
                        if (images.size() == batch) {
                            inputs.add(model.toInputValues(images));
                            images.clear();
                        }
                    }
                    if (!images.isEmpty()) {
                        inputs.add(model.toInputValues(images));
                    }
                }
                int per = model.spec().channels() * model.spec().height() * model.spec().width();
                Runnable floor = () -> {
                    for (float[] in : inputs) {
                        model.call(scope -> model.seam().forward(scope, HeapArrays.create(scope, in,
                                model.inputShape(in.length / per)).toType(model.seam().dataType(), false))
                                .toType(ai.djl.ndarray.types.DataType.FLOAT32, false).toFloatArray());
                    }
                };
                DatasetPass pass = DatasetPass.over(source).batchSize(batch).progress(ProgressListener.NONE);
                Runnable run = () -> pass.run(model, TopActivations.of(layer));
                System.out.println("# " + engine + " " + args[i] + " (" + source.description() + "), batch " + batch
                        + ", load " + Measures.loadAverage());
                run.run(); // warm-up
                floor.run();
                long[][] p = new long[2][rounds];
                long[][] f = new long[2][rounds];
                for (int r = 0; r < rounds; r++) {
                    if (r % 2 == 0) {
                        time(run, p, r);
                        time(floor, f, r);
                    } else {
                        time(floor, f, r);
                        time(run, p, r);
                    }
                }
                for (int k = 0; k < 2; k++) {
                    double[] paired = new double[rounds];
                    for (int r = 0; r < rounds; r++) {
                        paired[r] = (double) p[k][r] / f[k][r];
                    }
                    java.util.Arrays.sort(paired);
                    System.out.printf(Locale.ROOT, "%s %s %s pass %.2f s / forward floor %.2f s = %.3f (fastest"
                            + " %.3f; median of the rounds' own ratios %.3f, quartiles %.3f–%.3f), %d rounds%n",
                            engine, args[i], k == 0 ? "wall" : "cpu ",
                            Measures.median(p[k]) / 1e9, Measures.median(f[k]) / 1e9,
                            Measures.median(p[k]) / Measures.median(f[k]),
                            (double) Measures.min(p[k]) / Measures.min(f[k]), paired[rounds / 2],
                            paired[rounds / 4], paired[(3 * rounds) / 4], rounds);
                }
                System.out.println("# load after " + Measures.loadAverage());
            } finally {
                m.close();
            }
        }
    }

    private static void time(Runnable task, long[][] out, int round) {
        long cpu = Measures.cpuTime();
        long start = System.nanoTime();
        task.run();
        out[0][round] = System.nanoTime() - start;
        out[1][round] = Measures.cpuTime() - cpu;
    }
}
