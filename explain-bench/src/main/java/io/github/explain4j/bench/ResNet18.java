package io.github.explain4j.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.Parameter;
import ai.djl.nn.ParallelBlock;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.pooling.Pool;
import java.util.List;

/**
 * The standard ResNet-18 of He et al. (basic blocks, two per stage, 64-128-256-512 channels), built from DJL's
 * {@link SequentialBlock}, {@link ParallelBlock}, {@link Conv2d}, {@link BatchNorm} and {@link Linear} so that
 * explain4j's block-tree seam can walk it.
 *
 * <p>Layout (top-level children, in order): the stem (7×7/2 convolution, BatchNorm, ReLU, 3×3/2 max-pool), the four
 * stages (each a {@link SequentialBlock} of two residual blocks), global average pooling, flatten, and the
 * 1000-way {@link Linear} layer. A residual block is a {@link ParallelBlock} of the main branch (3×3 convolution,
 * BatchNorm, ReLU, 3×3 convolution, BatchNorm) and the shortcut (identity, or a strided 1×1 convolution and
 * BatchNorm when the shape changes), joined by a sum followed by a ReLU. Convolutions have no bias, as in the
 * paper and in torchvision; the last stage is the top-level child {@code 05SequentialBlock}, which is what
 * {@code GradCam.create()} picks as the last spatial layer.
 *
 * <p>{@code ai.djl.basicmodelzoo}'s {@code ResNetV1} with 18 layers builds bottleneck blocks (1.4 M parameters);
 * this one has the standard {@value #PARAMETERS} learnable parameters (plus the BatchNorm running statistics,
 * which DJL also stores as parameters).
 *
 * <p>K. He, X. Zhang, S. Ren, J. Sun, "Deep Residual Learning for Image Recognition", CVPR 2016, arXiv:1512.03385.
 */
public final class ResNet18 {

    /** Learnable parameters of the standard ResNet-18 with 1000 classes (torchvision's count). */
    public static final long PARAMETERS = 11_689_512L;

    /** BatchNorm running means and variances (two per BatchNorm channel; 4,800 channels in all). */
    public static final long RUNNING_STATISTICS = 9_600L;

    /** The input shape the network is built for, one RGB image of 224×224. */
    public static final Shape INPUT_SHAPE = new Shape(1, 3, 224, 224);

    private ResNet18() {}

    /** The 1000-class network, uninitialised. */
    public static SequentialBlock build() {
        return build(1000);
    }

    /** The network with {@code classes} outputs, uninitialised. */
    public static SequentialBlock build(int classes) {
        if (classes <= 0) {
            throw new IllegalArgumentException("classes was " + classes + "; expected a positive number");
        }
        SequentialBlock stem = new SequentialBlock()
                .add(conv(64, 7, 2, 3))
                .add(batchNorm())
                .add(Activation.reluBlock())
                .add(Pool.maxPool2dBlock(new Shape(3, 3), new Shape(2, 2), new Shape(1, 1)));
        return new SequentialBlock()
                .add(stem)
                .add(stage(64, 64, 1))
                .add(stage(64, 128, 2))
                .add(stage(128, 256, 2))
                .add(stage(256, 512, 2))
                .add(Pool.globalAvgPool2dBlock())
                .add(Blocks.batchFlattenBlock())
                .add(Linear.builder().setUnits(classes).build());
    }

    /** Counts a block's learnable parameters (running statistics excluded); the block must be initialised. */
    public static long learnableParameters(Block block) {
        return count(block, false);
    }

    /** Counts a block's BatchNorm running statistics; the block must be initialised. */
    public static long runningStatistics(Block block) {
        return count(block, true);
    }

    private static long count(Block block, boolean running) {
        long total = 0;
        for (Parameter p : block.getParameters().values()) {
            boolean isRunning = p.getType() == Parameter.Type.RUNNING_MEAN
                    || p.getType() == Parameter.Type.RUNNING_VAR;
            if (isRunning == running) {
                total += p.getArray().size();
            }
        }
        return total;
    }

    /** Two basic blocks; the first changes the width and, with {@code stride} 2, halves the resolution. */
    private static SequentialBlock stage(int in, int out, int stride) {
        return new SequentialBlock().add(basicBlock(in, out, stride)).add(basicBlock(out, out, 1));
    }

    private static ParallelBlock basicBlock(int in, int out, int stride) {
        SequentialBlock main = new SequentialBlock()
                .add(conv(out, 3, stride, 1))
                .add(batchNorm())
                .add(Activation.reluBlock())
                .add(conv(out, 3, 1, 1))
                .add(batchNorm());
        Block shortcut = stride == 1 && in == out
                ? Blocks.identityBlock()
                : new SequentialBlock().add(conv(out, 1, stride, 0)).add(batchNorm());
        return new ParallelBlock(ResNet18::sumThenRelu, List.of(main, shortcut));
    }

    private static NDList sumThenRelu(List<NDList> branches) {
        NDArray sum = branches.get(0).singletonOrThrow().add(branches.get(1).singletonOrThrow());
        return new NDList(Activation.relu(sum));
    }

    private static Conv2d conv(int filters, int kernel, int stride, int padding) {
        return Conv2d.builder()
                .setFilters(filters)
                .setKernelShape(new Shape(kernel, kernel))
                .optStride(new Shape(stride, stride))
                .optPadding(new Shape(padding, padding))
                .optBias(false)
                .build();
    }

    private static BatchNorm batchNorm() {
        return BatchNorm.builder().build();
    }
}
