package io.github.explain4j.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.github.explain4j.api.Target;
import io.github.explain4j.djl.attribution.IntegratedGradients;
import io.github.explain4j.djl.attribution.Saliency;
import io.github.explain4j.djl.attribution.SmoothGrad;
import io.github.explain4j.djl.cam.GradCam;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A companion to the JMH suite for machines shared with other work: measures a method and its floor
 * <em>interleaved</em> in one JVM (rounds in the order A B B A), so that slow changes of the background load hit
 * both alike, and reports the median and the fastest of each and the median of the per-round ratios, for wall
 * time and for the process's CPU time (less disturbed by other work than wall time when the work is
 * CPU-bound). It also
 * times, one by one, the library's costs outside the engine's forward and backward passes (heap copies, noise,
 * the extra forward passes), which is how the overheads in {@code README.md} were found.
 *
 * <pre>
 * mvn -o -q -pl explain-bench -am -DskipTests install
 * java -Xmx2g -Dai.djl.offline=true -cp "explain-bench/target/classes:$(cat explain-bench/target/classpath.txt)" \
 *     io.github.explain4j.bench.PairedRun PyTorch 16 5 gradCam:floor1 smoothGrad:floor50 ig:floor50 costs
 * </pre>
 * Arguments: engine, batch size, rounds, then pairs {@code method:floor} of the tasks {@code gradCam},
 * {@code smoothGrad}, {@code ig}, {@code floor1}, {@code floor50}, {@code plain1}, {@code plain50} (the plain
 * ones on PyTorch only; they freeze the parameters, which the seam does not need), {@code costs}, or
 * {@code breakdown} (each method's time split into the seam's passes and the library's own work, through a
 * {@link TimingSeam}, next to the floor; {@code breakdown:smoothGrad} for one method).
 * ({@code target/classpath.txt}, this module's runtime dependencies, is written by every build.)
 */
public final class PairedRun {

    private PairedRun() {}

    /** See the class comment. */
    public static void main(String[] args) {
        if (args.length < 4) {
            System.err.println("usage: PairedRun <engine> <batchSize> <rounds> <method:floor|costs>...");
            System.exit(2);
        }
        String engine = args[0];
        int batch = Integer.parseInt(args[1]);
        int rounds = Integer.parseInt(args[2]);
        boolean plain = Arrays.stream(args).anyMatch(a -> a.contains("plain"));
        try (Fixture f = plain ? Fixture.createFrozen(engine) : Fixture.create(engine)) {
            Map<String, Runnable> tasks = tasks(f, batch);
            for (int i = 3; i < args.length; i++) {
                if (args[i].equals("costs")) {
                    costs(f, batch);
                    continue;
                }
                if (args[i].startsWith("breakdown")) {
                    breakdown(f, batch, rounds, args[i].contains(":") ? args[i].split(":")[1] : null);
                    continue;
                }
                String[] pair = args[i].split(":");
                Runnable a = task(tasks, pair[0]);
                Runnable b = task(tasks, pair[1]);
                a.run();
                b.run();
                long[][] a1 = new long[2][rounds];
                long[][] b1 = new long[2][rounds];
                for (int r = 0; r < rounds; r++) {
                    if (r % 2 == 0) {
                        measure(a, a1, r);
                        measure(b, b1, r);
                    } else {
                        measure(b, b1, r);
                        measure(a, a1, r);
                    }
                }
                for (int k = 0; k < 2; k++) {
                    double[] ratio = new double[rounds];
                    for (int r = 0; r < rounds; r++) {
                        ratio[r] = (double) a1[k][r] / b1[k][r];
                    }
                    System.out.printf(Locale.ROOT, "%s %s %s / %s (batch %d, %d rounds): median %.1f / %.1f ms,"
                            + " fastest %.1f / %.1f ms; ratio of medians %.3f, median ratio %.3f,"
                            + " fastest ratio %.3f%n", engine, k == 0 ? "wall" : "cpu ", pair[0], pair[1], batch,
                            rounds, Measures.median(a1[k]) / 1e6, Measures.median(b1[k]) / 1e6, Measures.min(a1[k]) / 1e6, Measures.min(b1[k]) / 1e6,
                            Measures.median(a1[k]) / Measures.median(b1[k]), Measures.median(ratio), (double) Measures.min(a1[k]) / Measures.min(b1[k]));
                }
            }
        }
    }

    /** Runs {@code task}, storing its wall time in {@code into[0][round]} and the process's CPU time in [1]. */
    private static void measure(Runnable task, long[][] into, int round) {
        long cpu = Measures.cpuTime();
        long start = System.nanoTime();
        task.run();
        into[0][round] = System.nanoTime() - start;
        into[1][round] = Measures.cpuTime() - cpu;
    }

    private static Map<String, Runnable> tasks(Fixture f, int batch) {
        int samples = MultiPassBenchmark.SAMPLES;
        NDArray full = f.noisyBatch(Math.min(batch, samples));
        NDArray last = samples % batch == 0 || batch >= samples ? null : f.noisyBatch(samples % batch);
        SmoothGrad smoothGrad = SmoothGrad.of(Saliency.create()).samples(samples).noise(0.15).batchSize(batch);
        IntegratedGradients ig = IntegratedGradients.create().steps(samples).batchSize(batch);
        GradCam gradCam = GradCam.create();
        Map<String, Runnable> tasks = new LinkedHashMap<>();
        tasks.put("gradCam", () -> gradCam.explainTensor(f.model, f.input, Target.topPrediction()));
        tasks.put("smoothGrad", () -> smoothGrad.explainTensor(f.model, f.input, Target.topPrediction()));
        tasks.put("ig", () -> ig.explainTensor(f.model, f.input, Target.topPrediction()));
        IntegratedGradients adaptive = ig.rule(IntegratedGradients.Rule.ADAPTIVE);
        tasks.put("igAdaptive", () -> adaptive.explainTensor(f.model, f.input, Target.topPrediction()));
        tasks.put("floor1", () -> f.seamForwardBackward(f.input));
        tasks.put("plain1", () -> f.plainForwardBackward(f.input));
        tasks.put("floor50", () -> {
            for (int done = 0; done < samples; done += batch) {
                f.seamForwardBackward(samples - done >= batch ? full : last);
            }
        });
        tasks.put("plain50", () -> {
            for (int done = 0; done < samples; done += batch) {
                f.plainForwardBackward(samples - done >= batch ? full : last);
            }
        });
        return tasks;
    }

    private static Runnable task(Map<String, Runnable> tasks, String name) {
        Runnable r = tasks.get(name);
        if (r == null) {
            throw new IllegalArgumentException("unknown task '" + name + "'; expected one of " + tasks.keySet());
        }
        return r;
    }

    /**
     * Splits each method's time into the seam's passes and the rest, over {@code rounds} calls, with the floor's
     * passes interleaved: the rest is the library's own cost, the passes compare with the floor's.
     */
    private static void breakdown(Fixture f, int batch, int rounds, String only) {
        int samples = MultiPassBenchmark.SAMPLES;
        TimingSeam seam = new TimingSeam(f.model.seam());
        io.github.explain4j.djl.ExplainableModel timed =
                io.github.explain4j.djl.ExplainableModel.of(seam, f.model.spec(), f.model.name());
        NDArray full = f.noisyBatch(Math.min(batch, samples));
        NDArray last = samples % batch == 0 || batch >= samples ? null : f.noisyBatch(samples % batch);
        Map<String, io.github.explain4j.djl.core.AttributionMethod> methods = new LinkedHashMap<>();
        methods.put("gradCam", GradCam.create());
        methods.put("smoothGrad", SmoothGrad.of(Saliency.create()).samples(samples).noise(0.15).batchSize(batch));
        methods.put("ig", IntegratedGradients.create().steps(samples).batchSize(batch));
        for (Map.Entry<String, io.github.explain4j.djl.core.AttributionMethod> m : methods.entrySet()) {
            if (only != null && !only.equals(m.getKey())) {
                continue;
            }
            boolean single = m.getKey().equals("gradCam");
            Runnable floor = single ? () -> f.seamForwardBackward(f.input) : () -> {
                for (int done = 0; done < samples; done += batch) {
                    f.seamForwardBackward(samples - done >= batch ? full : last);
                }
            };
            int n = single ? rounds * 5 : rounds;
            m.getValue().explainTensor(timed, f.input, Target.topPrediction());
            floor.run();
            long[] total = new long[n];
            long[] grad = new long[n];
            long[] fwd = new long[n];
            long[] rest = new long[n];
            long[] floorTime = new long[n];
            for (int r = 0; r < n; r++) {
                seam.reset();
                total[r] = time(() -> m.getValue().explainTensor(timed, f.input, Target.topPrediction()));
                grad[r] = seam.gradientNanos;
                fwd[r] = seam.forwardNanos;
                rest[r] = total[r] - grad[r] - fwd[r];
                floorTime[r] = time(floor);
            }
            System.out.printf(Locale.ROOT, "%s %s breakdown (%d calls, medians): total %.1f ms = gradient passes %.1f"
                    + " (%d calls) + forward passes %.1f (%d calls) + rest %.1f ms; floor %.1f ms;"
                    + " gradient passes / floor %.3f, rest / floor %.3f, forward / floor %.3f%n", f.engine,
                    m.getKey(), n, Measures.median(total) / 1e6, Measures.median(grad) / 1e6, seam.gradientCalls, Measures.median(fwd) / 1e6,
                    seam.forwardCalls, Measures.median(rest) / 1e6, Measures.median(floorTime) / 1e6, Measures.median(grad) / Measures.median(floorTime),
                    Measures.median(rest) / Measures.median(floorTime), Measures.median(fwd) / Measures.median(floorTime));
        }
    }

    /** Times, one by one, what the library does besides the engine's forward and backward passes. */
    private static void costs(Fixture f, int batch) {
        int per = 3 * 224 * 224;
        NDArray full = f.noisyBatch(batch);
        List<String> lines = new ArrayList<>();
        lines.add(cost("copyInput, batch 1 (read, finiteness scan, copy)", 20, () -> {
            try (ai.djl.ndarray.NDManager scope = f.model.seam().manager().newSubManager()) {
                f.model.copyInput(scope, f.input);
            }
        }));
        lines.add(cost("toFloatArray of a (" + batch + ",3,224,224) array (rows())", 10, () -> full.toFloatArray()));
        lines.add(cost("create a (" + batch + ",3,224,224) array from the heap", 10, () -> {
            try (NDManager scope = f.manager.newSubManager()) {
                scope.create(new float[batch * per], full.getShape());
            }
        }));
        lines.add(cost("SmoothGrad noise: 50 x 150528 Box–Muller draws", 3, () -> {
            java.util.SplittableRandom random = new java.util.SplittableRandom(1);
            float[] noisy = new float[per];
            double acc = 0;
            for (int s = 0; s < 50; s++) {
                for (int j = 0; j < per; j++) {
                    double u = 1.0 - random.nextDouble();
                    double v = random.nextDouble();
                    noisy[j] = (float) (0.3 * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v));
                }
                acc += noisy[0];
            }
            if (acc == 42) {
                System.out.print("");
            }
        }));
        lines.add(cost("same noise, both values of each Box–Muller pair", 3, () -> {
            java.util.SplittableRandom random = new java.util.SplittableRandom(1);
            float[] noisy = new float[per];
            double acc = 0;
            for (int s = 0; s < 50; s++) {
                for (int j = 0; j < per; j += 2) {
                    double r = Math.sqrt(-2 * Math.log(1.0 - random.nextDouble()));
                    double t = 2 * Math.PI * random.nextDouble();
                    noisy[j] = (float) (0.3 * r * Math.cos(t));
                    if (j + 1 < per) {
                        noisy[j + 1] = (float) (0.3 * r * Math.sin(t));
                    }
                }
                acc += noisy[0];
            }
            if (acc == 42) {
                System.out.print("");
            }
        }));
        lines.add(cost("same noise, SplittableRandom.nextGaussian() (JDK 17 ziggurat)", 3, () -> {
            java.util.SplittableRandom random = new java.util.SplittableRandom(1);
            float[] noisy = new float[per];
            double acc = 0;
            for (int s = 0; s < 50; s++) {
                for (int j = 0; j < per; j++) {
                    noisy[j] = (float) (0.3 * random.nextGaussian());
                }
                acc += noisy[0];
            }
            if (acc == 42) {
                System.out.print("");
            }
        }));
        lines.add(cost("forward, batch 1 (SmoothGrad fixes the top class)", 10, () -> {
            try (NDManager scope = f.manager.newSubManager()) {
                scope.tempAttachAll(f.input);
                f.model.seam().forward(scope, f.input).toFloatArray();
            }
        }));
        NDArray two = f.noisyBatch(2);
        lines.add(cost("forward, batch 2 (Integrated Gradients scores input and baseline)", 10, () -> {
            try (NDManager scope = f.manager.newSubManager()) {
                scope.tempAttachAll(two);
                f.model.seam().forward(scope, two).toFloatArray();
            }
        }));
        lines.add(cost("model.layers() + lastSpatialLayer() (cached)", 10, () -> f.model.lastSpatialLayer()));
        lines.forEach(System.out::println);
    }

    private static String cost(String what, int repeats, Runnable r) {
        r.run();
        long[] t = new long[repeats];
        for (int i = 0; i < repeats; i++) {
            t[i] = time(r);
        }
        return String.format(Locale.ROOT, "  %-70s median %8.2f ms, fastest %8.2f ms", what, Measures.median(t) / 1e6,
                Measures.min(t) / 1e6);
    }

    private static long time(Runnable r) {
        long start = System.nanoTime();
        r.run();
        return System.nanoTime() - start;
    }
}
