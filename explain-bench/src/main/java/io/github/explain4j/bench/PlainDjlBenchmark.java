package io.github.explain4j.bench;

import ai.djl.ndarray.NDArray;
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
 * The plain-DJL floor: forward and backward passes of {@link ResNet18} to the input gradient the way a user would
 * write them with DJL directly — {@code GradientCollector}, a leaf input with {@code setRequiresGradient(true)},
 * {@code block.forward(parameterStore, input, false)}, {@code backward}, parameters frozen (see
 * {@link Fixture#plainForwardBackward}). PyTorch only: on MXNet a DJL BatchNorm with {@code training=false}
 * throws inside a gradient collector, which is why explain4j evaluates BatchNorm itself.
 *
 * <p>{@link #batch1} is the plain counterpart of {@link GradCamBenchmark#floor}, {@link #samples50} of
 * {@link MultiPassBenchmark#floor} (same chunking).
 *
 * <p>Run from the repository root (builds the modules it needs, then runs JMH and prints the ratio table):
 * <pre>
 * mvn -o -q -pl explain-bench -am -Pbench -DskipTests package -Djmh.args="PlainDjlBenchmark"
 * </pre>
 */
@State(Scope.Benchmark)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xmx2g", "-Dai.djl.offline=true",
        "-Dorg.slf4j.simpleLogger.defaultLogLevel=error"})
public class PlainDjlBenchmark {

    /** The DJL engine (PyTorch only; see the class comment). */
    @Param({"PyTorch"})
    public String engine;

    /** Chunk size of {@link #samples50}, as {@link MultiPassBenchmark#batchSize}. */
    @Param({"16"})
    public int batchSize;

    private Fixture fixture;
    private NDArray fullChunk;
    private NDArray lastChunk;

    /** Builds the network (parameters frozen), the input and the batches on the engine. */
    @Setup
    public void setUp() {
        fixture = Fixture.createFrozen(engine);
        int samples = MultiPassBenchmark.SAMPLES;
        fullChunk = fixture.noisyBatch(Math.min(batchSize, samples));
        int rest = samples % batchSize;
        lastChunk = batchSize < samples && rest > 0 ? fixture.noisyBatch(rest) : null;
    }

    /** Releases every native array of the fixture. */
    @TearDown
    public void tearDown() {
        fixture.close();
    }

    /** One plain-DJL forward and backward pass at batch 1. */
    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @Warmup(iterations = 1, time = 8)
    @Measurement(iterations = 3, time = 6)
    public float[] batch1() {
        return fixture.plainForwardBackward(fixture.input);
    }

    /** 50 samples of plain-DJL forward and backward passes in chunks of {@code batchSize}. */
    @Benchmark
    @BenchmarkMode(Mode.SingleShotTime)
    @Warmup(iterations = 1)
    @Measurement(iterations = 3)
    public void samples50(Blackhole blackhole) {
        int samples = MultiPassBenchmark.SAMPLES;
        for (int done = 0; done < samples; done += batchSize) {
            NDArray chunk = samples - done >= batchSize ? fullChunk : lastChunk;
            blackhole.consume(fixture.plainForwardBackward(chunk));
        }
    }
}
