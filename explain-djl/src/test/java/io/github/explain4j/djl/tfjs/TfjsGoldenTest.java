package io.github.explain4j.djl.tfjs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.explain4j.djl.blocks.NamedBlocks;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The shipped converted models reproduce the original TF.js models: outputs computed by pure-JS TensorFlow.js
 * ({@code tools/tfjs-golden.js}, committed under {@code golden/}) on the same input tensors.
 */
class TfjsGoldenTest {

    /** Tolerance on softmax outputs. */
    static final double OUTPUT_TOLERANCE = 1e-4;

    /** Tolerance on intermediate activations, relative to the largest magnitude of the expected vector. */
    static final double RELATIVE_TOLERANCE = 1e-4;

    /** Golden intermediate (Keras layer) to the DJL child of the root whose output it is. */
    static final Map<String, String> PROBE_BLOCKS = Map.of(
            "global_average_pooling2d_1", "global_average_pooling2d_1",
            "average_pooling2d_1", "average_pooling2d_1",
            "dense_2", "dense_2_relu");

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void emotionMatchesTfjs(String engine) throws Exception {
        checkAgainstGolden(TfjsModels.EMOTION, engine);
    }

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void mobileNetV2MatchesTfjs(String engine) throws Exception {
        checkAgainstGolden(TfjsModels.MOBILENET_V2, engine);
    }

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void astronautFaceIsHappy(String engine) throws Exception {
        Path root = TfjsGoldenCases.repoRoot();
        TfjsGoldenCases.Case face = TfjsGoldenCases.of(TfjsModels.EMOTION).get(0);
        assertEquals("astronaut_face", face.name());
        try (Model model = TfjsModels.emotion(root.resolve("models"), engine);
                NDManager manager = model.getNDManager().newSubManager()) {
            NDArray probs = forward(model, manager, face.nchw(root), face.shape(), null);
            List<String> labels = TfjsModels.labels(model);
            assertEquals(List.of("angry", "disgust", "fear", "happy", "sad", "surprise", "neutral"), labels);
            assertEquals("happy", labels.get((int) probs.argMax().getLong()));
            assertTrue(probs.getFloat(0, 3) > 0.9f, "happy scores " + probs.getFloat(0, 3));
        }
    }

    private static void checkAgainstGolden(String modelName, String engine) throws Exception {
        Path root = TfjsGoldenCases.repoRoot();
        JsonObject golden = golden(modelName);
        List<TfjsGoldenCases.Case> cases = TfjsGoldenCases.of(modelName);
        JsonArray goldenCases = golden.getAsJsonArray("cases");
        assertEquals(cases.size(), goldenCases.size(), "number of golden cases");
        double worstOutput = 0;
        double worstIntermediate = 0;
        try (Model model = TfjsModels.load(root.resolve("models").resolve(modelName), engine)) {
            model.getNDManager().cap(); // a forward that leaks into the model's manager fails
            for (int i = 0; i < cases.size(); i++) {
                TfjsGoldenCases.Case c = cases.get(i);
                JsonObject g = goldenCases.get(i).getAsJsonObject();
                assertEquals(c.name(), g.get("name").getAsString());
                assertEquals(g.get("input_sha256").getAsString(), TfjsGoldenCases.sha256(c.nhwcBytes(root)),
                        c.name() + ": the Java input differs from the one TF.js saw; re-run tools/import-tfjs.sh");
                float[] input = c.nchw(root);
                try (NDManager manager = model.getNDManager().newSubManager()) {
                    float[] out = forward(model, manager, input, c.shape(), null).toFloatArray();
                    double err = maxAbsDiff(floats(g.getAsJsonArray("output")), out);
                    worstOutput = Math.max(worstOutput, err);
                    assertTrue(err <= OUTPUT_TOLERANCE,
                            () -> c.name() + " on " + engine + ": max abs error " + err + " > " + OUTPUT_TOLERANCE);
                    for (Map.Entry<String, JsonElement> probe : g.getAsJsonObject("intermediates").entrySet()) {
                        float[] expected = floats(probe.getValue().getAsJsonArray());
                        float[] actual = forward(model, manager, input, c.shape(), PROBE_BLOCKS.get(probe.getKey()))
                                .toFloatArray();
                        assertEquals(expected.length, actual.length, probe.getKey() + " size");
                        double scale = Math.max(1, maxAbs(expected));
                        double rel = maxAbsDiff(expected, actual) / scale;
                        worstIntermediate = Math.max(worstIntermediate, rel);
                        assertTrue(rel <= RELATIVE_TOLERANCE, () -> c.name() + "/" + probe.getKey() + " on " + engine
                                + ": max relative error " + rel);
                    }
                }
            }
        }
        System.out.printf(Locale.ROOT, "%s on %s: max abs error of softmax outputs %.3g, of intermediates "
                + "(relative to max(1, |max|)) %.3g, over %d inputs%n", modelName, engine, worstOutput,
                worstIntermediate, cases.size());
    }

    /**
     * Runs the root's children in order on the input and returns the output of the child named {@code stopAt}
     * (null: of the whole network).
     */
    static NDArray forward(Model model, NDManager manager, float[] input, long[] shape, String stopAt) {
        ParameterStore ps = new ParameterStore(manager, false);
        NDList x = new NDList(manager.create(input, new Shape(shape)));
        if (stopAt == null) {
            return model.getBlock().forward(ps, x, false).singletonOrThrow();
        }
        for (var child : model.getBlock().getChildren()) {
            Block b = child.getValue();
            x = b.forward(ps, x, false);
            if (NamedBlocks.layerName(child.getKey()).equals(stopAt)) {
                return x.singletonOrThrow();
            }
        }
        throw new AssertionError("no child '" + stopAt + "' in the root block");
    }

    static JsonObject golden(String model) throws IOException {
        try (Reader r = new InputStreamReader(
                TfjsGoldenTest.class.getResourceAsStream("/golden/" + model + ".json"), StandardCharsets.UTF_8)) {
            return JsonParser.parseReader(r).getAsJsonObject();
        }
    }

    static float[] floats(JsonArray a) {
        float[] out = new float[a.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = a.get(i).getAsFloat();
        }
        return out;
    }

    static double maxAbsDiff(float[] expected, float[] actual) {
        assertArrayEquals(new int[] {expected.length}, new int[] {actual.length}, "lengths");
        double m = 0;
        for (int i = 0; i < expected.length; i++) {
            m = Math.max(m, Math.abs((double) expected[i] - actual[i]));
        }
        return m;
    }

    static double maxAbs(float[] a) {
        double m = 0;
        for (float v : a) {
            m = Math.max(m, Math.abs(v));
        }
        return m;
    }
}
