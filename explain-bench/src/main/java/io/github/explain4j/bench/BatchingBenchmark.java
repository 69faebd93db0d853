package io.github.explain4j.bench;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.github.explain4j.api.Attribution;
import io.github.explain4j.api.Target;
import io.github.explain4j.data.SyntheticShapes;
import io.github.explain4j.djl.ExplainableModel;
import io.github.explain4j.djl.cam.GradCam;
import io.github.explain4j.djl.cam.ScoreCam;
import io.github.explain4j.djl.perturbation.Occlusion;
import io.github.explain4j.djl.zoo.ShapesNet;
import java.awt.image.BufferedImage;
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
 * The batched paths of the perturbation-style methods against one perturbed image per forward pass, on the bundled
 * {@link ShapesNet} (64×64, the network the localisation table uses): occlusion (8-pixel patches every 4 pixels,
 * 225 patches) and Score-CAM (64 channels of {@code stage3}), each with batches of 64 and of 1; and Grad-CAM, to
 * state Score-CAM's cost as a multiple of it; and the occlusion's floor, the same 225 forward passes with none of
 * the library's work. Target of the issue: batching ≥ 5× faster.
 *
 * <p>Run from the repository root:
 * <pre>
 * mvn -o -q -pl explain-bench -am -Pbench -DskipTests package -Djmh.args="BatchingBenchmark"
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 1, time = 5)
@Measurement(iterations = 3, time = 5)
@Fork(value = 1, jvmArgsAppend = {"-Xmx2g", "-Dai.djl.offline=true",
        "-Dorg.slf4j.simpleLogger.defaultLogLevel=error"})
public class BatchingBenchmark {

    /** The DJL engine. */
    @Param({"PyTorch", "MXNet"})
    public String engine;

    private Model model;
    private ExplainableModel explainable;
    private BufferedImage image;

    /** Loads the model and picks a held-out image. */
    @Setup
    public void setUp() {
        model = ShapesNet.load(engine);
        explainable = ShapesNet.explainable(model);
        image = SyntheticShapes.create(64).sample(SyntheticShapes.TEST_SEED, 7).image();
        GradCam.create().explain(explainable, image, Target.topPrediction()); // layer shapes, output shape
    }

    /** Releases the model. */
    @TearDown
    public void tearDown() {
        model.close();
    }

    /** Occlusion, 64 patches per forward pass. */
    @Benchmark
    public Attribution occlusionBatched() {
        return Occlusion.create().window(8).stride(4).batchSize(64).explain(explainable, image, Target.classIndex(0));
    }

    /** Occlusion, one patch per forward pass. */
    @Benchmark
    public Attribution occlusionOneByOne() {
        return Occlusion.create().window(8).stride(4).batchSize(1).explain(explainable, image, Target.classIndex(0));
    }

    /** Score-CAM, 64 masked images per forward pass. */
    @Benchmark
    public Attribution scoreCamBatched() {
        return ScoreCam.create().batchSize(64).explain(explainable, image, Target.classIndex(0));
    }

    /** Score-CAM, one masked image per forward pass. */
    @Benchmark
    public Attribution scoreCamOneByOne() {
        return ScoreCam.create().batchSize(1).explain(explainable, image, Target.classIndex(0));
    }

    /**
     * The floor of occlusion: the same 225 images (the input with each patch filled) through the model's forward
     * pass alone, in batches of 64 — what the network's compute costs, with none of the library's work.
     */
    @Benchmark
    public float occlusionForwardFloor() {
        try (NDManager scope = model.getNDManager().newSubManager()) {
            float sum = 0;
            for (int start = 0; start < 225; start += 64) {
                int b = Math.min(64, 225 - start);
                NDArray out = explainable.seam().forward(scope, scope.ones(explainable.inputShape(b)));
                sum += out.getFloat(0, 0);
            }
            return sum;
        }
    }

    /** Grad-CAM on the same image and layer, the reference for Score-CAM's cost. */
    @Benchmark
    public Attribution gradCam() {
        return GradCam.create().explain(explainable, image, Target.classIndex(0));
    }
}
