package io.github.explain4j.djl.tfjs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Models the importer cannot translate fail with a message naming the op or layer; weights decode exactly. */
class TfjsUnsupportedTest {

    @TempDir
    Path tmp;

    private static final String RELU_NODE = "StatefulPartitionedCall/model_1/block3_sepconv1_act/Relu";

    @Test
    void unsupportedGraphOpIsNamed() throws IOException {
        Path json = modified(TfjsModels.EMOTION, m -> graphNode(m, RELU_NODE).addProperty("op", "Elu"));
        TfjsImportException e = assertThrows(TfjsImportException.class, () -> TfjsImporter.readTopology(json));
        assertContains(e, "unsupported TF.js graph op 'Elu'", RELU_NODE, "supported ops");
    }

    @Test
    void unsupportedFusedActivationIsNamed() throws IOException {
        String node = "StatefulPartitionedCall/model_1/block1_conv1_act/Relu";
        Path json = modified(TfjsModels.EMOTION, m -> {
            JsonArray fused = graphNode(m, node).getAsJsonObject("attr").getAsJsonObject("fused_ops")
                    .getAsJsonObject("list").getAsJsonArray("s");
            fused.set(1, new com.google.gson.JsonPrimitive(base64("LeakyRelu")));
        });
        TfjsImportException e = assertThrows(TfjsImportException.class, () -> TfjsImporter.readTopology(json));
        assertContains(e, node, "LeakyRelu", "[BiasAdd, Relu]");
    }

    @Test
    void unsupportedKerasLayerIsNamed() throws IOException {
        Path json = modified(TfjsModels.MOBILENET_V2, m -> kerasLayer(m, "block_1_pad")
                .addProperty("class_name", "Cropping2D"));
        TfjsImportException e = assertThrows(TfjsImportException.class, () -> TfjsImporter.readTopology(json));
        assertContains(e, "unsupported Keras layer 'Cropping2D'", "block_1_pad", "supported layers");
    }

    @Test
    void unsupportedLayerOptionIsNamed() throws IOException {
        Path json = modified(TfjsModels.MOBILENET_V2, m -> kerasLayer(m, "block_5_expand_relu")
                .getAsJsonObject("config").addProperty("negative_slope", 0.1));
        TfjsImportException e = assertThrows(TfjsImportException.class, () -> TfjsImporter.readTopology(json));
        assertContains(e, "block_5_expand_relu", "negative_slope 0.1");
    }

    @Test
    void float16QuantisationIsRejected() throws IOException {
        Path json = modified(TfjsModels.MOBILENET_V2, m -> m.getAsJsonArray("weightsManifest").get(0)
                .getAsJsonObject().getAsJsonArray("weights").get(0).getAsJsonObject()
                .getAsJsonObject("quantization").addProperty("dtype", "float16"));
        TfjsImportException e = assertThrows(TfjsImportException.class, () -> TfjsImporter.readTopology(json));
        assertContains(e, "Conv1/kernel", "float16", "uint8 and uint16");
    }

    @Test
    void notATfjsModelIsRejected() throws IOException {
        Path json = tmp.resolve("model.json");
        Files.writeString(json, "{\"hello\": 1}");
        TfjsImportException e = assertThrows(TfjsImportException.class, () -> TfjsImporter.readTopology(json));
        assertContains(e, "no modelTopology");
    }

    /** uint8 weights decode as q·scale + min (TF.js' rule), float32 and int32 as stored, in manifest order. */
    @Test
    void weightsDecodeFromShards() throws IOException {
        ByteBuffer shard = ByteBuffer.allocate(4 + 3 * 4 + 2 * 4).order(ByteOrder.LITTLE_ENDIAN);
        shard.put(new byte[] {0, 1, (byte) 200, (byte) 255});
        shard.putFloat(1.5f).putFloat(-2f).putFloat(0.25f);
        shard.putInt(1).putInt(2);
        Files.write(tmp.resolve("shard1"), shard.array());
        JsonArray manifest = JsonParser.parseString("[{\"paths\": [\"shard1\"], \"weights\": ["
                + "{\"name\": \"q\", \"shape\": [2, 2], \"dtype\": \"float32\","
                + "  \"quantization\": {\"dtype\": \"uint8\", \"scale\": 0.1, \"min\": -1.0}},"
                + "{\"name\": \"f\", \"shape\": [3], \"dtype\": \"float32\"},"
                + "{\"name\": \"i\", \"shape\": [2], \"dtype\": \"int32\"}]}]").getAsJsonArray();
        TfjsWeights w = TfjsWeights.read(manifest, tmp);
        assertArrayEquals(new float[] {(float) (0 * 0.1 - 1.0), (float) (1 * 0.1 - 1.0), (float) (200 * 0.1 - 1.0),
                (float) (255 * 0.1 - 1.0)}, w.get("q", "test").values());
        assertArrayEquals(new float[] {1.5f, -2f, 0.25f}, w.get("f", "test").values());
        assertArrayEquals(new float[] {1, 2}, w.get("i", "test").values());
        assertFalse(TfjsWeights.read(manifest, null).get("q", "test").hasValues());

        Files.write(tmp.resolve("shard1"), new byte[10]);
        TfjsImportException e = assertThrows(TfjsImportException.class, () -> TfjsWeights.read(manifest, tmp));
        assertContains(e, "weight 'f'");
    }

    /** HWIO → OIHW and [in, out] → [out, in], checked element by element on small kernels. */
    @Test
    void kernelLayoutsConvert() {
        int kh = 2;
        int kw = 3;
        int in = 4;
        int out = 5;
        float[] hwio = new float[kh * kw * in * out];
        for (int i = 0; i < hwio.length; i++) {
            hwio[i] = i;
        }
        float[] oihw = TfjsBlocks.hwioToOihw(hwio, kh, kw, in, out);
        for (int o = 0; o < out; o++) {
            for (int c = 0; c < in; c++) {
                for (int y = 0; y < kh; y++) {
                    for (int x = 0; x < kw; x++) {
                        float expected = hwio[((y * kw + x) * in + c) * out + o];
                        assertTrue(oihw[((o * in + c) * kh + y) * kw + x] == expected);
                    }
                }
            }
        }
        float[] dense = {1, 2, 3, 4, 5, 6}; // [in=2, out=3]
        assertArrayEquals(new float[] {1, 4, 2, 5, 3, 6}, TfjsBlocks.transpose(dense, 2, 3));
        float[] depthwise = {1, 2, 3, 4, 5, 6, 7, 8}; // [kh=2, kw=2, C=2, 1]
        assertArrayEquals(new float[] {1, 3, 5, 7, 2, 4, 6, 8}, TfjsBlocks.depthwiseToOihw(depthwise, 2, 2, 2));
    }

    private Path modified(String model, Consumer<JsonObject> change) throws IOException {
        Path source = TfjsGoldenCases.repoRoot().resolve("models").resolve(model).resolve(TfjsModels.TOPOLOGY_FILE);
        JsonObject json = JsonParser.parseString(Files.readString(source)).getAsJsonObject();
        change.accept(json);
        Path out = tmp.resolve(model + ".json");
        Files.writeString(out, json.toString());
        return out;
    }

    private static JsonObject graphNode(JsonObject model, String name) {
        for (JsonElement e : model.getAsJsonObject("modelTopology").getAsJsonArray("node")) {
            if (e.getAsJsonObject().get("name").getAsString().equals(name)) {
                return e.getAsJsonObject();
            }
        }
        throw new AssertionError("no node " + name);
    }

    private static JsonObject kerasLayer(JsonObject model, String name) {
        for (JsonElement e : model.getAsJsonObject("modelTopology").getAsJsonObject("model_config")
                .getAsJsonObject("config").getAsJsonArray("layers")) {
            if (e.getAsJsonObject().get("name").getAsString().equals(name)) {
                return e.getAsJsonObject();
            }
        }
        throw new AssertionError("no layer " + name);
    }

    private static String base64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    private static void assertContains(Exception e, String... parts) {
        for (String p : parts) {
            assertTrue(e.getMessage().contains(p), "message '" + e.getMessage() + "' lacks '" + p + "'");
        }
    }
}
