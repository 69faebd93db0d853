package io.github.explain4j.bench;

import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.ParallelBlock;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.mxnet.engine.MxNDManager;
import ai.djl.mxnet.engine.MxSymbolBlock;
import ai.djl.mxnet.engine.Symbol;
import ai.djl.util.Pair;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@link ResNet18}'s DJL block tree written as one MXNet symbol (the graph a Gluon {@code hybridize()} would give),
 * run by DJL's {@link MxSymbolBlock} through one MXNet {@code CachedOp} per call instead of one engine call per
 * operator. The parameters are copies of the DJL block's. BatchNorm is MXNet's fused operator with
 * {@code use_global_stats=True}: it normalises with the running statistics even while autograd records (MXNet's
 * training mode), and its backward pass is the inference map's, so the input gradient is the one explain4j's seam
 * computes (checked by {@code SeamOverhead}).
 *
 * <p>Benchmark code for {@link ResNet18} only: it knows the network's lambda blocks by their DJL names (ReLU,
 * identity, 3×3/2 max-pool, global average pool, flatten) and assumes each {@link ParallelBlock} joins by
 * sum-then-ReLU.
 */
final class ResNet18Symbol {

    private final List<String> nodes = new ArrayList<>();
    private final List<Integer> argNodes = new ArrayList<>();
    private final Map<String, Parameter> parameters = new HashMap<>();

    private ResNet18Symbol() {}

    /**
     * A symbol block of {@code block} (an initialised {@link ResNet18}) on MXNet, with copies of its parameters in
     * {@code manager}.
     */
    static MxSymbolBlock of(Block block, NDManager manager) {
        ResNet18Symbol s = new ResNet18Symbol();
        int data = s.variable("data", null);
        int out = s.emit(block, data);
        String json = s.json(out);
        Symbol symbol = Symbol.loadJson((MxNDManager) manager, json);
        MxSymbolBlock sb = new MxSymbolBlock(manager, symbol);
        sb.setInputNames(List.of("data"));
        for (Parameter p : sb.getAllParameters()) {
            if (!p.getName().equals("data")) {
                Parameter source = s.parameters.get(p.getName());
                if (source == null) {
                    throw new IllegalStateException("symbol argument " + p.getName() + " has no DJL parameter");
                }
                p.setArray(source.getArray().duplicate());
                p.getArray().setRequiresGradient(false);
            }
        }
        return sb;
    }

    private int variable(String name, Parameter p) {
        nodes.add("{\"op\":\"null\",\"name\":\"" + name + "\",\"inputs\":[]}");
        argNodes.add(nodes.size() - 1);
        if (p != null) {
            parameters.put(name, p);
        }
        return nodes.size() - 1;
    }

    private int op(String op, Map<String, String> attrs, int... inputs) {
        StringBuilder sb = new StringBuilder("{\"op\":\"").append(op).append("\",\"name\":\"").append(op.toLowerCase(
                Locale.ROOT)).append(nodes.size()).append("\",\"attrs\":{");
        boolean first = true;
        for (Map.Entry<String, String> a : attrs.entrySet()) {
            sb.append(first ? "" : ",").append('"').append(a.getKey()).append("\":\"").append(a.getValue())
                    .append('"');
            first = false;
        }
        sb.append("},\"inputs\":[");
        for (int i = 0; i < inputs.length; i++) {
            sb.append(i == 0 ? "" : ",").append('[').append(inputs[i]).append(",0,0]");
        }
        nodes.add(sb.append("]}").toString());
        return nodes.size() - 1;
    }

    private int params(Block leaf, String key) {
        for (Pair<String, Parameter> p : leaf.getDirectParameters()) {
            if (p.getKey().equals(key)) {
                return variable("p" + parameters.size() + "_" + key, p.getValue());
            }
        }
        throw new IllegalStateException(leaf + " has no parameter " + key);
    }

    private int emit(Block block, int x) {
        if (block instanceof SequentialBlock) {
            int y = x;
            for (Pair<String, Block> c : block.getChildren()) {
                y = emit(c.getValue(), y);
            }
            return y;
        }
        if (block instanceof ParallelBlock) {
            List<Integer> branches = new ArrayList<>();
            for (Pair<String, Block> c : block.getChildren()) {
                branches.add(emit(c.getValue(), x));
            }
            int sum = op("elemwise_add", Map.of(), branches.get(0), branches.get(1));
            return op("Activation", Map.of("act_type", "relu"), sum);
        }
        if (block instanceof Conv2d conv) {
            int w = params(conv, "weight");
            return op("Convolution", Map.of("kernel", tuple(conv.getKernelShape().getShape()),
                    "stride", tuple(conv.getStride().getShape()), "pad", tuple(conv.getPadding().getShape()),
                    "num_filter", String.valueOf(conv.getFilters()), "no_bias", "True"), x, w);
        }
        if (block instanceof BatchNorm) {
            int gamma = params(block, "gamma");
            int beta = params(block, "beta");
            int mean = params(block, "runningMean");
            int var = params(block, "runningVar");
            return op("BatchNorm", Map.of("eps", "1e-05", "momentum", "0.9", "fix_gamma", "False",
                    "use_global_stats", "True", "axis", "1"), x, gamma, beta, mean, var);
        }
        if (block instanceof Linear linear) {
            int w = params(linear, "weight");
            int b = params(linear, "bias");
            long units = linear.getDirectParameters().get("weight").getArray().getShape().get(0);
            return op("FullyConnected", Map.of("num_hidden", String.valueOf(units), "no_bias", "False",
                    "flatten", "True"), x, w, b);
        }
        if (block instanceof LambdaBlock lambda) {
            switch (lambda.getName()) {
                case "ReLU":
                    return op("Activation", Map.of("act_type", "relu"), x);
                case "identity":
                    return x;
                case "maxPool2d":
                    return op("Pooling", Map.of("kernel", "(3, 3)", "stride", "(2, 2)", "pad", "(1, 1)",
                            "pool_type", "max"), x);
                case "globalAvgPool2d":
                    return op("Pooling", Map.of("kernel", "(1, 1)", "global_pool", "True", "pool_type", "avg"), x);
                case "batchFlatten":
                    return op("Flatten", Map.of(), x);
                default:
                    break;
            }
        }
        throw new IllegalArgumentException("no MXNet symbol for " + block.getClass().getSimpleName() + " " + block);
    }

    private static String tuple(long[] v) {
        StringBuilder sb = new StringBuilder("(");
        for (int i = 0; i < v.length; i++) {
            sb.append(i == 0 ? "" : ", ").append(v[i]);
        }
        return sb.append(')').toString();
    }

    private String json(int head) {
        return "{\"nodes\":[" + String.join(",", nodes) + "],\"arg_nodes\":" + argNodes + ",\"heads\":[["
                + head + ",0,0]],\"attrs\":{\"mxnet_version\":[\"int\",10900]}}";
    }
}
