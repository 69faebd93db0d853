package io.github.explain4j.djl.inside;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.pooling.Pool;
import io.github.explain4j.api.InputSpec;
import io.github.explain4j.djl.ExplainableModel;
import io.github.explain4j.djl.blocks.NamedSequentialBlock;
import io.github.explain4j.djl.fixtures.TestNets;
import io.github.explain4j.djl.seam.TraceRequest;
import io.github.explain4j.djl.zoo.ShapesNet;
import io.github.explain4j.inside.ReceptiveField;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Receptive fields composed over the block tree, on both engines: ShapesNet's worked out by hand, equal to the
 * support of a unit's input gradient on a network of convolutions (strided, dilated, padded) where every weight
 * counts, and containing that support for units at every stage of the trained ShapesNet (ReLUs and max-pooling
 * only shrink it).
 */
class ReceptiveFieldsTest {

    @ParameterizedTest
    @MethodSource("io.github.explain4j.djl.fixtures.TestNets#engines")
    void shapesNetsFieldsAreTheHandComputedOnes(String engine) throws Exception {
        try (Model m = ShapesNet.load(engine)) {
            ExplainableModel model = ShapesNet.explainable(m);
            // stem: conv 3×3 pad 1 → jump 1, start −1, size 3
            assertField(ReceptiveFields.of(model, "stem"), 1, -1, 3);
            // pool1: max-pool 2 stride 2 (probed) → jump 2, start −1, size 4
            assertField(ReceptiveFields.of(model, "pool1"), 2, -1, 4);
            // stage2: conv 3×3 (+2 jumps each side) then a residual of two 3×3 convs, hull with the identity:
            // start −1 − 2 − 2 − 2 = −7, size 4 + 3·4 = 16
            assertField(ReceptiveFields.of(model, "stage2"), 2, -7, 16);
            ReceptiveField gap = ReceptiveFields.of(model, "gap");
            assertTrue(gap.global());
            assertArrayEquals(new int[] {0, 0, 63, 63}, gap.box(0, 0));
            // a centre unit of stage2 at (10, 12): rows −7 + 20 … +15, columns −7 + 24 … +15
            assertArrayEquals(new int[] {13, 17, 28, 32}, ReceptiveFields.of(model, "stage2").box(10, 12));
        }
    }

    @ParameterizedTest
    @MethodSource("io.github.explain4j.djl.fixtures.TestNets#engines")
    void onAConvolutionChainTheFieldIsExactlyTheGradientsSupport(String engine) {
        try (NDManager m = TestNets.manager(engine)) {
            NamedSequentialBlock net = new NamedSequentialBlock()
                    .add("a", Conv2d.builder().setKernelShape(new Shape(3, 3)).setFilters(3).optPadding(new Shape(1, 1))
                            .build())
                    .add("b", Conv2d.builder().setKernelShape(new Shape(3, 3)).setFilters(3).optStride(new Shape(2, 2))
                            .build())
                    .add("c", Conv2d.builder().setKernelShape(new Shape(3, 3)).setFilters(2).optDilation(new Shape(2, 2))
                            .optPadding(new Shape(2, 2)).build());
            net.initialize(m, DataType.FLOAT64, new Shape(1, 3, 24, 24));
            TestNets.randomize(net, 31);
            ExplainableModel model = ExplainableModel.of(net, m, InputSpec.rgb(24, 24));
            ReceptiveField f = ReceptiveFields.of(model, "c");
            // a: (1, −1, 3); b: (2, −1, 5); c: dilated 5 wide, pad 2 → (2, −1 − 4, 4·2 + 5) = (2, −5, 13)
            assertField(f, 2, -5, 13);
            for (int[] unit : new int[][] {{0, 0}, {5, 6}, {10, 10}, {3, 9}}) {
                assertArrayEquals(f.box(unit[0], unit[1]), support(model, m, "c", unit[0], unit[1], DataType.FLOAT64),
                        engine + ": unit " + unit[0] + ", " + unit[1]);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("io.github.explain4j.djl.fixtures.TestNets#engines")
    void everyStageOfShapesNetContainsItsUnitsGradientSupport(String engine) throws Exception {
        try (Model m = ShapesNet.load(engine)) {
            ExplainableModel model = ShapesNet.explainable(m);
            for (String layer : List.of("stem", "pool1", "stage2", "pool2", "stage3")) {
                ReceptiveField f = ReceptiveFields.of(model, layer);
                int side = 64 / f.jumpY();
                for (int[] unit : new int[][] {{0, 0}, {side / 2, side / 3}, {side - 1, side - 1}}) {
                    int[] box = f.box(unit[0], unit[1]);
                    int[] s = model.call(scope -> support(model, scope, layer, unit[0], unit[1], DataType.FLOAT32));
                    assertTrue(s[0] >= 0, engine + " " + layer + ": the unit's gradient is not zero");
                    assertTrue(s[0] >= box[0] && s[1] >= box[1] && s[2] <= box[2] && s[3] <= box[3], engine + " "
                            + layer + " unit " + unit[0] + "," + unit[1] + ": support " + java.util.Arrays.toString(s)
                            + " outside the field " + java.util.Arrays.toString(box));
                }
            }
        }
    }

    /** The imported MobileNetV2 (TF "same" padding as explicit bottom/right pads, depthwise convolutions). */
    @ParameterizedTest
    @MethodSource("io.github.explain4j.djl.fixtures.TestNets#engines")
    void mobileNetV2sFieldsContainTheirUnitsGradientSupport(String engine) throws Exception {
        java.nio.file.Path root = java.nio.file.Path.of("..").toAbsolutePath().normalize();
        try (Model m = io.github.explain4j.djl.tfjs.TfjsModels.mobileNetV2(root.resolve("models"), engine)) {
            ExplainableModel model = ExplainableModel.of(m, InputSpec.rgb(224, 224));
            for (String layer : List.of("Conv1_relu", "block_1_depthwise_relu", "block_3_expand_relu")) {
                ReceptiveField f = ReceptiveFields.of(model, layer);
                int side = 224 / f.jumpY();
                for (int[] unit : new int[][] {{0, 0}, {side / 2, side / 2}, {side - 1, side - 1}}) {
                    int[] box = f.box(unit[0], unit[1]);
                    int[] s = model.call(scope -> support(model, scope, layer, unit[0], unit[1], DataType.FLOAT32));
                    assertTrue(s[0] >= 0 && s[0] >= box[0] && s[1] >= box[1] && s[2] <= box[2] && s[3] <= box[3],
                            engine + " " + layer + " unit " + unit[0] + "," + unit[1] + ": support "
                            + java.util.Arrays.toString(s) + ", field " + java.util.Arrays.toString(box));
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("io.github.explain4j.djl.fixtures.TestNets#engines")
    void poolingIsProbedAndUnknownLayersAreRefused(String engine) {
        try (NDManager m = TestNets.manager(engine)) {
            NamedSequentialBlock net = new NamedSequentialBlock()
                    .add("pool", Pool.maxPool2dBlock(new Shape(3, 3), new Shape(2, 2), new Shape(1, 1)));
            net.initialize(m, DataType.FLOAT32, new Shape(1, 1, 16, 16));
            ExplainableModel model = ExplainableModel.of(net, m, InputSpec.grey(16, 16));
            assertField(ReceptiveFields.of(model, "pool"), 2, -1, 3);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> ReceptiveFields.of(model, "nope"));
            assertTrue(e.getMessage().contains("nope"), e.getMessage());
        }
    }

    private static void assertField(ReceptiveField f, int jump, int start, int size) {
        assertEquals(List.of(jump, jump, start, start, size, size), List.of(f.jumpY(), f.jumpX(), f.startY(),
                f.startX(), f.sizeY(), f.sizeX()), f.layer());
    }

    /** The bounding box {top, left, bottom, right} of the input gradient of unit (y, x) summed over channels. */
    private static int[] support(ExplainableModel model, NDManager m, String layer, int y, int x, DataType type) {
        int h = model.spec().height();
        int w = model.spec().width();
        int c = model.spec().channels();
        NDArray input = TestNets.randomInput(m, new Shape(1, c, h, w), type, 77).abs().add(0.1);
        float[] g = model.seam().trace(m, TraceRequest.of(input).capture(layer).stopAfterCaptures().inputGradient()
                .objective(t -> t.activation(layer).get(":, :, " + y + ", " + x).sum())).inputGradient()
                .toType(DataType.FLOAT32, false).toFloatArray();
        int[] box = {Integer.MAX_VALUE, Integer.MAX_VALUE, -1, -1};
        for (int ch = 0; ch < c; ch++) {
            for (int i = 0; i < h; i++) {
                for (int j = 0; j < w; j++) {
                    if (g[(ch * h + i) * w + j] != 0) {
                        box[0] = Math.min(box[0], i);
                        box[1] = Math.min(box[1], j);
                        box[2] = Math.max(box[2], i);
                        box[3] = Math.max(box[3], j);
                    }
                }
            }
        }
        return box[2] < 0 ? new int[] {-1, -1, -1, -1} : box;
    }
}
