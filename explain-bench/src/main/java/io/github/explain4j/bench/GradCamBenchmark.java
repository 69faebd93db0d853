package io.github.explain4j.bench;

import io.github.explain4j.api.Attribution;
import io.github.explain4j.api.Target;
import io.github.explain4j.djl.cam.GradCam;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Grad-CAM on a 224×224 image (batch 1, the last spatial layer of {@link ResNet18}) next to its floor, one
 * forward and backward pass of the same network at batch 1 to the input gradient through explain4j's seam (see
 * {@link Fixture#seamForwardBackward}). Target: {@code gradCam / floor ≤ 1.05}. The plain-DJL floor on PyTorch is
 * {@link PlainDjlBenchmark#batch1}.
 *
 * <p>Grad-CAM records the autograd graph only from the chosen layer on, so its cost is one forward pass plus the
 * backward pass of the head: it is expected well below the floor.
 *
 * <p>Run from the repository root (builds the modules it needs, then runs JMH and prints the ratio table):
 * <pre>
 * mvn -o -q -pl explain-bench -am -Pbench -DskipTests package -Djmh.args="GradCamBenchmark"
 * </pre>
 * Add {@code -p engine=PyTorch} to {@code jmh.args} for one engine.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 1, time = 8)
@Measurement(iterations = 3, time = 6)
@Fork(value = 1, jvmArgsAppend = {"-Xmx2g", "-Dai.djl.offline=true",
        "-Dorg.slf4j.simpleLogger.defaultLogLevel=error"})
public class GradCamBenchmark {

    /** The DJL engine. */
    @Param({"PyTorch", "MXNet"})
    public String engine;

    private Fixture fixture;
    private GradCam gradCam;

    /** Builds the network and the input on the engine. */
    @Setup
    public void setUp() {
        fixture = Fixture.create(engine);
        gradCam = GradCam.create();
    }

    /** Releases every native array of the fixture. */
    @TearDown
    public void tearDown() {
        fixture.close();
    }

    /** {@code GradCam.create().explainTensor(model, input, Target.topPrediction())}, batch 1. */
    @Benchmark
    public List<Attribution> gradCam() {
        return gradCam.explainTensor(fixture.model, fixture.input, Target.topPrediction());
    }

    /** The floor: one forward and backward pass at batch 1 to the input gradient, through the seam. */
    @Benchmark
    public float[] floor() {
        return fixture.seamForwardBackward(fixture.input);
    }
}
