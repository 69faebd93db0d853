package io.github.explain4j.bench;

import ai.djl.ndarray.LazyNDArray;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.explain4j.djl.ExplainableModel;
import io.github.explain4j.djl.core.Objectives;
import io.github.explain4j.djl.optim.FeatureVisualization;
import io.github.explain4j.djl.optim.StepPieces;
import io.github.explain4j.djl.seam.Trace;
import io.github.explain4j.djl.seam.TraceRequest;
import io.github.explain4j.optim.Objective;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * The feature-visualisation step against its floor, interleaved in one JVM (companion of
 * {@link FeatureStepBenchmark}, whose forks run minutes apart on a shared machine), and the step's pieces timed one
 * by one.
 *
 * <pre>
 * mvn -o -q -pl explain-bench -am -DskipTests install
 * CP="explain-bench/target/classes:$(cat explain-bench/target/classpath.txt)"
 * java -Xmx3g -Dai.djl.offline=true -cp "$CP" io.github.explain4j.bench.FeatureStepRun pair PyTorch 5 4 1x128 4x128 1x224 4x224
 * java -Xmx3g -Dai.djl.offline=true -cp "$CP" io.github.explain4j.bench.FeatureStepRun parts MXNet 15 1x224 4x224
 * java -cp "$CP" io.github.explain4j.bench.FeatureStepRun table explain-bench/target/jmh-result.json
 * </pre>
 * <ul>
 *   <li>{@code pair <engine> <rounds> <steps> <batch>x<size>...}: per cell, rounds of {@code steps} steps of
 *       {@code FeatureVisualization} (objective on the last layer, then on the middle layer) and {@code steps}
 *       floor passes, in the order last, mid, floor on even rounds and reversed on odd ones; wall time and process
 *       CPU time; ratio of medians and median of the per-round ratios.</li>
 *   <li>{@code parts <engine> <repeats> <batch>x<size>...}: one step rebuilt from the engine realisation's pieces
 *       (the image as matrix products and a gather in the engine's graph, which the redirected-ReLU steps still
 *       use; ordinary steps now run the heap realisation) and timed piece by piece (medians of {@code repeats},
 *       waiting for MXNet after each piece), next to the floor.</li>
 *   <li>{@code table <jmh-result.json>}: the step ÷ floor table of a {@link FeatureStepBenchmark} run.</li>
 * </ul>
 */
public final class FeatureStepRun {

    private FeatureStepRun() {}

    /** See the class comment. */
    public static void main(String[] args) throws IOException {
        if (args.length >= 2 && args[0].equals("table")) {
            System.out.print(table(Path.of(args[1])));
            return;
        }
        if (args.length < 4) {
            System.err.println("usage: FeatureStepRun pair <engine> <rounds> <steps> <batch>x<size>...\n"
                    + "       FeatureStepRun parts <engine> <repeats> <batch>x<size>...\n"
                    + "       FeatureStepRun table <jmh-result.json>");
            System.exit(2);
        }
        String mode = args[0];
        String engine = args[1];
        int rounds = Integer.parseInt(args[2]);
        int first = mode.equals("pair") ? 4 : 3;
        int steps = mode.equals("pair") ? Integer.parseInt(args[3]) : 1;
        for (int i = first; i < args.length; i++) {
            String[] cell = args[i].split("x");
            int batch = Integer.parseInt(cell[0]);
            int size = Integer.parseInt(cell[1]);
            try (MobileNetFixture f = new MobileNetFixture(engine, size, batch)) {
                System.out.println("# " + engine + " batch " + batch + " " + size + "x" + size + ", load "
                        + Measures.loadAverage());
                if (mode.equals("pair")) {
                    pair(f, rounds, steps);
                } else {
                    parts(f, rounds);
                }
                System.out.println("# load after " + Measures.loadAverage());
            }
        }
    }

    private static void pair(MobileNetFixture f, int rounds, int steps) {
        FeatureVisualization last = f.visualization("last", steps);
        FeatureVisualization mid = f.visualization("mid", steps);
        Map<String, Runnable> tasks = new LinkedHashMap<>();
        tasks.put("stepLast", () -> last.optimize(f.model));
        tasks.put("stepMid", () -> mid.optimize(f.model));
        // the network's own pass as a trace of the fixed input: through Objectives.request (captures the layer,
        // stops after it), and with the objective on the output directly
        tasks.put("traceCapture", () -> {
            for (int s = 0; s < steps; s++) {
                f.model.call(scope -> {
                    TraceRequest request = Objectives.request(TraceRequest.of(f.input).inputGradient(),
                            MobileNetFixture.objective("last"), () -> null);
                    return f.model.seam().trace(scope, request).inputGradient().toFloatArray();
                });
            }
        });
        tasks.put("traceOutput", () -> {
            for (int s = 0; s < steps; s++) {
                f.model.call(scope -> {
                    TraceRequest request = TraceRequest.of(f.input).inputGradient().objective(
                            t -> t.output().get(new ai.djl.ndarray.index.NDIndex(":, {}", MobileNetFixture.CHANNEL))
                                    .mean());
                    return f.model.seam().trace(scope, request).inputGradient().toFloatArray();
                });
            }
        });
        tasks.put("floor", () -> {
            for (int s = 0; s < steps; s++) {
                f.floor();
            }
        });
        List<String> names = new ArrayList<>(tasks.keySet());
        tasks.values().forEach(Runnable::run); // warm-up
        Map<String, long[][]> times = new LinkedHashMap<>();
        names.forEach(n -> times.put(n, new long[3][rounds]));
        for (int r = 0; r < rounds; r++) {
            List<String> order = new ArrayList<>(names);
            if (r % 2 == 1) {
                java.util.Collections.reverse(order);
            }
            for (String n : order) {
                long cpu = Measures.cpuTime();
                long thread = Measures.threadTime();
                long start = System.nanoTime();
                tasks.get(n).run();
                times.get(n)[0][r] = System.nanoTime() - start;
                times.get(n)[1][r] = Measures.cpuTime() - cpu;
                times.get(n)[2][r] = Measures.threadTime() - thread;
            }
        }
        long[][] floor = times.get("floor");
        for (String n : List.of("stepLast", "stepMid", "traceCapture", "traceOutput")) {
            long[][] a = times.get(n);
            for (int k = 0; k < 3; k++) {
                double[] ratio = new double[rounds];
                for (int r = 0; r < rounds; r++) {
                    ratio[r] = (double) a[k][r] / floor[k][r];
                }
                System.out.printf(Locale.ROOT, "%s %s %s / floor (batch %d, %dx%d, %d steps, %d rounds): per step"
                        + " median %.1f / %.1f ms; ratio of medians %.3f, median ratio %.3f (range %.3f-%.3f),"
                        + " fastest ratio %.3f%n", f.engine, new String[] {"wall  ", "cpu   ", "thread"}[k], n, f.batch, f.size, f.size,
                        steps, rounds, Measures.median(a[k]) / 1e6 / steps, Measures.median(floor[k]) / 1e6 / steps,
                        Measures.median(a[k]) / Measures.median(floor[k]), Measures.median(ratio), Arrays.stream(ratio).min().orElseThrow(),
                        Arrays.stream(ratio).max().orElseThrow(), (double) Measures.min(a[k]) / Measures.min(floor[k]));
            }
        }
    }

    /** One step rebuilt from the library's pieces, each timed; the floor interleaved. */
    private static void parts(MobileNetFixture f, int repeats) {
        ExplainableModel model = f.model;
        int n = f.batch;
        int h = f.size;
        int w = f.size;
        StepPieces pieces = new StepPieces(n, 3, h, w);
        Objective lastObjective = MobileNetFixture.objective("last");
        Objective midObjective = MobileNetFixture.objective("mid");
        Map<String, long[]> t = new LinkedHashMap<>();
        model.call(scope -> {
            DataType type = model.seam().dataType();
            NDArray theta = pieces.initial(scope, 1).toType(type, false);
            NDArray m1 = theta.zerosLike();
            NDArray m2 = theta.zerosLike();
            NDArray mean = scope.zeros(new Shape(1, 3, 1, 1), type);
            NDArray std = scope.ones(new Shape(1, 3, 1, 1), type);
            NDArray scale = pieces.spectrumScale(scope, type);
            NDArray[] mats = pieces.dftMatrices(scope, type);
            NDArray[] gemm = pieces.gemmConstants(scope, type);
            try (NDManager check = scope.newSubManager()) { // the proposed pieces compute the same images
                NDArray a = pieces.image(theta);
                NDArray b = pieces.imageGemm(theta, gemm);
                NDArray ta = pieces.transform(a, h, w, new SplittableRandom(5));
                NDArray tb = pieces.transformOneTake(a, h, w, new SplittableRandom(5));
                System.out.printf(Locale.ROOT, "  check: proposed image max |diff| %.3g, proposed transforms max"
                        + " |diff| %.3g%n", a.sub(b).abs().max().toType(DataType.FLOAT64, false).getDouble(),
                        ta.sub(tb).abs().max().toType(DataType.FLOAT64, false).getDouble());
            }
            NDArray fixed = f.input.duplicate();
            scope.tempAttachAll(fixed);
            for (int r = -1; r < repeats; r++) { // round -1 warms up
                int step = r + 2;
                if (r % 2 == 0) { // the floor at the start of even rounds and the end of odd ones
                    record(t, r, "floor: seam gradients, input gradient to heap", () -> f.floor());
                }
                try (NDManager pass = scope.newSubManager()) {
                    SplittableRandom draws = new SplittableRandom(step);
                    NDArray[] image = new NDArray[1];
                    TraceRequest request = Objectives.request(TraceRequest.fromParameters(List.of(theta), q -> {
                        image[0] = pieces.image(q.head());
                        return pieces.transform(image[0], h, w, draws).sub(mean).div(std);
                    }), lastObjective, () -> image[0]);
                    Trace[] trace = new Trace[1];
                    long start = System.nanoTime();
                    long startCpu = Measures.cpuTime();
                    long startThread = Measures.threadTime();
                    record(t, r, "step: trace from parameters (last layer)", () -> {
                        trace[0] = model.seam().trace(pass, request);
                        trace[0].objectiveValue();
                        sync(trace[0].parameterGradients().get(0));
                    });
                    record(t, r, "step: Adam update", () -> {
                        adam(theta, m1, m2, trace[0].parameterGradients().get(0), step, 0.05);
                        sync(theta);
                    });
                    store(t, r, "step: whole (trace + Adam)", System.nanoTime() - start);
                    store(t, r, CPU + "step: whole (trace + Adam)", Measures.cpuTime() - startCpu);
                    store(t, r, THREAD + "step: whole (trace + Adam)", Measures.threadTime() - startThread);
                }
                try (NDManager pass = scope.newSubManager()) {
                    SplittableRandom draws = new SplittableRandom(step);
                    NDArray[] image = new NDArray[1];
                    TraceRequest request = Objectives.request(TraceRequest.fromParameters(List.of(theta), q -> {
                        image[0] = pieces.image(q.head());
                        return pieces.transform(image[0], h, w, draws).sub(mean).div(std);
                    }), midObjective, () -> image[0]);
                    record(t, r, "step (mid layer): trace from parameters", () -> {
                        Trace tr = model.seam().trace(pass, request);
                        tr.objectiveValue();
                        sync(tr.parameterGradients().get(0));
                    });
                }
                try (NDManager pass = scope.newSubManager()) {
                    SplittableRandom draws = new SplittableRandom(step);
                    NDArray[] image = new NDArray[1];
                    TraceRequest request = Objectives.request(TraceRequest.fromParameters(List.of(theta), q -> {
                        image[0] = StepPieces.imageCached(q.head(), scale, mats);
                        return pieces.transform(image[0], h, w, draws).sub(mean).div(std);
                    }), lastObjective, () -> image[0]);
                    record(t, r, "step, constants cached: trace from parameters", () -> {
                        Trace tr = model.seam().trace(pass, request);
                        tr.objectiveValue();
                        sync(tr.parameterGradients().get(0));
                    });
                }
                try (NDManager pass = scope.newSubManager()) {
                    SplittableRandom draws = new SplittableRandom(step);
                    NDArray[] image = new NDArray[1];
                    TraceRequest request = Objectives.request(TraceRequest.fromParameters(List.of(theta), q -> {
                        image[0] = pieces.imageGemm(q.head(), gemm);
                        return pieces.transformOneTake(image[0], h, w, draws).sub(mean).div(std);
                    }), lastObjective, () -> image[0]);
                    record(t, r, "step, proposed pieces: trace from parameters", () -> {
                        Trace tr = model.seam().trace(pass, request);
                        tr.objectiveValue();
                        sync(tr.parameterGradients().get(0));
                    });
                }
                try (NDManager pass = scope.newSubManager()) {
                    TraceRequest request = Objectives.request(TraceRequest.of(fixed).inputGradient(),
                            lastObjective, () -> null);
                    record(t, r, "trace of a fixed input (no parameterisation), input gradient", () -> {
                        Trace tr = model.seam().trace(pass, request);
                        tr.objectiveValue();
                        sync(tr.inputGradient());
                    });
                }
                try (NDManager m = scope.newSubManager()) {
                    record(t, r, "  image(theta), forward only", () -> sync(pieces.image(theta)));
                    record(t, r, "    spectrum scale (Java + copy)", () -> sync(pieces.spectrumScale(m, type)));
                    record(t, r, "    DFT matrices (Java cos/sin + copy)", () -> sync(pieces.dftMatrices(m, type)[3]));
                    NDArray re = theta.get(0).mul(scale);
                    NDArray im = theta.get(1).mul(scale);
                    record(t, r, "    inverse FFT, library (matrices + 6 products)",
                            () -> sync(pieces.inverseFft(re, im)));
                    record(t, r, "    inverse FFT, 6 products alone", () -> sync(StepPieces.inverseFftProducts(re, im,
                            mats)));
                    NDArray raw = StepPieces.inverseFftProducts(re, im, mats).div(4);
                    record(t, r, "    decorrelation", () -> sync(StepPieces.decorrelate(raw)));
                    record(t, r, "    sigmoid", () -> sync(ai.djl.nn.Activation.sigmoid(raw)));
                    record(t, r, "  image, constants cached, forward only",
                            () -> sync(StepPieces.imageCached(theta, scale, mats)));
                    NDArray img = pieces.image(theta);
                    record(t, r, "  transforms.apply, forward only", () -> sync(pieces.transform(img, h, w,
                            new SplittableRandom(step))));
                    record(t, r, "    draws + index/weight arrays on the heap (Java only)", () -> {
                        if (pieces.resampleIndicesOnHeap(n, 3, h, w, new SplittableRandom(step)) == 42.5) {
                            System.out.print("");
                        }
                    });
                    record(t, r, "  normalise (sub, div)", () -> sync(img.sub(mean).div(std)));
                    // forward + backward of the pieces before the network, alone (a collector of their own)
                    NDArray weights = f.input.duplicate();
                    m.tempAttachAll(weights);
                    record(t, r, "  image + transforms, forward+backward alone (library)", () -> backwardOf(m,
                            theta, x -> pieces.transform(pieces.image(x), h, w, new SplittableRandom(step)), weights));
                    record(t, r, "  image + transforms, forward+backward alone (constants cached)", () -> backwardOf(
                            m, theta, x -> pieces.transform(StepPieces.imageCached(x, scale, mats), h, w,
                                    new SplittableRandom(step)), weights));
                    record(t, r, "    image alone, forward+backward (library)", () -> backwardOf(m, theta,
                            pieces::image, weights));
                    record(t, r, "    image alone, forward+backward (constants cached)", () -> backwardOf(m, theta,
                            x -> StepPieces.imageCached(x, scale, mats), weights));
                    record(t, r, "    transforms alone, forward+backward", () -> backwardOf(m, img,
                            x -> pieces.transform(x, h, w, new SplittableRandom(step)), weights));
                    record(t, r, "  image + transforms, forward+backward alone (proposed)", () -> backwardOf(m,
                            theta, x -> pieces.transformOneTake(pieces.imageGemm(x, gemm), h, w,
                                    new SplittableRandom(step)), weights));
                    record(t, r, "    image alone, forward+backward (proposed: 2 GEMMs)", () -> backwardOf(m, theta,
                            x -> pieces.imageGemm(x, gemm), weights));
                    record(t, r, "    transforms alone, forward+backward (proposed: one take)", () -> backwardOf(m,
                            img, x -> pieces.transformOneTake(x, h, w, new SplittableRandom(step)), weights));
                }
                if (r % 2 != 0) {
                    record(t, r, "floor: seam gradients, input gradient to heap", () -> f.floor());
                }
            }
            return null;
        });
        String floorName = "floor: seam gradients, input gradient to heap";
        double floor = Measures.median(t.get(floorName));
        double floorCpu = Measures.median(t.get(CPU + floorName));
        double floorThread = Measures.median(t.get(THREAD + floorName));
        System.out.printf(Locale.ROOT, "  %-66s %9s %7s %11s %7s %10s %7s%n", "piece (medians of " + repeats + ")",
                "wall ms", "/ floor", "process CPU", "/ floor", "thread CPU", "/ floor");
        for (Map.Entry<String, long[]> e : t.entrySet()) {
            if (e.getKey().startsWith(CPU) || e.getKey().startsWith(THREAD)) {
                continue;
            }
            double ms = Measures.median(e.getValue());
            double cpu = Measures.median(t.get(CPU + e.getKey()));
            double thread = Measures.median(t.get(THREAD + e.getKey()));
            System.out.printf(Locale.ROOT, "  %-66s %9.2f %7.3f %11.2f %7.3f %10.2f %7.3f%n", e.getKey(), ms / 1e6,
                    ms / floor, cpu / 1e6, cpu / floorCpu, thread / 1e6, thread / floorThread);
        }
    }

    /** Forward and backward of {@code function} at {@code x}, scoring {@code Σ weights · function(x)}. */
    private static void backwardOf(NDManager m, NDArray x, java.util.function.UnaryOperator<NDArray> function,
            NDArray weights) {
        try (NDManager scope = m.newSubManager();
                ai.djl.training.GradientCollector collector = m.getEngine().newGradientCollector()) {
            NDArray leaf = x.duplicate();
            scope.tempAttachAll(leaf);
            leaf.setRequiresGradient(true);
            NDArray y = function.apply(leaf);
            collector.backward(y.mul(weights).sum());
            sync(leaf.getGradient());
        }
    }

    /** FeatureVisualization's Adam update (copied). */
    private static void adam(NDArray theta, NDArray first, NDArray second, NDArray gradient, int step, double lr) {
        double b1 = 0.9;
        double b2 = 0.999;
        first.muli(b1).addi(gradient.mul(1 - b1));
        second.muli(b2).addi(gradient.square().mul(1 - b2));
        double correction1 = 1 - Math.pow(b1, step);
        double correction2 = 1 - Math.pow(b2, step);
        theta.addi(first.div(correction1).div(second.div(correction2).sqrt().add(1e-8)).mul(lr));
    }

    private static void record(Map<String, long[]> into, int round, String name, Runnable task) {
        long cpu = Measures.cpuTime();
        long thread = Measures.threadTime();
        long start = System.nanoTime();
        task.run();
        store(into, round, name, System.nanoTime() - start);
        store(into, round, CPU + name, Measures.cpuTime() - cpu);
        store(into, round, THREAD + name, Measures.threadTime() - thread);
    }

    /** Prefix of the calling thread's CPU-time entries. */
    private static final String THREAD = "thread:";

    /** Prefix of the process-CPU-time entries. */
    private static final String CPU = "cpu:";

    private static void store(Map<String, long[]> into, int round, String name, long nanos) {
        long[] v = into.computeIfAbsent(name, k -> new long[0]);
        if (round < 0) {
            return;
        }
        if (v.length <= round) {
            v = Arrays.copyOf(v, round + 1);
            into.put(name, v);
        }
        v[round] = nanos;
    }

    private static void sync(NDArray a) {
        if (a instanceof LazyNDArray lazy) {
            lazy.waitToRead();
        }
    }

    /** The step ÷ floor table of a FeatureStepBenchmark JSON result. */
    static String table(Path json) throws IOException {
        Map<String, double[]> scores = new TreeMap<>();
        try (Reader in = Files.newBufferedReader(json, StandardCharsets.UTF_8)) {
            for (JsonElement e : JsonParser.parseReader(in).getAsJsonArray()) {
                JsonObject o = e.getAsJsonObject();
                String bench = o.get("benchmark").getAsString();
                if (!bench.contains("FeatureStepBenchmark")) {
                    continue;
                }
                JsonObject p = o.getAsJsonObject("params");
                double min = Double.POSITIVE_INFINITY;
                double sum = 0;
                int count = 0;
                for (JsonElement fork : o.getAsJsonObject("primaryMetric").getAsJsonArray("rawData")) {
                    for (JsonElement v : (JsonArray) fork) {
                        min = Math.min(min, v.getAsDouble());
                        sum += v.getAsDouble();
                        count++;
                    }
                }
                String key = p.get("engine").getAsString() + "|" + p.get("batch").getAsString() + "|"
                        + p.get("size").getAsString() + "|" + bench.substring(bench.lastIndexOf('.') + 1);
                scores.put(key, new double[] {sum / count, min});
            }
        }
        StringBuilder out = new StringBuilder("| engine | batch | size | floor ms | step (last layer) ms | ratio"
                + " (mean / fastest) | step (mid layer) ms | ratio (mean / fastest) | ≤ 1.15 (last) |\n"
                + "|---|---:|---:|---:|---:|---:|---:|---:|---|\n");
        for (String engine : List.of("PyTorch", "MXNet")) {
            for (String size : List.of("128", "224")) {
                for (String batch : List.of("1", "4")) {
                    String k = engine + "|" + batch + "|" + size + "|";
                    double[] floor = scores.get(k + "floor");
                    double[] last = scores.get(k + "stepLast");
                    double[] mid = scores.get(k + "stepMid");
                    if (floor == null) {
                        continue;
                    }
                    out.append(String.format(Locale.ROOT, "| %s | %s | %s | %.1f | %s | %s | %s | %s | %s |%n",
                            engine, batch, size + "×" + size, floor[0], ms(last), ratio(last, floor), ms(mid),
                            ratio(mid, floor), last == null ? "–" : last[0] / floor[0] <= 1.15 ? "yes" : "no"));
                }
            }
        }
        return out.toString();
    }

    private static String ms(double[] v) {
        return v == null ? "–" : String.format(Locale.ROOT, "%.1f", v[0]);
    }

    private static String ratio(double[] v, double[] floor) {
        return v == null ? "–" : String.format(Locale.ROOT, "%.3f / %.3f", v[0] / floor[0], v[1] / floor[1]);
    }
}
