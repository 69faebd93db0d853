package io.github.explain4j.bench;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.SequentialBlock;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import io.github.explain4j.api.InputSpec;
import io.github.explain4j.djl.ExplainableModel;
import io.github.explain4j.djl.core.ResolvedTarget;
import io.github.explain4j.djl.seam.GradientResult;
import java.util.SplittableRandom;

/**
 * What every benchmark runs on: a seeded, randomly initialised {@link ResNet18} on one engine, wrapped as an
 * {@link ExplainableModel}, one normalised 224×224 input and its top class, plus the two reference computations
 * the explanations are compared with (the "floors"):
 * <ul>
 *   <li>{@link #seamForwardBackward}: one forward and backward pass of the network to the input gradient,
 *       computed through explain4j's own seam ({@code model.seam().gradients(scope, input, null, score)}), read
 *       back to the heap — on both engines;</li>
 *   <li>{@link #plainForwardBackward}: the same computed the way a user would with DJL directly
 *       ({@code GradientCollector}, input {@code setRequiresGradient(true)}, {@code block.forward(store, input,
 *       false)}, {@code backward}, parameters frozen) — PyTorch only, because MXNet refuses an inference-mode
 *       DJL BatchNorm inside a gradient collector.</li>
 * </ul>
 * Both floors score the model's output like the library does (the output times a one-hot of the class, summed
 * per row) and read the input gradient back to a heap {@code float[]}, which also waits for MXNet's asynchronous
 * engine.
 */
public final class Fixture implements AutoCloseable {

    /** ImageNet normalisation, as a user of an ImageNet ResNet would describe the input. */
    static final float[] MEAN = {0.485f, 0.456f, 0.406f};
    static final float[] STD = {0.229f, 0.224f, 0.225f};

    /** The seed of the weights, the input image and the noisy floor batches. */
    public static final int SEED = 42;

    final String engine;
    final NDManager manager;
    final SequentialBlock block;
    final ExplainableModel model;
    /** One normalised input {@code (1, 3, 224, 224)}, in {@link #manager}. */
    final NDArray input;
    /** The model's top class for {@link #input}. */
    final int topClass;
    private final ParameterStore plainStore;

    private Fixture(String engine, boolean freeze) {
        this.engine = engine;
        Engine.getEngine(engine).setRandomSeed(SEED);
        this.manager = NDManager.newBaseManager(Device.cpu(), engine);
        this.block = ResNet18.build();
        block.initialize(manager, DataType.FLOAT32, ResNet18.INPUT_SHAPE);
        long learnable = ResNet18.learnableParameters(block);
        if (learnable != ResNet18.PARAMETERS) {
            throw new IllegalStateException("ResNet-18 has " + learnable + " learnable parameters; expected "
                    + ResNet18.PARAMETERS);
        }
        if (freeze) {
            block.freezeParameters(true);
        }
        this.model = ExplainableModel.of(block, manager, InputSpec.rgb(224, 224).normalized(MEAN, STD))
                .withName("ResNet-18 (random, seed " + SEED + ")");
        this.input = model.pixelsToInput(manager, image(SEED));
        this.topClass = ResolvedTarget.argMax(model.seam().forward(manager, input))[0];
        this.plainStore = new ParameterStore(manager, false);
    }

    /** The fixture for the explain4j benchmarks (the model's parameters are left as initialised). */
    public static Fixture create(String engine) {
        return new Fixture(engine, false);
    }

    /** The fixture for the plain-DJL floor: parameters frozen, as a user computing input gradients would. */
    public static Fixture createFrozen(String engine) {
        return new Fixture(engine, true);
    }

    /**
     * {@code b} noisy copies of the input (σ = 0.15 of its range, like SmoothGrad's), {@code (b, 3, 224, 224)}, in
     * {@link #manager}: the floors run on these so that they see data like the explanations' (not zeros).
     */
    NDArray noisyBatch(int b) {
        float[] x = input.toFloatArray();
        float min = Float.POSITIVE_INFINITY;
        float max = Float.NEGATIVE_INFINITY;
        for (float v : x) {
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        double sigma = 0.15 * (max - min);
        SplittableRandom random = new SplittableRandom(SEED + b);
        float[] out = new float[b * x.length];
        for (int s = 0; s < b; s++) {
            for (int j = 0; j < x.length; j++) {
                out[s * x.length + j] = (float) (x[j] + sigma * random.nextGaussian());
            }
        }
        return manager.create(out, new Shape(b, 3, 224, 224));
    }

    /**
     * Floor through explain4j's seam: one forward and backward pass of {@code batch} to its input gradient,
     * scoring {@link #topClass}, read back to the heap. Every array of the call is released on return.
     */
    float[] seamForwardBackward(NDArray batch) {
        try (NDManager scope = manager.newSubManager()) {
            scope.tempAttachAll(batch);
            NDArray oneHot = oneHot(scope, (int) batch.getShape().get(0));
            GradientResult g = model.seam().gradients(scope, batch, null,
                    output -> output.mul(oneHot).sum(new int[] {1}));
            return g.inputGradient().toFloatArray();
        }
    }

    /**
     * Floor with DJL directly (PyTorch): a fresh leaf copy of {@code batch} that requires a gradient,
     * {@code block.forward(store, input, training=false)} inside a {@link GradientCollector}, backward of the
     * target scores, the input gradient read back to the heap.
     */
    float[] plainForwardBackward(NDArray batch) {
        try (NDManager scope = manager.newSubManager()) {
            scope.tempAttachAll(batch);
            NDArray oneHot = oneHot(scope, (int) batch.getShape().get(0));
            NDArray x = batch.duplicate();
            x.setRequiresGradient(true);
            try (GradientCollector collector = manager.getEngine().newGradientCollector()) {
                NDArray output = block.forward(plainStore, new ai.djl.ndarray.NDList(x), false).head();
                collector.backward(output.mul(oneHot).sum());
            }
            return x.getGradient().toFloatArray();
        }
    }

    NDArray oneHot(NDManager scope, int b) {
        float[] hot = new float[b * 1000];
        for (int i = 0; i < b; i++) {
            hot[i * 1000 + topClass] = 1f;
        }
        return scope.create(hot, new Shape(b, 1000));
    }

    /**
     * A deterministic 224×224 RGB test image in [0, 1]: smooth colour gradients, a bright disc and pixel noise, so
     * that the network sees image-like statistics.
     */
    static float[] image(long seed) {
        int h = 224;
        int w = 224;
        int plane = h * w;
        float[] chw = new float[3 * plane];
        SplittableRandom random = new SplittableRandom(seed);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                double dx = x - 140;
                double dy = y - 90;
                double disc = dx * dx + dy * dy < 45 * 45 ? 0.35 : 0;
                for (int c = 0; c < 3; c++) {
                    double v = 0.25 + 0.3 * x / w * (c == 0 ? 1 : 0.3) + 0.3 * y / h * (c == 2 ? 1 : 0.4) + disc
                            + 0.05 * random.nextGaussian();
                    chw[c * plane + y * w + x] = (float) Math.min(1, Math.max(0, v));
                }
            }
        }
        return chw;
    }

    @Override
    public void close() {
        manager.close();
    }
}
