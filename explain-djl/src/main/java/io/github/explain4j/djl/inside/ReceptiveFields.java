package io.github.explain4j.djl.inside;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.ParallelBlock;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Convolution;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.norm.Dropout;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import io.github.explain4j.api.LayerInfo;
import io.github.explain4j.djl.ExplainableModel;
import io.github.explain4j.djl.internal.HeapArrays;
import io.github.explain4j.djl.seam.BlockTreeSeam;
import io.github.explain4j.inside.ReceptiveField;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The exact receptive field of a layer's units, composed over the block tree (Zeiler &amp; Fergus 2014 crop each
 * top activation's patch to it; Araujo et al., "Computing Receptive Fields of Convolutional Neural Networks",
 * Distill 2019): along each axis a layer with kernel {@code k}, dilation {@code d}, stride {@code s} and leading
 * padding {@code p} maps a field {@code (jump J, start S, size K)} to {@code (s·J, S − p·J, d(k − 1)·J + K)}; a
 * unit's exact box is then clipped layer by layer.
 * Convolutions give their settings; parameter-free layers that DJL builds as lambdas (pooling, padding) are
 * probed — each input position in turn is raised and the output positions that change mark the window — and
 * pointwise layers (BatchNorm, activations, Dropout) keep the field. A residual sum takes the hull of its branches'
 * fields; a dense layer, a flatten or a global pooling makes the field the whole image.
 */
public final class ReceptiveFields {

    /** Pointwise parameter-free lambdas: activations and identity. */
    private static final Set<String> POINTWISE = Set.of("ReLU", "relu", "ReLU6", "relu6", "identity", "LeakyReLU",
            "ELU", "SELU", "GELU", "Swish", "Mish", "sigmoid", "Tanh", "tanh", "softPlus", "softSign");
    /** Lambdas after which every unit sees everything. */
    private static final Set<String> GLOBAL = Set.of("batchFlatten", "flatten", "globalAvgPool2d", "globalMaxPool2d",
            "globalLpPool2d", "softmax");
    /** The side of the probe image for parameter-free lambdas. */
    private static final int PROBE = 24;

    private ReceptiveFields() {}

    /** Per axis: jump, start, size, the windows so far, and the current length. */
    private record Axis(int jump, int start, int size, List<ReceptiveField.Window> windows, int length) {
        Axis then(int kernel, int dilation, int stride, int pad, int outLength) {
            List<ReceptiveField.Window> w = new ArrayList<>(windows);
            w.add(new ReceptiveField.Slide(kernel, dilation, stride, pad, length));
            return new Axis(jump * stride, start - pad * jump, (kernel - 1) * dilation * jump + size, w, outLength);
        }

        /** The branches' hull, joining chains that start from {@code from}. */
        static Axis join(Axis from, List<Axis> branches) {
            Axis first = branches.get(0);
            int s = first.start;
            int e = first.start + first.size;
            List<List<ReceptiveField.Window>> chains = new ArrayList<>();
            for (Axis b : branches) {
                if (b.jump != first.jump || b.length != first.length) {
                    throw new IllegalArgumentException("branches with different strides or sizes (jump " + first.jump
                            + " and " + b.jump + ") are joined; their units do not line up");
                }
                s = Math.min(s, b.start);
                e = Math.max(e, b.start + b.size);
                chains.add(b.windows.subList(from.windows.size(), b.windows.size()));
            }
            List<ReceptiveField.Window> w = new ArrayList<>(from.windows);
            w.add(new ReceptiveField.Branches(chains));
            return new Axis(first.jump, s, e - s, w, first.length);
        }
    }

    private record Field(Axis y, Axis x, boolean global) {
        static Field input(int height, int width) {
            return new Field(new Axis(1, 0, 1, List.of(), height), new Axis(1, 0, 1, List.of(), width), false);
        }

        Field all() {
            return new Field(y, x, true);
        }
    }

    /**
     * The receptive field of {@code layer}'s units.
     *
     * @throws IllegalArgumentException if the layer is unknown, the model is not built from DJL blocks, or a block
     *     on the way cannot be read or probed (named)
     */
    public static ReceptiveField of(ExplainableModel model, String layer) {
        Objects.requireNonNull(model, "model");
        if (!(model.seam() instanceof BlockTreeSeam tree)) {
            throw new IllegalArgumentException("receptive fields are composed over a model's DJL blocks, but model '"
                    + model.name() + "' is " + model.seam().getClass().getSimpleName() + "; build the model from"
                    + " DJL blocks");
        }
        String path = tree.resolveLayer(layer);
        Field[] found = new Field[1];
        Map<String, long[]> shapes = new HashMap<>();
        for (LayerInfo l : model.layers()) {
            shapes.putIfAbsent(l.path(), l.outputShape());
        }
        walk("", tree.block(""), Field.input(model.spec().height(), model.spec().width()), path, found, model,
                shapes);
        if (found[0] == null) {
            throw new IllegalArgumentException("layer '" + path + "' was not reached walking the model's blocks");
        }
        Field f = found[0];
        return new ReceptiveField(path, model.spec().height(), model.spec().width(), f.y().jump(), f.x().jump(),
                f.y().start(), f.x().start(), f.y().size(), f.x().size(), f.global(), f.y().windows(),
                f.x().windows());
    }

    /** The field after {@code block} (at {@code path}), given the field before it; records the target's. */
    private static Field walk(String path, Block block, Field in, String target, Field[] found,
            ExplainableModel model, Map<String, long[]> shapes) {
        Field out;
        if (block instanceof SequentialBlock) {
            out = in;
            for (Pair<String, Block> c : block.getChildren()) {
                out = walk(join(path, c.getKey()), c.getValue(), out, target, found, model, shapes);
                if (found[0] != null) {
                    return out;
                }
            }
        } else if (block instanceof ParallelBlock) {
            List<Field> branches = new ArrayList<>();
            for (Pair<String, Block> c : block.getChildren()) {
                Field b = walk(join(path, c.getKey()), c.getValue(), in, target, found, model, shapes);
                if (found[0] != null) {
                    return b;
                }
                branches.add(b);
            }
            if (branches.isEmpty()) {
                out = in;
            } else if (branches.stream().anyMatch(Field::global)) {
                out = in.all();
            } else {
                out = new Field(Axis.join(in.y(), branches.stream().map(Field::y).toList()),
                        Axis.join(in.x(), branches.stream().map(Field::x).toList()), false);
            }
        } else {
            out = in.global() ? in : leaf(path, block, in, model, shapes);
        }
        if (path.equals(target)) {
            found[0] = out;
        }
        return out;
    }

    private static Field leaf(String path, Block block, Field in, ExplainableModel model,
            Map<String, long[]> shapes) {
        if (block instanceof Convolution conv) {
            Shape k = conv.getKernelShape();
            if (k.dimension() != 2) {
                throw new IllegalArgumentException("layer '" + path + "' is a " + k.dimension() + "-D convolution;"
                        + " receptive fields are computed for 2-D images");
            }
            Shape s = conv.getStride();
            Shape p = conv.getPadding();
            Shape d = conv.getDilation();
            int[] out = outLengths(path, shapes);
            return new Field(in.y().then((int) k.get(0), (int) d.get(0), (int) s.get(0), (int) p.get(0), out[0]),
                    in.x().then((int) k.get(1), (int) d.get(1), (int) s.get(1), (int) p.get(1), out[1]), false);
        }
        if (block instanceof BatchNorm || block instanceof Dropout) {
            return in;
        }
        if (block instanceof Linear) {
            return in.all();
        }
        if (block instanceof LambdaBlock lambda) {
            String name = lambda.getName();
            if (POINTWISE.contains(name)) {
                return in;
            }
            if (GLOBAL.contains(name)) {
                return in.all();
            }
            int[][] window = probe(path, lambda, model);
            int[] out = outLengths(path, shapes);
            return new Field(in.y().then(window[0][0], 1, window[0][1], window[0][2], out[0]),
                    in.x().then(window[1][0], 1, window[1][1], window[1][2], out[1]), false);
        }
        throw new IllegalArgumentException("layer '" + path + "' (" + block.getClass().getSimpleName() + ") is a"
                + " block whose window explain4j cannot read; build the model from DJL's convolution, pooling,"
                + " BatchNorm and activation blocks");
    }

    private static int[] outLengths(String path, Map<String, long[]> lengths) {
        long[] s = lengths.get(path);
        if (s == null || s.length != 4) {
            throw new IllegalArgumentException("layer '" + path + "' gives shape " + java.util.Arrays.toString(s)
                    + "; receptive fields are computed for (N, C, H, W) feature maps");
        }
        return new int[] {(int) s[2], (int) s[3]};
    }

    /**
     * The window of a parameter-free layer along each axis, {@code {kernel, stride, pad}}: raise one input position
     * at a time on a {@link #PROBE}-sided one-channel image and record which outputs change.
     */
    private static int[][] probe(String path, LambdaBlock lambda, ExplainableModel model) {
        return model.call(scope -> {
            int[][] out = new int[2][];
            for (int axis = 0; axis < 2; axis++) {
                out[axis] = probeAxis(path, lambda, scope, axis);
            }
            return out;
        });
    }

    private static int[] probeAxis(String path, LambdaBlock lambda, NDManager scope, int axis) {
        ParameterStore store = new ParameterStore(scope, false);
        float[] base = new float[PROBE * PROBE];
        float[] before = run(lambda, store, scope, base, path);
        int outLen = -1;
        int[] lo = null;
        int[] hi = null;
        for (int r = 0; r < PROBE; r++) {
            float[] raised = base.clone();
            int centre = PROBE / 2;
            raised[axis == 0 ? r * PROBE + centre : centre * PROBE + r] = 1000;
            float[] after = run(lambda, store, scope, raised, path);
            int side = (int) Math.round(Math.sqrt(after.length));
            if (side * side != after.length) {
                throw new IllegalArgumentException("layer '" + path + "' (LambdaBlock '" + lambda.getName() + "')"
                        + " does not give a square map for a square probe; explain4j cannot read its window");
            }
            if (lo == null) {
                outLen = side;
                lo = new int[side];
                hi = new int[side];
                java.util.Arrays.fill(lo, Integer.MAX_VALUE);
                java.util.Arrays.fill(hi, Integer.MIN_VALUE);
            }
            for (int i = 0; i < after.length; i++) {
                if (after[i] != before[i]) {
                    int o = axis == 0 ? i / side : i % side;
                    lo[o] = Math.min(lo[o], r);
                    hi[o] = Math.max(hi[o], r);
                }
            }
        }
        // an interior unit, away from the probe's borders, gives the window unclipped
        int m = outLen / 2;
        if (outLen < 2 || lo[m] == Integer.MAX_VALUE || lo[m + 1] == Integer.MAX_VALUE) {
            throw new IllegalArgumentException("layer '" + path + "' (LambdaBlock '" + lambda.getName() + "') did"
                    + " not respond to a probe; explain4j cannot read its window");
        }
        int stride = lo[m + 1] - lo[m];
        int kernel = hi[m] - lo[m] + 1;
        int pad = m * stride - lo[m];
        return new int[] {kernel, stride, pad};
    }

    private static float[] run(LambdaBlock lambda, ParameterStore store, NDManager scope, float[] values,
            String path) {
        try (NDManager m = scope.newSubManager()) {
            NDArray x = HeapArrays.create(m, values, new Shape(1, 1, PROBE, PROBE));
            NDList out = lambda.forward(store, new NDList(x), false);
            return out.singletonOrThrow().toType(ai.djl.ndarray.types.DataType.FLOAT32, false).toFloatArray();
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("layer '" + path + "' (LambdaBlock '" + lambda.getName() + "')"
                    + " could not be probed on a 1×1×" + PROBE + "×" + PROBE + " image: " + e.getMessage(), e);
        }
    }

    private static String join(String path, String name) {
        return path.isEmpty() ? name : path + "/" + name;
    }
}
