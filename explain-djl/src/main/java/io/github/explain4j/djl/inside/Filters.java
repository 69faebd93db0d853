package io.github.explain4j.djl.inside;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Convolution;
import ai.djl.util.Pair;
import io.github.explain4j.djl.ExplainableModel;
import io.github.explain4j.djl.seam.BlockTreeSeam;
import io.github.explain4j.inside.Kernels;
import java.util.Objects;

/**
 * A convolution's learned kernels, read from the model's parameters: cs231n's filter view ("visualizing what
 * ConvNets learn"; Krizhevsky et al. 2012, figure 3, for the first layer of a trained network). Render them with
 * {@link Kernels#image} (first layer, in the input's colours) or {@link Kernels#channelImage} (one output channel
 * of a deeper layer).
 *
 * <pre>{@code
 * Kernels k = Filters.of(model, "stem");
 * Heatmaps.write(k.image(8), Path.of("stem-filters.png"));
 * }</pre>
 */
public final class Filters {

    private Filters() {}

    /**
     * The kernels of the convolution at {@code layer}.
     *
     * @throws IllegalArgumentException if the layer is unknown, is not a 2-D convolution, or the model's layers
     *     cannot be reached (a TorchScript module)
     */
    public static Kernels of(ExplainableModel model, String layer) {
        Objects.requireNonNull(model, "model");
        if (!(model.seam() instanceof BlockTreeSeam tree)) {
            throw new IllegalArgumentException("filters are read from a model's DJL blocks, but model '"
                    + model.name() + "' is " + model.seam().getClass().getSimpleName() + " (e.g. a TorchScript"
                    + " module, whose parameters explain4j cannot reach by layer); export the weights, or build the"
                    + " model from DJL blocks");
        }
        String path = tree.resolveLayer(layer);
        Block block = tree.block(path);
        if (!(block instanceof Convolution)) {
            throw new IllegalArgumentException("layer '" + path + "' is a " + block.getClass().getSimpleName()
                    + ", not a convolution; filters exist for convolutions (list them with model.layers())");
        }
        NDArray weight = null;
        for (Pair<String, Parameter> p : block.getParameters()) {
            if (p.getValue().getType() == Parameter.Type.WEIGHT) {
                weight = p.getValue().getArray();
            }
        }
        long[] shape = weight == null ? new long[0] : weight.getShape().getShape();
        if (shape.length != 4) {
            throw new IllegalArgumentException("layer '" + path + "' has weights of shape "
                    + java.util.Arrays.toString(shape) + "; filters are drawn for 2-D convolutions (O, I, kh, kw)");
        }
        float[] values = weight.toType(DataType.FLOAT32, false).toFloatArray();
        return new Kernels(values, (int) shape[0], (int) shape[1], (int) shape[2], (int) shape[3], path,
                model.name());
    }
}
