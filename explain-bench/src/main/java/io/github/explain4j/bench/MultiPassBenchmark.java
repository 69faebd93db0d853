package io.github.explain4j.bench;

import ai.djl.ndarray.NDArray;
import io.github.explain4j.api.Attribution;
import io.github.explain4j.api.Target;
import io.github.explain4j.djl.attribution.IntegratedGradients;
import io.github.explain4j.djl.attribution.Saliency;
import io.github.explain4j.djl.attribution.SmoothGrad;
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
import org.openjdk.jmh.infra.Blackhole;

/**
 * The multi-pass methods on one 224×224 image of {@link ResNet18}: SmoothGrad of Saliency (50 samples, noise
 * 0.15) and Integrated Gradients (50 steps, black baseline, Gauss–Legendre), both in chunks of
 * {@code batchSize}, next to their common floor: 50 samples' worth of forward and backward passes to the input
 * gradient through explain4j's seam, chunked the same way (for batch 16: three passes of 16 and one of 2; see
 * {@link Fixture#seamForwardBackward}). Targets: {@code smoothGrad / floor ≤ 1.10} and
 * {@code integratedGradients / floor ≤ 1.10}. The plain-DJL floor on PyTorch is
 * {@link PlainDjlBenchmark#samples50}.
 *
 * <p>Each call takes seconds, so every iteration is one call ({@link Mode#SingleShotTime}).
 *
 * <p>Run from the repository root (builds the modules it needs, then runs JMH and prints the ratio table):
 * <pre>
 * mvn -o -q -pl explain-bench -am -Pbench -DskipTests package -Djmh.args="MultiPassBenchmark"
 * </pre>
 * Add {@code -p engine=PyTorch} or {@code -p batchSize=25} to {@code jmh.args} for one engine or another chunk
 * size.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 1)
@Measurement(iterations = 3)
@Fork(value = 1, jvmArgsAppend = {"-Xmx2g", "-Dai.djl.offline=true",
        "-Dorg.slf4j.simpleLogger.defaultLogLevel=error"})
public class MultiPassBenchmark {

    /** Noisy samples or path points per explanation. */
    public static final int SAMPLES = 50;

    /** The DJL engine. */
    @Param({"PyTorch", "MXNet"})
    public String engine;

    /** How many samples or path points go through the network in one pass. */
    @Param({"16"})
    public int batchSize;

    private Fixture fixture;
    private SmoothGrad smoothGrad;
    private IntegratedGradients integratedGradients;
    private IntegratedGradients adaptiveIntegratedGradients;
    private NDArray fullChunk;
    private NDArray lastChunk;

    /** Builds the network, the input, the methods and the floor's batches on the engine. */
    @Setup
    public void setUp() {
        fixture = Fixture.create(engine);
        smoothGrad = SmoothGrad.of(Saliency.create()).samples(SAMPLES).noise(0.15).batchSize(batchSize);
        integratedGradients = IntegratedGradients.create().steps(SAMPLES).batchSize(batchSize);
        adaptiveIntegratedGradients = IntegratedGradients.create().steps(SAMPLES).batchSize(batchSize)
                .rule(IntegratedGradients.Rule.ADAPTIVE);
        fullChunk = fixture.noisyBatch(Math.min(batchSize, SAMPLES));
        int rest = SAMPLES % batchSize;
        lastChunk = batchSize < SAMPLES && rest > 0 ? fixture.noisyBatch(rest) : null;
    }

    /** Releases every native array of the fixture. */
    @TearDown
    public void tearDown() {
        fixture.close();
    }

    /** {@code SmoothGrad.of(Saliency.create()).samples(50).noise(0.15).batchSize(b).explainTensor(…)}. */
    @Benchmark
    public List<Attribution> smoothGrad() {
        return smoothGrad.explainTensor(fixture.model, fixture.input, Target.topPrediction());
    }

    /** {@code IntegratedGradients.create().steps(50).batchSize(b).explainTensor(…)}. */
    @Benchmark
    public List<Attribution> integratedGradients() {
        return integratedGradients.explainTensor(fixture.model, fixture.input, Target.topPrediction());
    }

    /**
     * {@code IntegratedGradients.create().steps(50).rule(Rule.ADAPTIVE).batchSize(b).explainTensor(…)}: the same 50
     * gradient passes, but in rounds (12 evenly spaced points, then rounds of 6), so in smaller batches.
     */
    @Benchmark
    public List<Attribution> integratedGradientsAdaptive() {
        return adaptiveIntegratedGradients.explainTensor(fixture.model, fixture.input, Target.topPrediction());
    }

    /** The floor: 50 samples of forward and backward passes in chunks of {@code batchSize}, through the seam. */
    @Benchmark
    public void floor(Blackhole blackhole) {
        for (int done = 0; done < SAMPLES; done += batchSize) {
            NDArray chunk = SAMPLES - done >= batchSize ? fullChunk : lastChunk;
            blackhole.consume(fixture.seamForwardBackward(chunk));
        }
    }
}
