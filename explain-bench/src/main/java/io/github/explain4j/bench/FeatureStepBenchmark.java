package io.github.explain4j.bench;

import io.github.explain4j.djl.optim.FeatureVisualization;
import io.github.explain4j.optim.FeatureImage;
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
 * One step of feature visualisation (issue 10) next to its floor, on the MobileNetV2 backbone
 * ({@link MobileNetFixture}): {@code FeatureVisualization} with Lucid's defaults (FFT parameterisation with
 * decorrelated colours and sigmoid range, the standard transforms, Adam) run for {@link #STEPS} steps per
 * invocation and reported per step ({@code @OperationsPerInvocation}; the start — random spectrum — and the final
 * image read-back are spread over the steps), against one seam forward+backward pass to the input gradient at
 * the same batch and input size. Target: {@code step / floor ≤ 1.15}.
 *
 * <ul>
 *   <li>{@code stepLast}: the objective is channel 7 of {@code out_relu}, the backbone's output: the trace runs the
 *       whole network, like the floor — this is the ratio the target is about;</li>
 *   <li>{@code stepMid}: channel 7 of {@code block_8_expand_relu}: the trace stops after that layer, so it is
 *       cheaper than the full floor (the typical channel visualisation).</li>
 * </ul>
 *
 * <p>On a shared machine run the engines single-threaded (the forks inherit the environment; see README.md):
 * <pre>
 * OMP_NUM_THREADS=1 MXNET_ENGINE_TYPE=NaiveEngine mvn -o -q -pl explain-bench -am -Pbench -DskipTests package -Djmh.args="FeatureStepBenchmark"
 * mvn -o -q -pl explain-bench -am -Pbench -DskipTests package -Djmh.args="-p engine=PyTorch -p size=128 FeatureStep"
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 1, time = 4)
@Measurement(iterations = 3, time = 4)
@Fork(value = 1, jvmArgsAppend = {"-Xmx2g", "-Dai.djl.offline=true",
        "-Dorg.slf4j.simpleLogger.defaultLogLevel=error"})
public class FeatureStepBenchmark {

    /** Steps per invocation. */
    public static final int STEPS = 8;

    /** The DJL engine. */
    @Param({"PyTorch", "MXNet"})
    public String engine;

    /** Images optimised at once (the parameterisation's batch) and the floor's batch. */
    @Param({"1", "4"})
    public int batch;

    /** The square input size. */
    @Param({"128", "224"})
    public int size;

    private MobileNetFixture fixture;
    private FeatureVisualization last;
    private FeatureVisualization mid;

    /** Loads the backbone on the engine. */
    @Setup
    public void setUp() {
        fixture = new MobileNetFixture(engine, size, batch);
        last = fixture.visualization("last", STEPS);
        mid = fixture.visualization("mid", STEPS);
    }

    /** Releases the model and the input. */
    @TearDown
    public void tearDown() {
        fixture.close();
    }

    /** One step with an objective on the backbone's output layer (the whole network is traced). */
    @Benchmark
    @OperationsPerInvocation(STEPS)
    public FeatureImage stepLast() {
        return last.optimize(fixture.model);
    }

    /** One step with an objective on a middle layer (the trace stops after it). */
    @Benchmark
    @OperationsPerInvocation(STEPS)
    public FeatureImage stepMid() {
        return mid.optimize(fixture.model);
    }

    /** The floor: one seam forward+backward pass to the input gradient at the same batch and size. */
    @Benchmark
    public float[] floor() {
        return fixture.floor();
    }
}
