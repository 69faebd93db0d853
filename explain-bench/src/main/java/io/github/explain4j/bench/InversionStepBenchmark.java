package io.github.explain4j.bench;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.github.explain4j.api.Images;
import io.github.explain4j.data.SyntheticShapes;
import io.github.explain4j.djl.ExplainableModel;
import io.github.explain4j.djl.optim.FeatureInversion;
import io.github.explain4j.djl.seam.TraceRequest;
import io.github.explain4j.djl.zoo.ShapesNet;
import io.github.explain4j.optim.Inversion;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One step of optimisation-based inversion ({@code FeatureInversion}, issue 11) next to its floor, on the bundled
 * ShapesNet (64×64 RGB) at batch 1 (an inversion reconstructs one image): {@link #STEPS} steps per invocation,
 * reported per step ({@code @OperationsPerInvocation}; {@link #STEPS} is the default step count, over which the
 * target features Φ₀, the random start and the final evaluation are spread as in a user's inversion), against one
 * seam forward+backward pass of the same image to its input gradient through the same layers (the trace captures the inverted layer and stops after it, as the step's does).
 * Target: {@code step / floor ≤ 1.10}.
 *
 * <pre>
 * OMP_NUM_THREADS=1 MXNET_ENGINE_TYPE=NaiveEngine mvn -o -q -pl explain-bench -am -Pbench -DskipTests package -Djmh.args="InversionStepBenchmark"
 * </pre>
 * On a shared machine the forks run minutes apart; {@link #main} interleaves the two in one JVM instead and prints
 * the ratio of the medians (and the median of the per-round ratios):
 * <pre>
 * mvn -o -q -pl explain-bench -am -DskipTests install
 * CP="explain-bench/target/classes:$(cat explain-bench/target/classpath.txt)"
 * OMP_NUM_THREADS=1 java -Dai.djl.offline=true -cp "$CP" io.github.explain4j.bench.InversionStepBenchmark PyTorch 21 stem stage3
 * OMP_NUM_THREADS=1 MXNET_ENGINE_TYPE=NaiveEngine java -Dai.djl.offline=true -cp "$CP" io.github.explain4j.bench.InversionStepBenchmark MXNet 21 stem stage3
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 1, time = 4)
@Measurement(iterations = 3, time = 4)
@Fork(value = 1, jvmArgsAppend = {"-Xmx2g", "-Dai.djl.offline=true",
        "-Dorg.slf4j.simpleLogger.defaultLogLevel=error"})
public class InversionStepBenchmark {

    /**
     * Steps per invocation: an inversion with the default settings, whose one-off work (the target features, the
     * random start, the final evaluation) is spread over its steps as a user's is.
     */
    public static final int STEPS = 200;

    /** The DJL engine. */
    @Param({"PyTorch", "MXNet"})
    public String engine;

    /** The layer inverted: the stem (shallow) or stage3 (the deepest convolutional stage). */
    @Param({"stem", "stage3"})
    public String layer;

    private Model loaded;
    private ExplainableModel model;
    private float[] image;
    private NDManager manager;
    private NDArray input;
    private FeatureInversion inversion;

    /** Loads the model on the engine and draws the held-out image. */
    @Setup
    public void setUp() {
        loaded = ShapesNet.load(engine);
        model = ShapesNet.explainable(loaded);
        image = Images.toChw(SyntheticShapes.create(64).sample(SyntheticShapes.TEST_SEED, 0).image(), 3, 64, 64);
        manager = NDManager.newBaseManager(engine);
        input = model.pixelsToInput(manager, image);
        inversion = FeatureInversion.of(layer).steps(STEPS).seed(1);
    }

    /** Releases the model and the input. */
    @TearDown
    public void tearDown() {
        manager.close();
        loaded.close();
    }

    /** One inversion step (trace from the parameters with the loss, then Adam). */
    @Benchmark
    @OperationsPerInvocation(STEPS)
    public Inversion step() {
        return inversion.invert(model, image);
    }

    /** The floor: one seam forward+backward pass of the image through the layer to its input gradient. */
    @Benchmark
    public float[] floor() {
        return model.call(scope -> model.seam().trace(scope, TraceRequest.of(input).capture(layer)
                .stopAfterCaptures().objective(t -> t.activation(layer).square().mean()).inputGradient())
                .inputGradient().toFloatArray());
    }

    /**
     * Interleaved measurement: {@code <engine> <rounds> <layer>...}; per layer, rounds of one {@link #STEPS}-step
     * inversion and {@link #STEPS} floor passes, in alternating order; wall and process CPU time.
     */
    public static void main(String[] args) {
        if (args.length < 3) {
            System.err.println("usage: InversionStepBenchmark <engine> <rounds> <layer>...");
            System.exit(2);
        }
        int rounds = Integer.parseInt(args[1]);
        for (int i = 2; i < args.length; i++) {
            InversionStepBenchmark b = new InversionStepBenchmark();
            b.engine = args[0];
            b.layer = args[i];
            b.setUp();
            try {
                Map<String, Runnable> tasks = new LinkedHashMap<>();
                tasks.put("step", b::step);
                FeatureInversion bare = b.inversion.alphaWeight(0).tvWeight(0);
                tasks.put("step without penalties", () -> bare.invert(b.model, b.image));
                tasks.put("floor", () -> {
                    for (int s = 0; s < STEPS; s++) {
                        b.floor();
                    }
                });
                tasks.values().forEach(Runnable::run); // warm-up
                tasks.values().forEach(Runnable::run);
                Map<String, long[][]> times = new LinkedHashMap<>();
                tasks.keySet().forEach(n -> times.put(n, new long[2][rounds]));
                System.out.println("# " + b.engine + " " + b.layer + ", load " + Measures.loadAverage());
                for (int r = 0; r < rounds; r++) {
                    List<String> order = new ArrayList<>(tasks.keySet());
                    if (r % 2 == 1) {
                        Collections.reverse(order);
                    }
                    for (String n : order) {
                        long cpu = Measures.cpuTime();
                        long start = System.nanoTime();
                        tasks.get(n).run();
                        times.get(n)[0][r] = System.nanoTime() - start;
                        times.get(n)[1][r] = Measures.cpuTime() - cpu;
                    }
                }
                long[][] floor = times.get("floor");
                for (String name : List.of("step", "step without penalties")) {
                long[][] step = times.get(name);
                for (int k = 0; k < 2; k++) {
                    double[] ratio = new double[rounds];
                    for (int r = 0; r < rounds; r++) {
                        ratio[r] = (double) step[k][r] / floor[k][r];
                    }
                    System.out.printf(Locale.ROOT, "%s %s %s %s: per step %.2f ms, floor %.2f ms; ratio of"
                            + " medians %.3f, median ratio %.3f (%d rounds of %d steps)%n", b.engine, b.layer, name,
                            k == 0 ? "wall" : "cpu ", Measures.median(step[k]) / 1e6 / STEPS,
                            Measures.median(floor[k]) / 1e6 / STEPS, Measures.median(step[k])
                                    / Measures.median(floor[k]), Measures.median(ratio), rounds, STEPS);
                }
                }
                System.out.println("# load after " + Measures.loadAverage());
            } finally {
                b.tearDown();
            }
        }
    }
}
