package io.github.explain4j.samples.fashion;

import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.norm.Dropout;
import ai.djl.nn.pooling.Pool;
import io.github.explain4j.api.InputSpec;
import io.github.explain4j.djl.ExplainableModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The small convolutional network of the Fashion-MNIST fixture, built only from blocks the explanation engine
 * walks into or runs as leaves: one flat {@link SequentialBlock} whose children are the layers below, so every
 * layer (and every BatchNorm and Dropout) is a direct child with its own path.
 *
 * <pre>
 * index path            block                                      output (N = batch)
 *   0   01LambdaBlock   normalise: (x − 0.2860) / 0.3530           N×1×28×28
 *   1   02Conv2d        conv 3×3, 1 → 32, padding 1, no bias       N×32×28×28
 *   2   03BatchNorm     batch norm (ε 1e-5, momentum 0.9)
 *   3   04LambdaBlock   ReLU
 *   4   05LambdaBlock   max-pool 2×2, stride 2                     N×32×14×14
 *   5   06Conv2d        conv 3×3, 32 → 64, padding 1, no bias      N×64×14×14
 *   6   07BatchNorm
 *   7   08LambdaBlock   ReLU
 *   8   09LambdaBlock   max-pool 2×2, stride 2                     N×64×7×7
 *   9   10Conv2d        conv 3×3, 64 → 64, padding 1, no bias      N×64×7×7
 *  10   11BatchNorm
 *  11   12LambdaBlock   ReLU (the last convolutional feature map)
 *  12   13Dropout       dropout, rate 0.3 (identity in inference)
 *  13   14LambdaBlock   flatten                                    N×3136
 *  14   15Linear        fully connected 3136 → 10, with bias       N×10 logits
 * </pre>
 *
 * <p>Input: float32 {@code N×1×28×28} holding pixel / 255 in [0, 1] (0 is the background); the normalisation
 * with the training set's mean and standard deviation is the network's first layer, so explanations work in
 * pixel space and a black image is the natural baseline. Output: ten logits in the order of
 * {@link FashionMnist#LABELS}.
 *
 * <p>87,594 stored values: 87,274 trainable (conv weights, BatchNorm γ and β, the Linear weight and bias) and the
 * 320 BatchNorm running means and variances.
 */
public final class FashionNet {

    /** Mean of the training images' pixel / 255. */
    public static final float MEAN = 0.2860f;
    /** Standard deviation of the training images' pixel / 255. */
    public static final float STD = 0.3530f;
    /** Input shape of one image: channels, height, width. */
    public static final Shape IMAGE_SHAPE = new Shape(1, FashionMnist.SIDE, FashionMnist.SIDE);
    /** Dropout rate on the last feature map, before the classifier. */
    public static final float DROPOUT = 0.3f;
    /** Name of the committed parameters: {@code fashion-mnist-0000.params}. */
    public static final String MODEL_NAME = "fashion-mnist";
    /** Where the committed parameters live, relative to the repository root. */
    public static final String COMMITTED_DIR = "models/" + MODEL_NAME;
    /**
     * What the network takes, for explanation: 28×28 grey, pixels in [0, 1] with no normalisation in the spec (the
     * network's first layer normalises), and the ten labels.
     */
    public static final InputSpec SPEC = InputSpec.grey(FashionMnist.SIDE, FashionMnist.SIDE)
            .withLabels(List.of(FashionMnist.LABELS));

    private FashionNet() {
    }

    /**
     * Builds the network, uninitialised; load the committed parameters with
     * {@code model.setBlock(FashionNet.build()); model.load(dir, FashionNet.MODEL_NAME)}.
     *
     * @return a new block tree
     */
    public static SequentialBlock build() {
        SequentialBlock net = new SequentialBlock();
        net.add(LambdaBlock.singleton(x -> x.sub(MEAN).div(STD), "normalize"));
        convBnRelu(net, 32);
        net.add(Pool.maxPool2dBlock(new Shape(2, 2), new Shape(2, 2)));
        convBnRelu(net, 64);
        net.add(Pool.maxPool2dBlock(new Shape(2, 2), new Shape(2, 2)));
        convBnRelu(net, 64);
        net.add(Dropout.builder().optRate(DROPOUT).build());
        net.add(Blocks.batchFlattenBlock());
        net.add(Linear.builder().setUnits(FashionMnist.LABELS.length).build());
        return net;
    }

    private static void convBnRelu(SequentialBlock net, int filters) {
        net.add(Conv2d.builder()
                .setKernelShape(new Shape(3, 3))
                .optPadding(new Shape(1, 1))
                .setFilters(filters)
                .optBias(false)
                .build());
        net.add(BatchNorm.builder().build());
        net.add(Activation.reluBlock());
    }

    /**
     * A new DJL model on {@code engine} ({@code "PyTorch"} or {@code "MXNet"}) holding the parameters committed in
     * {@code dir} (usually {@code <repository>/}{@value #COMMITTED_DIR}). The caller closes it.
     *
     * @throws IOException if {@code dir} does not hold {@code fashion-mnist-0000.params}; the message names the
     *     directory and how to re-create the file
     */
    public static Model load(Path dir, String engine) throws IOException, MalformedModelException {
        if (!Files.isRegularFile(dir.resolve(MODEL_NAME + "-0000.params"))) {
            throw new IOException(dir.toAbsolutePath() + " holds no " + MODEL_NAME + "-0000.params; pass the"
                    + " repository's " + COMMITTED_DIR + " or re-train with FashionMnistTrainer");
        }
        Model model = Model.newInstance(MODEL_NAME, engine);
        try {
            model.setBlock(build());
            model.load(dir, MODEL_NAME);
            return model;
        } catch (IOException | MalformedModelException | RuntimeException e) {
            model.close();
            throw e;
        }
    }

    /** The loaded network wrapped for explanation with {@link #SPEC} (the caller closes {@code model}). */
    public static ExplainableModel explainable(Model model) {
        return ExplainableModel.of(model, SPEC).withName("FashionNet");
    }

    /**
     * The loaded network for the methods that must see every layer (deconvnet, guided backpropagation, LRP,
     * {@code TopPatches}): the same function, its normalising first layer moved into the input spec, because
     * those methods refuse a lambda layer they cannot see into. Its layers are numbered one lower than
     * {@link #build()}'s ({@code "03LambdaBlock"} is relu1); it shares the parameters of {@code model}, which the
     * caller keeps open and closes.
     */
    public static ExplainableModel layerwise(Model model) {
        SequentialBlock rest = new SequentialBlock();
        model.getBlock().getChildren().values().stream().skip(1).forEach(rest::add);
        // records the input shape; parameters already set keep their values
        rest.initialize(model.getNDManager(), DataType.FLOAT32, new Shape(1, 1, FashionMnist.SIDE, FashionMnist.SIDE));
        return ExplainableModel.of(rest, model.getNDManager(), SPEC.normalized(new float[] {MEAN}, new float[] {STD}))
                .withName("FashionNet (normalising spec)");
    }

    /**
     * A one-line description of a built network, e.g. for logs.
     *
     * @param block a network from {@link #build()}
     * @return its layers, comma separated
     */
    static String describe(Block block) {
        StringBuilder sb = new StringBuilder();
        block.getChildren().forEach(p -> sb.append(sb.length() == 0 ? "" : ", ").append(p.getKey()));
        return sb.toString();
    }
}
