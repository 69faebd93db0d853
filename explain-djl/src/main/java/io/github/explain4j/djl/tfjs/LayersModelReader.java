package io.github.explain4j.djl.tfjs;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.github.explain4j.djl.tfjs.NetGraph.Dims;
import io.github.explain4j.djl.tfjs.NetGraph.Node;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Translates a TF.js layers model (a Keras functional {@code Model} or {@code Sequential} in
 * {@code modelTopology}) into a {@link NetGraph}. Blocks carry the Keras layer names; an activation inside a
 * {@code Conv2D}/{@code Dense} layer becomes a separate block {@code <layer>_<activation>} right after it.
 *
 * <p>Supported layers: {@code InputLayer}, {@code Conv2D}, {@code DepthwiseConv2D} (multiplier 1),
 * {@code BatchNormalization} (channel axis), {@code ReLU} (with {@code max_value} 6 or none), {@code Activation},
 * {@code ZeroPadding2D}, {@code Add}, {@code MaxPooling2D}, {@code AveragePooling2D},
 * {@code GlobalAveragePooling2D}, {@code Flatten}, {@code Dense}, {@code Dropout}; channels-last data, dilation 1.
 */
final class LayersModelReader {

    private static final List<String> SUPPORTED = List.of("InputLayer", "Conv2D", "DepthwiseConv2D",
            "BatchNormalization", "ReLU", "Activation", "ZeroPadding2D", "Add", "MaxPooling2D", "AveragePooling2D",
            "GlobalAveragePooling2D", "Flatten", "Dense", "Dropout");

    private final JsonObject model;
    private final TfjsWeights weights;
    private final NetGraph graph = new NetGraph();
    private final TfjsBlocks blocks = new TfjsBlocks(graph);

    LayersModelReader(JsonObject model, TfjsWeights weights) {
        this.model = model;
        this.weights = weights;
    }

    NetGraph read() {
        JsonObject topology = model.getAsJsonObject("modelTopology");
        JsonObject modelConfig = topology.has("model_config") ? topology.getAsJsonObject("model_config") : topology;
        String className = modelConfig.get("class_name").getAsString();
        JsonObject config = modelConfig.getAsJsonObject("config");
        JsonArray layers = config.getAsJsonArray("layers");
        boolean sequential = className.equals("Sequential");
        if (!sequential && !className.equals("Model") && !className.equals("Functional")) {
            throw new TfjsImportException("layers model of class '" + className
                    + "' is not supported; expected Model, Functional or Sequential");
        }
        String previous = null;
        for (JsonElement e : layers) {
            JsonObject layer = e.getAsJsonObject();
            List<String> inputs = sequential ? (previous == null ? List.of() : List.of(previous)) : inbound(layer);
            previous = translate(layer, inputs);
        }
        if (sequential) {
            graph.setOutput(previous);
        } else {
            JsonArray outputs = config.getAsJsonArray("output_layers");
            if (outputs.size() != 1) {
                throw new TfjsImportException("model has " + outputs.size() + " outputs; only single-output models "
                        + "are supported");
            }
            graph.setOutput(outputs.get(0).getAsJsonArray().get(0).getAsString());
        }
        return graph;
    }

    private static List<String> inbound(JsonObject layer) {
        String name = layer.get("name").getAsString();
        JsonArray nodes = layer.getAsJsonArray("inbound_nodes");
        if (nodes == null || nodes.isEmpty()) {
            return List.of();
        }
        if (nodes.size() > 1) {
            throw new TfjsImportException("layer '" + name + "' is called " + nodes.size()
                    + " times; shared layers are not supported");
        }
        List<String> out = new ArrayList<>();
        for (JsonElement in : nodes.get(0).getAsJsonArray()) {
            JsonArray ref = in.getAsJsonArray();
            if (ref.get(1).getAsInt() != 0 || ref.get(2).getAsInt() != 0) {
                throw new TfjsImportException("layer '" + name + "' reads output " + ref
                        + "; only the first output of each layer is supported");
            }
            out.add(ref.get(0).getAsString());
        }
        return out;
    }

    /** Adds the layer to the graph and returns its node id. */
    private String translate(JsonObject layer, List<String> inputs) {
        String name = layer.get("name").getAsString();
        String kind = layer.get("class_name").getAsString();
        JsonObject c = layer.getAsJsonObject("config");
        checkChannelsLast(c, name);
        if (kind.equals("InputLayer") || inputs.isEmpty()) {
            if (!kind.equals("InputLayer")) {
                throw new TfjsImportException("layer '" + name + "' (" + kind + ") has no input; sequential models "
                        + "need an InputLayer or batch_input_shape first");
            }
            graph.addInput(name, graph.uniqueName(name), inputDims(c, name));
            return name;
        }
        if (kind.equals("Add")) {
            graph.addSum(name, name, inputs);
            return name;
        }
        if (inputs.size() != 1) {
            throw new TfjsImportException("layer '" + name + "' (" + kind + ") has " + inputs.size()
                    + " inputs; only Add joins tensors");
        }
        Node node = graph.addNode(name, name, inputs);
        node.dims = graph.dimsOf(inputs.get(0), name);
        String unique = graph.uniqueName(name);
        switch (kind) {
            case "Conv2D":
                conv(node, unique, name, c, false);
                break;
            case "DepthwiseConv2D":
                conv(node, unique, name, c, true);
                break;
            case "BatchNormalization":
                batchNorm(node, unique, name, c);
                break;
            case "ReLU":
                relu(node, unique, c);
                break;
            case "Activation":
                blocks.activation(node, unique, c.get("activation").getAsString());
                break;
            case "ZeroPadding2D": {
                int[][] p = padding(c.get("padding"), name);
                blocks.pad(node, unique, p[0][0], p[0][1], p[1][0], p[1][1], 0f);
                break;
            }
            case "MaxPooling2D":
            case "AveragePooling2D": {
                int[] k = pair(c.get("pool_size"), name);
                int[] s = c.has("strides") && !c.get("strides").isJsonNull() ? pair(c.get("strides"), name) : k;
                blocks.pool(node, unique, kind.equals("MaxPooling2D"), k[0], k[1], s[0], s[1],
                        c.get("padding").getAsString());
                break;
            }
            case "GlobalAveragePooling2D":
                if (c.has("keepdims") && c.get("keepdims").getAsBoolean()) {
                    throw new TfjsImportException("layer '" + name + "': keepdims=true is not supported");
                }
                blocks.globalAveragePool(node, unique);
                break;
            case "Flatten":
                blocks.flatten(node, unique);
                break;
            case "Dense":
                dense(node, unique, name, c);
                break;
            case "Dropout":
                blocks.dropout(node, unique, c.get("rate").getAsFloat());
                break;
            default:
                throw new TfjsImportException("unsupported Keras layer '" + kind + "' (layer '" + name
                        + "'); supported layers: " + SUPPORTED);
        }
        return name;
    }

    private void conv(Node node, String blockName, String layer, JsonObject c, boolean depthwise) {
        checkUnitDilation(c, layer);
        int[] k = pair(c.get("kernel_size"), layer);
        int[] s = pair(c.get("strides"), layer);
        boolean bias = c.get("use_bias").getAsBoolean();
        int in = (int) node.dims.c();
        Conv2d conv;
        if (depthwise) {
            int multiplier = c.has("depth_multiplier") ? c.get("depth_multiplier").getAsInt() : 1;
            if (multiplier != 1) {
                throw new TfjsImportException("layer '" + layer + "' has depth_multiplier " + multiplier
                        + "; only 1 is supported");
            }
            TfjsWeights.Tensor kernel = expect(layer + "/depthwise_kernel", layer, k[0], k[1], in, 1);
            conv = blocks.conv(node, blockName, k[0], k[1], in, in, s[0], s[1], c.get("padding").getAsString(),
                    bias);
            graph.assign(conv, "weight", new Shape(in, 1, k[0], k[1]),
                    TfjsBlocks.depthwiseToOihw(kernel.values(), k[0], k[1], in), kernel.name());
            if (bias) {
                TfjsWeights.Tensor b = expect(layer + "/bias", layer, in);
                graph.assign(conv, "bias", new Shape(in), b.values(), b.name());
            }
        } else {
            int filters = c.get("filters").getAsInt();
            TfjsWeights.Tensor kernel = expect(layer + "/kernel", layer, k[0], k[1], in, filters);
            conv = blocks.conv(node, blockName, k[0], k[1], filters, 1, s[0], s[1], c.get("padding").getAsString(),
                    bias);
            graph.assign(conv, "weight", new Shape(filters, in, k[0], k[1]),
                    TfjsBlocks.hwioToOihw(kernel.values(), k[0], k[1], in, filters), kernel.name());
            if (bias) {
                TfjsWeights.Tensor b = expect(layer + "/bias", layer, filters);
                graph.assign(conv, "bias", new Shape(filters), b.values(), b.name());
            }
        }
        activationAfter(node, blockName, c);
    }

    private void batchNorm(Node node, String blockName, String layer, JsonObject c) {
        int axis = c.get("axis").isJsonArray() ? c.getAsJsonArray("axis").get(0).getAsInt() : c.get("axis").getAsInt();
        int rank = node.dims.isFlat() ? 2 : 4;
        if (axis != -1 && axis != rank - 1) {
            throw new TfjsImportException("layer '" + layer + "' normalises axis " + axis
                    + "; only the channel axis (-1) is supported");
        }
        long channels = node.dims.c();
        BatchNorm bn = blocks.batchNorm(node, blockName, c.get("epsilon").getAsFloat());
        Shape shape = new Shape(channels);
        boolean scale = !c.has("scale") || c.get("scale").getAsBoolean();
        boolean center = !c.has("center") || c.get("center").getAsBoolean();
        graph.assign(bn, "gamma", shape, scale ? expect(layer + "/gamma", layer, (int) channels).values()
                : filled((int) channels, 1f), layer + "/gamma");
        graph.assign(bn, "beta", shape, center ? expect(layer + "/beta", layer, (int) channels).values()
                : filled((int) channels, 0f), layer + "/beta");
        graph.assign(bn, "runningMean", shape, expect(layer + "/moving_mean", layer, (int) channels).values(),
                layer + "/moving_mean");
        graph.assign(bn, "runningVar", shape, expect(layer + "/moving_variance", layer, (int) channels).values(),
                layer + "/moving_variance");
    }

    private void dense(Node node, String blockName, String layer, JsonObject c) {
        if (!node.dims.isFlat()) {
            throw new TfjsImportException("layer '" + layer + "' (Dense) gets a feature map " + node.dims
                    + "; Dense on feature maps is not supported");
        }
        int in = (int) node.dims.c();
        int units = c.get("units").getAsInt();
        boolean bias = c.get("use_bias").getAsBoolean();
        TfjsWeights.Tensor kernel = expect(layer + "/kernel", layer, in, units);
        Linear linear = blocks.dense(node, blockName, units, bias);
        graph.assign(linear, "weight", new Shape(units, in), TfjsBlocks.transpose(kernel.values(), in, units),
                kernel.name());
        if (bias) {
            TfjsWeights.Tensor b = expect(layer + "/bias", layer, units);
            graph.assign(linear, "bias", new Shape(units), b.values(), b.name());
        }
        activationAfter(node, blockName, c);
    }

    private void relu(Node node, String blockName, JsonObject c) {
        double slope = c.has("negative_slope") && !c.get("negative_slope").isJsonNull()
                ? c.get("negative_slope").getAsDouble() : 0;
        double threshold = c.has("threshold") && !c.get("threshold").isJsonNull()
                ? c.get("threshold").getAsDouble() : 0;
        JsonElement max = c.get("max_value");
        if (slope != 0 || threshold != 0) {
            throw new TfjsImportException("ReLU layer '" + blockName + "' has negative_slope " + slope
                    + " and threshold " + threshold + "; only 0 is supported");
        }
        if (max == null || max.isJsonNull()) {
            blocks.activation(node, blockName, "relu");
        } else if (max.getAsDouble() == 6) {
            blocks.activation(node, blockName, "relu6");
        } else {
            throw new TfjsImportException("ReLU layer '" + blockName + "' has max_value " + max
                    + "; only none or 6 are supported");
        }
    }

    private void activationAfter(Node node, String blockName, JsonObject c) {
        String activation = c.has("activation") ? c.get("activation").getAsString() : "linear";
        if (!activation.equals("linear")) {
            blocks.activation(node, graph.uniqueName(blockName + "_" + activation), activation);
        }
    }

    private TfjsWeights.Tensor expect(String weightName, String layer, int... shape) {
        TfjsWeights.Tensor t = weights.get(weightName, layer);
        if (!Arrays.equals(t.shape(), shape)) {
            throw new TfjsImportException("weight " + t + " of layer '" + layer + "' does not have the expected shape "
                    + Arrays.toString(shape));
        }
        return t;
    }

    private static float[] filled(int n, float value) {
        float[] a = new float[n];
        Arrays.fill(a, value);
        return a;
    }

    private static Dims inputDims(JsonObject c, String name) {
        JsonArray shape = c.has("batch_input_shape") ? c.getAsJsonArray("batch_input_shape")
                : c.getAsJsonArray("batch_shape");
        if (shape == null || shape.size() != 4) {
            throw new TfjsImportException("input '" + name + "' has shape " + shape
                    + "; expected an NHWC image input [null, H, W, C] with fixed sizes");
        }
        for (int i = 1; i < 4; i++) {
            if (shape.get(i).isJsonNull()) {
                throw new TfjsImportException("input '" + name + "' has an unknown size on axis " + i
                        + "; the importer needs a fixed H, W and C");
            }
        }
        return new Dims(shape.get(3).getAsLong(), shape.get(1).getAsLong(), shape.get(2).getAsLong());
    }

    private static void checkChannelsLast(JsonObject c, String name) {
        if (c.has("data_format") && !c.get("data_format").isJsonNull()
                && !c.get("data_format").getAsString().equals("channels_last")) {
            throw new TfjsImportException("layer '" + name + "' uses " + c.get("data_format").getAsString()
                    + "; only channels_last is supported");
        }
    }

    private static void checkUnitDilation(JsonObject c, String name) {
        if (c.has("dilation_rate")) {
            int[] d = pair(c.get("dilation_rate"), name);
            if (d[0] != 1 || d[1] != 1) {
                throw new TfjsImportException("layer '" + name + "' is dilated; only dilation 1 is supported");
            }
        }
    }

    private static int[] pair(JsonElement e, String name) {
        if (e.isJsonPrimitive()) {
            return new int[] {e.getAsInt(), e.getAsInt()};
        }
        JsonArray a = e.getAsJsonArray();
        if (a.size() != 2) {
            throw new TfjsImportException("layer '" + name + "': expected a pair, found " + a);
        }
        return new int[] {a.get(0).getAsInt(), a.get(1).getAsInt()};
    }

    private static int[][] padding(JsonElement e, String name) {
        if (e.isJsonPrimitive()) {
            int p = e.getAsInt();
            return new int[][] {{p, p}, {p, p}};
        }
        JsonArray a = e.getAsJsonArray();
        int[][] out = new int[2][];
        for (int i = 0; i < 2; i++) {
            JsonElement axis = a.get(i);
            out[i] = axis.isJsonPrimitive() ? new int[] {axis.getAsInt(), axis.getAsInt()} : pair(axis, name);
        }
        return out;
    }
}
