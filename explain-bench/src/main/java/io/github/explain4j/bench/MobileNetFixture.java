package io.github.explain4j.bench;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import io.github.explain4j.api.InputSpec;
import io.github.explain4j.djl.ExplainableModel;
import io.github.explain4j.djl.optim.FeatureVisualization;
import io.github.explain4j.djl.seam.GradientResult;
import io.github.explain4j.djl.tfjs.TfjsModels;
import io.github.explain4j.optim.Objective;
import io.github.explain4j.optim.Parameterization;
import io.github.explain4j.optim.Transforms;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * The feature-visualisation benchmarks' network: the imported TF.js MobileNetV2 backbone
 * ({@link TfjsModels#mobileNetV2}) on one engine, seen up to {@link #OUTPUT_LAYER} (its last spatial layer; the
 * head's 7×7 average pooling and dense layers fix the input at 224×224, the backbone takes 128×128 too), at a
 * square input size, plus one batch of pixels in [0, 1] and the floor: one forward and backward pass of that
 * batch to the input gradient through the seam, read back to the heap.
 */
public final class MobileNetFixture implements AutoCloseable {

    /** The last spatial layer (1280 channels, 7×7 at 224, 4×4 at 128): the output the benchmarks score. */
    public static final String OUTPUT_LAYER = "out_relu";
    /** The layer of the mid objective: a trace on it stops there. */
    public static final String MID_LAYER = "block_8_expand_relu";
    /** The channel every objective (and the floor's score) reads. */
    public static final int CHANNEL = 7;

    final String engine;
    final int size;
    final int batch;
    final Model loaded;
    final ExplainableModel model;
    final NDManager manager;
    /** Pixels {@code (batch, 3, size, size)} in [0, 1], in {@link #manager}. */
    final NDArray input;

    MobileNetFixture(String engine, int size, int batch) {
        this.engine = engine;
        this.size = size;
        this.batch = batch;
        try {
            this.loaded = TfjsModels.mobileNetV2(modelsRoot(), engine);
        } catch (Exception e) {
            throw new IllegalStateException("cannot load the MobileNetV2 backbone: " + e.getMessage(), e);
        }
        // imported at 224×224; the backbone is fully convolutional up to its output layer, so other sizes are
        // stated with withSpec
        this.model = ExplainableModel.of(loaded, InputSpec.rgb(224, 224)).withOutputLayer(OUTPUT_LAYER)
                .withSpec(InputSpec.rgb(size, size)).withName("MobileNetV2 backbone " + size + "×" + size);
        this.manager = model.seam().manager().newSubManager();
        float[] pixels = new float[batch * 3 * size * size];
        SplittableRandom random = new SplittableRandom(Fixture.SEED);
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (float) random.nextDouble();
        }
        this.input = manager.create(pixels, new Shape(batch, 3, size, size));
    }

    /** The repository's {@code models/} folder: {@code -Dexplain4j.models}, else the first one upwards. */
    static Path modelsRoot() {
        String given = System.getProperty("explain4j.models");
        if (given != null) {
            return Path.of(given);
        }
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve("models").resolve(TfjsModels.MOBILENET_V2))) {
                return p.resolve("models");
            }
        }
        throw new IllegalStateException("no models/" + TfjsModels.MOBILENET_V2 + " above "
                + Path.of("").toAbsolutePath() + "; run from the repository or pass -Dexplain4j.models=<dir>");
    }

    /** The objective of a benchmark: {@code last} (channel of the output layer) or {@code mid}. */
    static Objective objective(String which) {
        return switch (which) {
            case "last" -> Objective.channel(OUTPUT_LAYER, CHANNEL);
            case "mid" -> Objective.channel(MID_LAYER, CHANNEL);
            default -> throw new IllegalArgumentException("objective was '" + which + "'; expected last or mid");
        };
    }

    /** Lucid's render at this batch: FFT + decorrelated colours + sigmoid, the standard transforms, Adam 0.05. */
    FeatureVisualization visualization(String objective, int steps) {
        return FeatureVisualization.of(objective(objective))
                .parameterization(Parameterization.fft().decorrelated().batch(batch))
                .transforms(Transforms.standard()).steps(steps).seed(1);
    }

    /**
     * The floor: one forward and backward pass of {@link #input} to its input gradient through the seam, scoring
     * the mean of channel {@link #CHANNEL} of the output per image, read back to the heap.
     */
    float[] floor() {
        try (NDManager scope = manager.newSubManager()) {
            scope.tempAttachAll(input);
            GradientResult g = model.seam().gradients(scope, input, null,
                    out -> out.get(new NDIndex(":, {}", CHANNEL)).reshape(out.getShape().get(0), -1)
                            .mean(new int[] {1}));
            return g.inputGradient().toFloatArray();
        }
    }

    @Override
    public void close() {
        manager.close();
        loaded.close();
    }
}
