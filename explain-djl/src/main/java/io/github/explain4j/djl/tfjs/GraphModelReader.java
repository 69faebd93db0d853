package io.github.explain4j.djl.tfjs;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.github.explain4j.djl.tfjs.NetGraph.Dims;
import io.github.explain4j.djl.tfjs.NetGraph.Node;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Translates a TF.js graph model ({@code "format": "graph-model"}) into a {@link NetGraph}.
 *
 * <p>Supported ops: {@code Placeholder} (one NHWC input), {@code Const} (weights), {@code Identity},
 * {@code Conv2D}, {@code _FusedConv2D} (fused {@code BiasAdd}, optionally {@code Relu}/{@code Relu6}),
 * {@code DepthwiseConv2dNative} (multiplier 1), {@code MaxPool}, {@code AvgPool}, {@code AddV2}/{@code Add},
 * {@code Relu}, {@code Relu6}, {@code Mean} over H and W, {@code Softmax}; NHWC data, dilation 1.
 *
 * <p>Block names are the Keras layer names found in the node names ({@code StatefulPartitionedCall/model_1/
 * conv2d_1/Conv2D} gives {@code conv2d_1}): a convolution is named after the layer that owns its kernel, a fused
 * activation after the node's own layer, the depthwise half of a separable convolution {@code <layer>_depthwise}.
 */
final class GraphModelReader {

    private static final List<String> SUPPORTED = List.of("Placeholder", "Const", "Identity", "Conv2D",
            "_FusedConv2D", "DepthwiseConv2dNative", "MaxPool", "AvgPool", "AddV2", "Add", "Relu", "Relu6", "Mean",
            "Softmax");

    private final JsonObject model;
    private final TfjsWeights weights;
    private final NetGraph graph = new NetGraph();
    private final TfjsBlocks blocks = new TfjsBlocks(graph);
    private final Map<String, JsonObject> byName = new LinkedHashMap<>();

    GraphModelReader(JsonObject model, TfjsWeights weights) {
        this.model = model;
        this.weights = weights;
    }

    NetGraph read() {
        JsonArray nodes = model.getAsJsonObject("modelTopology").getAsJsonArray("node");
        for (JsonElement e : nodes) {
            JsonObject n = e.getAsJsonObject();
            byName.put(n.get("name").getAsString(), n);
        }
        for (JsonObject n : topologicalOrder()) {
            translate(n);
        }
        graph.setOutput(outputNode());
        return graph;
    }

    private void translate(JsonObject n) {
        String name = n.get("name").getAsString();
        String op = n.get("op").getAsString();
        switch (op) {
            case "Const":
                return;
            case "Placeholder":
                graph.addInput(name, layerOf(name), inputDims(n));
                return;
            case "Identity":
                graph.addNode(name, layerOf(name), List.of(dataInput(n, 0))).dims = graph.dimsOf(dataInput(n, 0), name);
                return;
            case "Conv2D":
            case "_FusedConv2D":
                conv(n, name, op);
                return;
            case "DepthwiseConv2dNative":
                depthwise(n, name);
                return;
            case "MaxPool":
            case "AvgPool": {
                checkNhwc(n, name);
                Node node = single(n, name);
                int[] k = spatial(n, "ksize", name);
                int[] s = spatial(n, "strides", name);
                blocks.pool(node, graph.uniqueName(layerOf(name)), op.equals("MaxPool"), k[0], k[1], s[0], s[1],
                        string(n, "padding"));
                return;
            }
            case "AddV2":
            case "Add":
                graph.addSum(name, layerOf(name), List.of(dataInput(n, 0), dataInput(n, 1)));
                return;
            case "Relu":
            case "Relu6": {
                Node node = single(n, name);
                blocks.activation(node, graph.uniqueName(layerOf(name)), op.toLowerCase());
                return;
            }
            case "Softmax": {
                Node node = single(n, name);
                if (!node.dims.isFlat()) {
                    throw new TfjsImportException("node '" + name + "': Softmax over a feature map is not supported");
                }
                blocks.activation(node, graph.uniqueName(layerOf(name)), "softmax");
                return;
            }
            case "Mean":
                mean(n, name);
                return;
            default:
                throw new TfjsImportException("unsupported TF.js graph op '" + op + "' in node '" + name
                        + "'; supported ops: " + SUPPORTED);
        }
    }

    private void conv(JsonObject n, String name, String op) {
        checkNhwc(n, name);
        checkUnitDilation(n, name);
        boolean bias = false;
        String activation = "linear";
        if (op.equals("_FusedConv2D")) {
            List<String> fused = stringList(n, "fused_ops");
            int numArgs = n.getAsJsonObject("attr").has("num_args")
                    ? n.getAsJsonObject("attr").getAsJsonObject("num_args").get("i").getAsInt() : 0;
            boolean ok = !fused.isEmpty() && fused.get(0).equals("BiasAdd") && numArgs == 1
                    && (fused.size() == 1 || fused.size() == 2 && List.of("Relu", "Relu6").contains(fused.get(1)));
            if (!ok) {
                throw new TfjsImportException("node '" + name + "' fuses " + fused + " (num_args " + numArgs
                        + "); supported: [BiasAdd], [BiasAdd, Relu], [BiasAdd, Relu6]");
            }
            bias = true;
            if (fused.size() == 2) {
                activation = fused.get(1).toLowerCase();
            }
        }
        Node node = single(n, name);
        TfjsWeights.Tensor kernel = weights.get(input(n, 1), name);
        if (kernel.shape().length != 4 || kernel.dim(2) != node.dims.c()) {
            throw new TfjsImportException("node '" + name + "': kernel " + kernel + " does not fit an input with "
                    + node.dims.c() + " channels");
        }
        int kh = kernel.dim(0);
        int kw = kernel.dim(1);
        int in = kernel.dim(2);
        int out = kernel.dim(3);
        String convName = graph.uniqueName(kernelLayer(kernel.name(), name));
        int[] s = spatial(n, "strides", name);
        Conv2d conv = blocks.conv(node, convName, kh, kw, out, 1, s[0], s[1], string(n, "padding"), bias);
        graph.assign(conv, "weight", new Shape(out, in, kh, kw), TfjsBlocks.hwioToOihw(kernel.values(), kh, kw, in,
                out), kernel.name());
        if (bias) {
            TfjsWeights.Tensor b = weights.get(input(n, 2), name);
            if (b.size() != out) {
                throw new TfjsImportException("node '" + name + "': bias " + b + " does not match " + out
                        + " filters");
            }
            graph.assign(conv, "bias", new Shape(out), b.values(), b.name());
        }
        if (!activation.equals("linear")) {
            String actName = layerOf(name);
            blocks.activation(node, graph.uniqueName(actName.equals(convName) ? actName + "_" + activation : actName),
                    activation);
        }
    }

    private void depthwise(JsonObject n, String name) {
        checkNhwc(n, name);
        checkUnitDilation(n, name);
        Node node = single(n, name);
        TfjsWeights.Tensor kernel = weights.get(input(n, 1), name);
        long channels = node.dims.c();
        if (kernel.shape().length != 4 || kernel.dim(2) != channels || kernel.dim(3) != 1) {
            throw new TfjsImportException("node '" + name + "': depthwise kernel " + kernel + " is not [kh, kw, "
                    + channels + ", 1] (only depth multiplier 1 is supported)");
        }
        int kh = kernel.dim(0);
        int kw = kernel.dim(1);
        int c = (int) channels;
        String layer = layerOf(name);
        boolean separable = name.contains("/separable_conv2d/");
        String blockName = graph.uniqueName(separable ? layer + "_depthwise" : layer);
        int[] s = spatial(n, "strides", name);
        Conv2d conv = blocks.conv(node, blockName, kh, kw, c, c, s[0], s[1], string(n, "padding"), false);
        graph.assign(conv, "weight", new Shape(c, 1, kh, kw), TfjsBlocks.depthwiseToOihw(kernel.values(), kh, kw, c),
                kernel.name());
    }

    private void mean(JsonObject n, String name) {
        Node node = single(n, name);
        TfjsWeights.Tensor axes = weights.get(input(n, 1), name);
        boolean keepDims = n.getAsJsonObject("attr").has("keep_dims")
                && n.getAsJsonObject("attr").getAsJsonObject("keep_dims").get("b").getAsBoolean();
        Set<Integer> axisSet = new HashSet<>();
        if (axes.hasValues()) {
            for (float a : axes.values()) {
                axisSet.add((int) a);
            }
        } else {
            axisSet = null; // topology only: trust the shape check below
        }
        if (axes.size() != 2 || (axisSet != null && !axisSet.equals(Set.of(1, 2))) || keepDims) {
            throw new TfjsImportException("node '" + name + "': Mean over axes " + axisSet + " with keep_dims "
                    + keepDims + " is not supported; only the global average over H and W (axes [1, 2]) is");
        }
        blocks.globalAveragePool(node, graph.uniqueName(layerOf(name)));
    }

    /** A node with one data input, continuing that input's dimensions. */
    private Node single(JsonObject n, String name) {
        String in = dataInput(n, 0);
        Node node = graph.addNode(name, layerOf(name), List.of(in));
        node.dims = graph.dimsOf(in, name);
        return node;
    }

    private String dataInput(JsonObject n, int index) {
        String in = input(n, index);
        JsonObject source = byName.get(in);
        if (source != null && source.get("op").getAsString().equals("Const")) {
            throw new TfjsImportException("node '" + n.get("name").getAsString() + "' applies "
                    + n.get("op").getAsString() + " to the constant '" + in + "'; constant operands are not supported");
        }
        return in;
    }

    private static String input(JsonObject n, int index) {
        JsonArray inputs = n.getAsJsonArray("input");
        if (inputs == null || inputs.size() <= index) {
            throw new TfjsImportException("node '" + n.get("name").getAsString() + "' has no input " + index);
        }
        String in = inputs.get(index).getAsString();
        if (in.startsWith("^")) {
            throw new TfjsImportException("node '" + n.get("name").getAsString() + "' has a control input " + in);
        }
        int colon = in.indexOf(':');
        return colon < 0 ? in : in.substring(0, colon);
    }

    private List<JsonObject> topologicalOrder() {
        List<JsonObject> out = new ArrayList<>();
        Map<String, Integer> state = new HashMap<>();
        for (String name : byName.keySet()) {
            visit(name, state, out);
        }
        return out;
    }

    private void visit(String name, Map<String, Integer> state, List<JsonObject> out) {
        Integer s = state.get(name);
        if (s != null) {
            if (s == 1) {
                throw new TfjsImportException("graph has a cycle through node '" + name + "'");
            }
            return;
        }
        JsonObject n = byName.get(name);
        if (n == null) {
            throw new TfjsImportException("a node reads '" + name + "', which the graph does not define");
        }
        state.put(name, 1);
        JsonArray inputs = n.getAsJsonArray("input");
        if (inputs != null) {
            for (int i = 0; i < inputs.size(); i++) {
                visit(input(n, i), state, out);
            }
        }
        state.put(name, 2);
        out.add(n);
    }

    /** The node no other node reads (after stripping Identity nodes it is the model output). */
    private String outputNode() {
        Set<String> read = new HashSet<>();
        for (JsonObject n : byName.values()) {
            JsonArray inputs = n.getAsJsonArray("input");
            if (inputs != null) {
                for (int i = 0; i < inputs.size(); i++) {
                    read.add(input(n, i));
                }
            }
        }
        List<String> outputs = new ArrayList<>();
        for (var e : byName.entrySet()) {
            if (!read.contains(e.getKey()) && !e.getValue().get("op").getAsString().equals("Const")) {
                outputs.add(e.getKey());
            }
        }
        if (outputs.size() != 1) {
            throw new TfjsImportException("graph has outputs " + outputs + "; only single-output models are "
                    + "supported");
        }
        return outputs.get(0);
    }

    private static Dims inputDims(JsonObject n) {
        String name = n.get("name").getAsString();
        JsonArray dims = n.getAsJsonObject("attr").getAsJsonObject("shape").getAsJsonObject("shape")
                .getAsJsonArray("dim");
        if (dims.size() != 4) {
            throw new TfjsImportException("input '" + name + "' has rank " + dims.size()
                    + "; expected an NHWC image input of rank 4");
        }
        long[] d = new long[4];
        for (int i = 1; i < 4; i++) {
            d[i] = dims.get(i).getAsJsonObject().get("size").getAsLong();
            if (d[i] <= 0) {
                throw new TfjsImportException("input '" + name + "' has an unknown size on axis " + i
                        + "; the importer needs a fixed H, W and C");
            }
        }
        return new Dims(d[3], d[1], d[2]);
    }

    private static void checkNhwc(JsonObject n, String name) {
        JsonObject attr = n.getAsJsonObject("attr");
        if (attr.has("data_format") && !decode(attr.getAsJsonObject("data_format").get("s").getAsString())
                .equals("NHWC")) {
            throw new TfjsImportException("node '" + name + "' uses data format "
                    + decode(attr.getAsJsonObject("data_format").get("s").getAsString()) + "; only NHWC is supported");
        }
    }

    private static void checkUnitDilation(JsonObject n, String name) {
        JsonObject attr = n.getAsJsonObject("attr");
        if (attr.has("dilations")) {
            for (JsonElement d : attr.getAsJsonObject("dilations").getAsJsonObject("list").getAsJsonArray("i")) {
                if (d.getAsInt() != 1) {
                    throw new TfjsImportException("node '" + name + "' is dilated; only dilation 1 is supported");
                }
            }
        }
    }

    /** The H and W entries of an NHWC attribute list ({@code strides}, {@code ksize}). */
    private static int[] spatial(JsonObject n, String key, String name) {
        JsonArray list = n.getAsJsonObject("attr").getAsJsonObject(key).getAsJsonObject("list").getAsJsonArray("i");
        if (list.size() != 4 || list.get(0).getAsInt() != 1 || list.get(3).getAsInt() != 1) {
            throw new TfjsImportException("node '" + name + "' has " + key + " " + list
                    + "; expected [1, h, w, 1]");
        }
        return new int[] {list.get(1).getAsInt(), list.get(2).getAsInt()};
    }

    private static String string(JsonObject n, String key) {
        return decode(n.getAsJsonObject("attr").getAsJsonObject(key).get("s").getAsString());
    }

    private static List<String> stringList(JsonObject n, String key) {
        List<String> out = new ArrayList<>();
        JsonObject attr = n.getAsJsonObject("attr");
        if (attr.has(key)) {
            JsonArray s = attr.getAsJsonObject(key).getAsJsonObject("list").getAsJsonArray("s");
            if (s != null) {
                s.forEach(e -> out.add(decode(e.getAsString())));
            }
        }
        return out;
    }

    private static String decode(String base64) {
        return new String(Base64.getDecoder().decode(base64), StandardCharsets.UTF_8);
    }

    /**
     * The Keras layer in a node name: {@code StatefulPartitionedCall/model_1/conv2d_5/BiasAdd} gives
     * {@code conv2d_5}; a name without scopes is returned unchanged.
     */
    static String layerOf(String nodeName) {
        String[] parts = nodeName.split("/");
        int i = 0;
        if (parts.length > 1 && parts[0].startsWith("StatefulPartitionedCall")) {
            i++;
        }
        if (parts.length - i >= 3) {
            i++; // the model's own scope, e.g. model_1
        }
        return parts[Math.min(i, parts.length - 1)];
    }

    /** The layer that owns a kernel constant, or the node's layer when the constant has no scope. */
    private static String kernelLayer(String kernelName, String nodeName) {
        return kernelName.contains("/") ? layerOf(kernelName) : layerOf(nodeName);
    }
}
