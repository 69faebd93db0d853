package io.github.explain4j.djl.zoo;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.pooling.Pool;
import io.github.explain4j.api.InputSpec;
import io.github.explain4j.data.SyntheticShapes;
import io.github.explain4j.djl.ExplainableModel;
import io.github.explain4j.djl.blocks.NamedBlocks;
import io.github.explain4j.djl.blocks.NamedParallelBlock;
import io.github.explain4j.djl.blocks.NamedSequentialBlock;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * A small residual CNN with BatchNorm that tells circles, squares and triangles apart on cluttered backgrounds
 * ({@link SyntheticShapes}, 64×64 RGB), bundled with trained parameters. Since each image's object mask is known,
 * it is the fixture on which explain4j measures localisation.
 *
 * <pre>
 * stem    conv3×3(16)-BN-ReLU                      64×64
 * pool1   max-pool 2                               32×32
 * stage2  conv3×3(32)-BN-ReLU, residual(32), ReLU  32×32
 * pool2   max-pool 2                               16×16
 * stage3  conv3×3(64)-BN-ReLU, residual(64), ReLU  16×16   ← Grad-CAM's default layer
 * gap     global average pool
 * fc      Linear(3)
 * </pre>
 * A residual unit is conv-BN-ReLU-conv-BN added to its input (a sum join), followed by its ReLU as a block of its
 * own, so that every ReLU of the network is a layer that methods can reach. Trained by the samples program
 * {@code ShapesTrainer} (see the README); the parameters are the resource {@code shapes.params}.
 *
 * <p>A smooth variant ({@link #buildSmooth()}, {@link #loadSmooth(String)}) replaces every ReLU with SiLU and
 * max- with average pooling. Its gradient changes smoothly along any path, so path methods such as Integrated
 * Gradients converge as fast as their quadrature rule allows; the ReLU network's gradient is piecewise constant
 * and jumps wherever a unit switches. Trained the same way ({@code -Dshapes.smooth=true}), resource
 * {@code shapes-smooth.params}.
 */
public final class ShapesNet {

    /** Input: 64×64 RGB, pixels normalised as {@code (p − 0.5) / 0.25}; labels circle, square, triangle. */
    public static final InputSpec SPEC = InputSpec.rgb(64, 64)
            .normalized(new float[] {0.5f, 0.5f, 0.5f}, new float[] {0.25f, 0.25f, 0.25f})
            .withLabels(SyntheticShapes.CLASSES);

    /** The resource holding the trained parameters. */
    public static final String PARAMETERS = "shapes.params";

    /** The resource holding the trained parameters of the {@linkplain #buildSmooth() smooth variant}. */
    public static final String SMOOTH_PARAMETERS = "shapes-smooth.params";

    private ShapesNet() {}

    /** The architecture, uninitialised. */
    public static NamedSequentialBlock build() {
        return build(false);
    }

    /**
     * The smooth variant, uninitialised: the same network with SiLU ({@code x·sigmoid(x)}) for every ReLU and
     * average- for max-pooling, so its gradient changes smoothly along any path (see {@link #SMOOTH_PARAMETERS}).
     */
    public static NamedSequentialBlock buildSmooth() {
        return build(true);
    }

    private static NamedSequentialBlock build(boolean smooth) {
        return new NamedSequentialBlock()
                .add("stem", convBnAct(16, smooth))
                .add("pool1", pool(smooth))
                .add("stage2", stage(32, smooth))
                .add("pool2", pool(smooth))
                .add("stage3", stage(64, smooth))
                .add("gap", Pool.globalAvgPool2dBlock())
                .add("fc", Linear.builder().setUnits(SyntheticShapes.CLASSES.size()).build());
    }

    private static Block pool(boolean smooth) {
        return smooth ? Pool.avgPool2dBlock(new Shape(2, 2), new Shape(2, 2))
                : Pool.maxPool2dBlock(new Shape(2, 2), new Shape(2, 2));
    }

    private static String activationName(boolean smooth) {
        return smooth ? "silu" : "relu";
    }

    private static Block activation(boolean smooth) {
        return smooth ? Activation.swishBlock(1f) : Activation.reluBlock();
    }

    private static NamedSequentialBlock stage(int channels, boolean smooth) {
        return new NamedSequentialBlock()
                .add("conv", convBnAct(channels, smooth))
                .add("residual", residual(channels, smooth))
                .add(activationName(smooth), activation(smooth));
    }

    private static SequentialBlock convBnAct(int filters, boolean smooth) {
        return new NamedSequentialBlock()
                .add("conv", conv(filters))
                .add("bn", BatchNorm.builder().build())
                .add(activationName(smooth), activation(smooth));
    }

    private static NamedParallelBlock residual(int channels, boolean smooth) {
        NamedSequentialBlock branch = new NamedSequentialBlock()
                .add("conv1", conv(channels))
                .add("bn1", BatchNorm.builder().build())
                .add(activationName(smooth) + "1", activation(smooth))
                .add("conv2", conv(channels))
                .add("bn2", BatchNorm.builder().build());
        return new NamedParallelBlock(NamedBlocks.sum()).add("branch", branch).add("identity", Blocks.identityBlock());
    }

    private static Conv2d conv(int filters) {
        return Conv2d.builder().setKernelShape(new Shape(3, 3)).setFilters(filters).optPadding(new Shape(1, 1))
                .build();
    }

    /**
     * A new DJL model on {@code engine} ({@code "PyTorch"} or {@code "MXNet"}) holding the trained parameters.
     * The caller closes it.
     */
    public static Model load(String engine) {
        return load(engine, false);
    }

    /**
     * A new DJL model on {@code engine} holding the trained {@linkplain #buildSmooth() smooth variant}. The caller
     * closes it.
     */
    public static Model loadSmooth(String engine) {
        return load(engine, true);
    }

    private static Model load(String engine, boolean smooth) {
        String resource = smooth ? SMOOTH_PARAMETERS : PARAMETERS;
        Model model = Model.newInstance(smooth ? "shapes-net-smooth" : "shapes-net", Device.cpu(), engine);
        try {
            NamedSequentialBlock block = build(smooth);
            model.setBlock(block);
            block.initialize(model.getNDManager(), DataType.FLOAT32, new Shape(1, 3, 64, 64));
            try (InputStream in = ShapesNet.class.getResourceAsStream(resource)) {
                if (in == null) {
                    throw new IllegalStateException("resource " + resource + " is missing from the classpath;"
                            + " train it with the samples program ShapesTrainer"
                            + (smooth ? " -Dshapes.smooth=true" : ""));
                }
                block.loadParameters(model.getNDManager(), new DataInputStream(new BufferedInputStream(in)));
            }
            return model;
        } catch (IOException e) {
            model.close();
            throw new UncheckedIOException("cannot read " + resource, e);
        } catch (MalformedModelException | RuntimeException e) {
            model.close();
            throw e instanceof RuntimeException re ? re : new IllegalStateException(e);
        }
    }

    /** The trained model wrapped for explanation (the caller closes {@code model}). */
    public static ExplainableModel explainable(Model model) {
        return ExplainableModel.of(model, SPEC);
    }
}
