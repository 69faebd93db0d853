package io.github.explain4j.djl.tfjs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.ParallelBlock;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.norm.Dropout;
import ai.djl.training.ParameterStore;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.explain4j.djl.blocks.NamedBlocks;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The imported trees are made of the block kinds the explanation engine walks, named after the TF.js layers. */
class TfjsLayerNamesTest {

    private static final Set<Class<?>> LEAVES =
            Set.of(Conv2d.class, BatchNorm.class, Linear.class, Dropout.class, LambdaBlock.class);

    private static Path models() {
        return TfjsGoldenCases.repoRoot().resolve("models");
    }

    @Test
    void everyKerasLayerOfMobileNetV2IsAChildUnderItsName() throws Exception {
        Path json = models().resolve(TfjsModels.MOBILENET_V2).resolve(TfjsModels.TOPOLOGY_FILE);
        TfjsNetwork net = TfjsImporter.readTopology(json);
        Map<String, Block> layers = NamedBlocks.layers(net.block());
        List<String> missing = new ArrayList<>();
        JsonObject model = JsonParser.parseString(Files.readString(json)).getAsJsonObject();
        int count = 0;
        for (JsonElement e : model.getAsJsonObject("modelTopology").getAsJsonObject("model_config")
                .getAsJsonObject("config").getAsJsonArray("layers")) {
            JsonObject layer = e.getAsJsonObject();
            if (layer.get("class_name").getAsString().equals("InputLayer")) {
                continue;
            }
            count++;
            if (!layers.containsKey(layer.get("name").getAsString())) {
                missing.add(layer.get("name").getAsString());
            }
        }
        assertEquals(161, count);
        assertEquals(List.of(), missing, "Keras layers without a DJL block of the same name");

        assertInstanceOf(Conv2d.class, layers.get("block_3_expand"));
        assertInstanceOf(BatchNorm.class, layers.get("block_3_expand_BN"));
        assertInstanceOf(Conv2d.class, layers.get("block_3_depthwise"));
        assertInstanceOf(LambdaBlock.class, layers.get("block_3_pad"));
        assertInstanceOf(LambdaBlock.class, layers.get("out_relu"));
        assertInstanceOf(Linear.class, layers.get("dense_3"));
        assertInstanceOf(ParallelBlock.class, layers.get("block_2_add"));
        assertEquals(List.of("19block_2_add", "02block_2_add_branch_2", "01block_2_expand"),
                NamedBlocks.pathTo(net.block(), "block_2_expand"));
        assertEquals(List.of("01shortcut", "02block_2_add_branch_2"),
                List.copyOf(layers.get("block_2_add").getChildren().keys()));
        var rootKeys = net.block().getChildren().keys();
        assertEquals("dense_3_softmax", NamedBlocks.layerName(rootKeys.get(rootKeys.size() - 1)));
        assertEquals(new Shape(1, 3, 224, 224), net.inputShape());
        assertEquals(new Shape(1, 5), net.outputShape());
        assertOnlyWalkableBlocks(net.block(), "mobilenet_v2");
    }

    @Test
    void emotionLayersCarryTheirKerasNames() {
        TfjsNetwork net = TfjsImporter.readTopology(
                models().resolve(TfjsModels.EMOTION).resolve(TfjsModels.TOPOLOGY_FILE));
        Map<String, Block> layers = NamedBlocks.layers(net.block());
        assertEquals(List.of("conv2d_1", "block1_conv1_act", "conv2d_2", "block1_conv2_act", "add_1", "add_2",
                "conv2d_5", "global_average_pooling2d_1", "predictions"),
                net.block().getChildren().keys().stream().map(NamedBlocks::layerName).toList());
        for (String name : List.of("separable_conv2d_1_depthwise", "separable_conv2d_1", "block2_sepconv2_act",
                "max_pooling2d_1_pad", "max_pooling2d_1", "conv2d_3", "block3_sepconv1_act", "conv2d_4")) {
            assertTrue(layers.containsKey(name), name + " in " + layers.keySet());
        }
        Conv2d depthwise = (Conv2d) layers.get("separable_conv2d_1_depthwise");
        assertEquals(64, depthwise.getGroups());
        assertEquals(new Shape(1, 1, 64, 64), net.inputShape());
        assertEquals(new Shape(1, 7), net.outputShape());
        assertOnlyWalkableBlocks(net.block(), "emotion");
    }

    /** TF SAME with stride 2 on an even size pads one row at the bottom and one column at the right only. */
    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void sameStrideTwoPadsBottomRightOnly(String engine) {
        TfjsBlocks.AxisPad even = TfjsBlocks.axisPad("SAME", 224, 3, 2, "t");
        assertEquals(new TfjsBlocks.AxisPad(0, 1, 112), even);
        assertEquals(new TfjsBlocks.AxisPad(1, 1, 15), TfjsBlocks.axisPad("SAME", 29, 3, 2, "t"));
        assertEquals(new TfjsBlocks.AxisPad(0, 0, 15), TfjsBlocks.axisPad("SAME", 29, 1, 2, "t"));
        assertEquals(new TfjsBlocks.AxisPad(0, 0, 111), TfjsBlocks.axisPad("VALID", 224, 3, 2, "t"));
        try (NDManager manager = NDManager.newBaseManager(ai.djl.Device.cpu(), engine)) {
            NDArray x = manager.ones(new Shape(1, 1, 2, 2));
            NDArray padded = TfjsBlocks.pad2d(x, 0, 1, 0, 1, Float.NEGATIVE_INFINITY);
            assertEquals(new Shape(1, 1, 3, 3), padded.getShape());
            float inf = Float.NEGATIVE_INFINITY;
            assertEquals(List.of(1f, 1f, inf, 1f, 1f, inf, inf, inf, inf), boxed(padded.toFloatArray()));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void loadedModelForwardLeaksNothingIntoTheModel(String engine) throws Exception {
        try (Model model = TfjsModels.emotion(models(), engine)) {
            model.getNDManager().cap();
            NDArray kept = null;
            for (int i = 0; i < 3; i++) {
                try (NDManager manager = model.getNDManager().newSubManager()) {
                    NDArray out = model.getBlock().forward(new ParameterStore(manager, false),
                            new NDList(manager.zeros(new Shape(2, 1, 64, 64))), false).singletonOrThrow();
                    assertEquals(new Shape(2, 7), out.getShape());
                    kept = out;
                }
                assertTrue(kept.isReleased(), "outputs are released with their manager");
            }
        }
    }

    private static List<Float> boxed(float[] a) {
        List<Float> out = new ArrayList<>();
        for (float v : a) {
            out.add(v);
        }
        return out;
    }

    private static void assertOnlyWalkableBlocks(Block block, String path) {
        if (block instanceof SequentialBlock || block instanceof ParallelBlock) {
            assertTrue(!block.getChildren().isEmpty(), path + " is an empty container");
            for (var child : block.getChildren()) {
                assertOnlyWalkableBlocks(child.getValue(), path + "/" + child.getKey());
            }
        } else {
            assertTrue(LEAVES.contains(block.getClass()), path + " is a " + block.getClass().getName());
            assertTrue(block.getChildren().isEmpty(), path + " is a leaf with children");
        }
    }
}
