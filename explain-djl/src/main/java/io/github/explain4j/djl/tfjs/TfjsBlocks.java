package io.github.explain4j.djl.tfjs;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.norm.Dropout;
import ai.djl.nn.pooling.Pool;
import io.github.explain4j.djl.tfjs.NetGraph.Dims;
import io.github.explain4j.djl.tfjs.NetGraph.Named;
import io.github.explain4j.djl.tfjs.NetGraph.Node;
import java.util.Locale;

/**
 * Appends DJL blocks for TF layers to a node, tracking the node's output dimensions, and records the TF weights
 * (converted to DJL's layouts) that the blocks' parameters receive.
 *
 * <p>TF's {@code SAME} padding adds {@code total = max((ceil(in/s) − 1)·s + k − in, 0)} rows, {@code total/2}
 * before and the rest after: with an even input and stride 2 that is one row at the bottom/right only. A
 * symmetric pad becomes the convolution's own padding; an asymmetric one an explicit pad block before a
 * convolution without padding. Max pooling always pads explicitly, with −∞.
 */
final class TfjsBlocks {

    private final NetGraph graph;

    TfjsBlocks(NetGraph graph) {
        this.graph = graph;
    }

    /** Padding of one spatial axis: rows before, rows after, output size. */
    record AxisPad(long before, long after, long out) {}

    static AxisPad axisPad(String padding, long in, int k, int s, String layer) {
        switch (padding.toUpperCase(Locale.ROOT)) {
            case "SAME": {
                long out = (in + s - 1) / s;
                long total = Math.max((out - 1) * s + k - in, 0);
                return new AxisPad(total / 2, total - total / 2, out);
            }
            case "VALID": {
                if (in < k) {
                    throw new TfjsImportException("layer '" + layer + "': window " + k + " is larger than its input "
                            + in);
                }
                return new AxisPad(0, 0, (in - k) / s + 1);
            }
            default:
                throw new TfjsImportException("layer '" + layer + "' has padding '" + padding
                        + "'; only SAME and VALID are supported");
        }
    }

    /**
     * Appends a 2-D convolution (with {@code groups == channels == filters} a depthwise one) and returns it; the
     * caller assigns its weight (OIHW) and bias.
     */
    Conv2d conv(Node node, String name, int kh, int kw, int filters, int groups, int sh, int sw, String padding,
            boolean bias) {
        Dims in = node.dims;
        requireMap(in, name);
        if (in.c() % groups != 0) {
            throw new TfjsImportException("layer '" + name + "': " + in.c() + " input channels do not split into "
                    + groups + " groups");
        }
        AxisPad ph = axisPad(padding, in.h(), kh, sh, name);
        AxisPad pw = axisPad(padding, in.w(), kw, sw, name);
        Shape convPad;
        if (ph.before() == ph.after() && pw.before() == pw.after()) {
            convPad = new Shape(ph.before(), pw.before());
        } else {
            pad(node, graph.uniqueName(name + "_pad"), ph.before(), ph.after(), pw.before(), pw.after(), 0f);
            convPad = new Shape(0, 0);
        }
        Conv2d conv = Conv2d.builder()
                .setKernelShape(new Shape(kh, kw))
                .setFilters(filters)
                .optStride(new Shape(sh, sw))
                .optPadding(convPad)
                .optGroups(groups)
                .optBias(bias)
                .build();
        append(node, name, conv, new Dims(filters, ph.out(), pw.out()));
        return conv;
    }

    /** Appends a max or average pooling; max pooling pads explicitly with −∞, average pooling must not pad. */
    void pool(Node node, String name, boolean max, int kh, int kw, int sh, int sw, String padding) {
        Dims in = node.dims;
        requireMap(in, name);
        AxisPad ph = axisPad(padding, in.h(), kh, sh, name);
        AxisPad pw = axisPad(padding, in.w(), kw, sw, name);
        boolean padded = ph.before() + ph.after() + pw.before() + pw.after() > 0;
        if (padded && !max) {
            throw new TfjsImportException("layer '" + name + "': average pooling with SAME padding that pads "
                    + "(TF excludes the padding from the average) is not supported");
        }
        if (padded) {
            pad(node, graph.uniqueName(name + "_pad"), ph.before(), ph.after(), pw.before(), pw.after(),
                    Float.NEGATIVE_INFINITY);
        }
        Shape kernel = new Shape(kh, kw);
        Shape stride = new Shape(sh, sw);
        Block pool = max ? Pool.maxPool2dBlock(kernel, stride) : Pool.avgPool2dBlock(kernel, stride);
        append(node, name, pool, new Dims(in.c(), ph.out(), pw.out()));
    }

    /** Appends an explicit constant pad of the two spatial axes of an NCHW tensor. */
    void pad(Node node, String name, long top, long bottom, long left, long right, float value) {
        Dims in = node.dims;
        requireMap(in, name);
        LambdaBlock pad = LambdaBlock.singleton(x -> pad2d(x, top, bottom, left, right, value), "pad");
        append(node, name, pad, new Dims(in.c(), in.h() + top + bottom, in.w() + left + right));
    }

    /**
     * Pads the H and W axes of an NCHW array with a constant, by concatenation (works on every engine, and the
     * gradient flows to the unpadded part).
     */
    static NDArray pad2d(NDArray x, long top, long bottom, long left, long right, float value) {
        NDManager manager = x.getManager();
        NDArray current = x;
        Shape s = x.getShape();
        if (top > 0 || bottom > 0) {
            NDList parts = new NDList();
            if (top > 0) {
                parts.add(manager.full(new Shape(s.get(0), s.get(1), top, s.get(3)), value, x.getDataType()));
            }
            parts.add(current);
            if (bottom > 0) {
                parts.add(manager.full(new Shape(s.get(0), s.get(1), bottom, s.get(3)), value, x.getDataType()));
            }
            current = NDArrays.concat(parts, 2);
        }
        if (left > 0 || right > 0) {
            long h = current.getShape().get(2);
            NDList parts = new NDList();
            if (left > 0) {
                parts.add(manager.full(new Shape(s.get(0), s.get(1), h, left), value, x.getDataType()));
            }
            parts.add(current);
            if (right > 0) {
                parts.add(manager.full(new Shape(s.get(0), s.get(1), h, right), value, x.getDataType()));
            }
            current = NDArrays.concat(parts, 3);
        }
        return current;
    }

    /** Appends a batch normalisation over the channel axis, evaluated with its running statistics. */
    BatchNorm batchNorm(Node node, String name, float epsilon) {
        BatchNorm bn = BatchNorm.builder().optAxis(1).optEpsilon(epsilon).build();
        append(node, name, bn, node.dims);
        return bn;
    }

    /** Appends a fully connected layer; its input must be flat. */
    Linear dense(Node node, String name, int units, boolean bias) {
        if (!node.dims.isFlat()) {
            throw new TfjsImportException("layer '" + name + "' (dense) gets a feature map " + node.dims
                    + "; flatten it first (dense layers on feature maps are not supported)");
        }
        Linear linear = Linear.builder().setUnits(units).optBias(bias).build();
        append(node, name, linear, Dims.flat(units));
        return linear;
    }

    /** Appends an activation: relu, relu6, softmax (over the last axis), sigmoid or tanh; linear adds nothing. */
    void activation(Node node, String name, String kind) {
        Block block;
        switch (kind) {
            case "linear":
                return;
            case "relu":
                block = LambdaBlock.singleton(Activation::relu, "relu");
                break;
            case "relu6":
                block = LambdaBlock.singleton(Activation::relu6, "relu6");
                break;
            case "sigmoid":
                block = LambdaBlock.singleton(Activation::sigmoid, "sigmoid");
                break;
            case "tanh":
                block = LambdaBlock.singleton(Activation::tanh, "tanh");
                break;
            case "softmax":
                block = LambdaBlock.singleton(x -> x.softmax(-1), "softmax");
                break;
            default:
                throw new TfjsImportException("layer '" + name + "' has activation '" + kind
                        + "'; supported: linear, relu, relu6, sigmoid, tanh, softmax");
        }
        append(node, name, block, node.dims);
    }

    /** Appends a global average over H and W, giving a flat (N, C) output. */
    void globalAveragePool(Node node, String name) {
        requireMap(node.dims, name);
        append(node, name, Pool.globalAvgPool2dBlock(), Dims.flat(node.dims.c()));
    }

    /**
     * Appends a flatten in TF's (channels-last) element order: a transpose to NHWC first unless the map is 1×1.
     */
    void flatten(Node node, String name) {
        Dims in = node.dims;
        if (in.isFlat()) {
            return;
        }
        boolean reorder = in.h() * in.w() > 1 && in.c() > 1;
        LambdaBlock flatten = LambdaBlock.singleton(
                x -> (reorder ? x.transpose(0, 2, 3, 1) : x).reshape(x.getShape().get(0), -1), "flatten");
        append(node, name, flatten, Dims.flat(in.c() * in.h() * in.w()));
    }

    /** Appends a dropout, which is the identity at inference. */
    void dropout(Node node, String name, float rate) {
        append(node, name, Dropout.builder().optRate(rate).build(), node.dims);
    }

    private static void append(Node node, String name, Block block, Dims out) {
        node.blocks.add(new Named(name, block));
        node.dims = out;
    }

    private static void requireMap(Dims dims, String name) {
        if (dims.isFlat()) {
            throw new TfjsImportException("layer '" + name + "' needs a feature map but gets a flat input " + dims);
        }
    }

    /** TF conv kernel {@code [kh, kw, in, out]} to DJL {@code [out, in, kh, kw]}. */
    static float[] hwioToOihw(float[] w, int kh, int kw, int in, int out) {
        if (w == null) {
            return null;
        }
        float[] r = new float[w.length];
        for (int i = 0; i < kh; i++) {
            for (int j = 0; j < kw; j++) {
                for (int c = 0; c < in; c++) {
                    for (int o = 0; o < out; o++) {
                        r[((o * in + c) * kh + i) * kw + j] = w[((i * kw + j) * in + c) * out + o];
                    }
                }
            }
        }
        return r;
    }

    /** TF depthwise kernel {@code [kh, kw, C, 1]} to DJL grouped {@code [C, 1, kh, kw]}. */
    static float[] depthwiseToOihw(float[] w, int kh, int kw, int channels) {
        return hwioToOihw(w, kh, kw, 1, channels);
    }

    /** TF dense kernel {@code [in, out]} to DJL {@code [out, in]}. */
    static float[] transpose(float[] w, int rows, int cols) {
        if (w == null) {
            return null;
        }
        float[] r = new float[w.length];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                r[j * rows + i] = w[i * cols + j];
            }
        }
        return r;
    }
}
