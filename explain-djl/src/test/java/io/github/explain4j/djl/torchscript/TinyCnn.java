package io.github.explain4j.djl.torchscript;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.pooling.Pool;
import ai.djl.util.Pair;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.explain4j.api.InputSpec;
import io.github.explain4j.djl.fixtures.TestNets;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

/**
 * The TorchScript fixtures of {@code tools/make-torchscript.py} ({@code src/test/resources/torchscript/}): the
 * tiny CNN scripted with and without {@code forward_features}/{@code forward_head}, its weights, a fixed input and
 * PyTorch's own answers for it, and the same network rebuilt as a DJL block from those weights.
 */
final class TinyCnn {

    /** The module that exports {@code forward_features} and {@code forward_head}. */
    static final String EXPORTED = "tiny_cnn.pt";

    /** The same weights, scripted with {@code forward} only. */
    static final String PLAIN = "tiny_cnn_plain.pt";

    /** Inputs (N, 3, 16, 16), no normalisation. */
    static final InputSpec SPEC = InputSpec.rgb(16, 16);

    /** The child of the DJL block whose output is {@code forward_features}' output: the ReLU after conv2. */
    static final String DJL_FEATURES = "06LambdaBlock";

    private static final JsonObject JSON = read();

    private TinyCnn() {}

    /** A fixture file's path (in {@code target/test-classes}). */
    static Path file(String name) {
        try {
            return Path.of(TinyCnn.class.getResource("/torchscript/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Loads a fixture module the way users should: {@link TorchScriptModels#load}. */
    static Model load(String name) throws Exception {
        return TorchScriptModels.load(file(name));
    }

    /** The class whose logit PyTorch differentiated. */
    static int targetClass() {
        return JSON.get("class").getAsInt();
    }

    /** A flat float32 entry of the JSON file: input, logits, inputGradient, camAlpha, cam. */
    static float[] values(String key) {
        return floats(JSON.getAsJsonObject(key));
    }

    /** An entry's shape. */
    static Shape shape(String key) {
        return shapeOf(JSON.getAsJsonObject(key));
    }

    /** The fixed input, in {@code manager}. */
    static NDArray input(NDManager manager) {
        return manager.create(values("input"), shape("input"));
    }

    /** The shape of {@code forward_features}' output for the fixed input. */
    static Shape featuresShape() {
        JsonArray a = JSON.getAsJsonArray("featuresShape");
        long[] s = new long[a.size()];
        for (int i = 0; i < s.length; i++) {
            s[i] = a.get(i).getAsLong();
        }
        return new Shape(s);
    }

    /**
     * The same network as a DJL block with PyTorch's weights:
     * conv3×3(8)-BN-ReLU-maxpool2-conv3×3(12)-ReLU-global average-Linear(5).
     */
    static SequentialBlock djlBlock(NDManager manager) {
        float epsilon = JSON.get("bnEpsilon").getAsFloat();
        SequentialBlock net = new SequentialBlock()
                .add(conv(8))
                .add(BatchNorm.builder().optEpsilon(epsilon).build())
                .add(Activation::relu)
                .add(Pool.maxPool2dBlock(new Shape(2, 2), new Shape(2, 2)))
                .add(conv(12))
                .add(Activation::relu)
                .add(Pool.globalAvgPool2dBlock())
                .add(Linear.builder().setUnits(5).build());
        net.initialize(manager, DataType.FLOAT32, new Shape(1, 3, 16, 16));
        Map<String, String> names = Map.of(
                "01Conv2d_weight", "conv1.weight", "01Conv2d_bias", "conv1.bias",
                "02BatchNorm_gamma", "bn1.weight", "02BatchNorm_beta", "bn1.bias",
                "02BatchNorm_runningMean", "bn1.running_mean", "02BatchNorm_runningVar", "bn1.running_var",
                "05Conv2d_weight", "conv2.weight", "05Conv2d_bias", "conv2.bias",
                "08Linear_weight", "fc.weight", "08Linear_bias", "fc.bias");
        JsonObject weights = JSON.getAsJsonObject("weights");
        int set = 0;
        for (Pair<String, Parameter> p : net.getParameters()) {
            String torchName = names.get(p.getKey());
            if (torchName == null) {
                throw new IllegalStateException("no PyTorch weight for DJL parameter " + p.getKey());
            }
            JsonObject w = weights.getAsJsonObject(torchName);
            NDArray array = p.getValue().getArray();
            if (!array.getShape().equals(shapeOf(w))) {
                throw new IllegalStateException(p.getKey() + " is " + array.getShape() + " but " + torchName
                        + " is " + shapeOf(w));
            }
            float[] v = floats(w);
            double[] d = new double[v.length];
            for (int i = 0; i < v.length; i++) {
                d[i] = v[i];
            }
            TestNets.set(array, d);
            set++;
        }
        if (set != names.size()) {
            throw new IllegalStateException("set " + set + " of " + names.size() + " parameters");
        }
        return net;
    }

    private static Conv2d conv(int filters) {
        return Conv2d.builder().setKernelShape(new Shape(3, 3)).setFilters(filters).optPadding(new Shape(1, 1))
                .build();
    }

    private static float[] floats(JsonObject entry) {
        JsonArray a = entry.getAsJsonArray("values");
        float[] v = new float[a.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = a.get(i).getAsFloat();
        }
        return v;
    }

    private static Shape shapeOf(JsonObject entry) {
        JsonArray a = entry.getAsJsonArray("shape");
        long[] s = new long[a.size()];
        for (int i = 0; i < s.length; i++) {
            s[i] = a.get(i).getAsLong();
        }
        return new Shape(s);
    }

    private static JsonObject read() {
        try (Reader r = new InputStreamReader(TinyCnn.class.getResourceAsStream("/torchscript/tiny_cnn.json"),
                StandardCharsets.UTF_8)) {
            return JsonParser.parseReader(r).getAsJsonObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
