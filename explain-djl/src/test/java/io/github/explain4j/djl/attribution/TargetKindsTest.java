package io.github.explain4j.djl.attribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.SequentialBlock;
import io.github.explain4j.api.InputSpec;
import io.github.explain4j.api.Target;
import io.github.explain4j.djl.CustomTarget;
import io.github.explain4j.djl.ExplainableModel;
import io.github.explain4j.djl.fixtures.TestNets;
import io.github.explain4j.djl.perturbation.Occlusion;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Targets beyond one class: a set of labels (multi-label models), a region of a spatial output, and occlusion of a
 * layer's channel — each against the law or the hand computation that defines it, on both engines.
 */
class TargetKindsTest {

    private static final Shape INPUT = new Shape(2, 3, 8, 8);

    @ParameterizedTest
    @MethodSource("io.github.explain4j.djl.fixtures.TestNets#engines")
    void aSetOfLabelsIsExplainedAsTheSumOfItsLabels(String engine) {
        try (NDManager m = TestNets.manager(engine)) {
            SequentialBlock net = TestNets.init(TestNets.residualNet(5), m, DataType.FLOAT32, INPUT, 71);
            ExplainableModel model = ExplainableModel.of(net, m, InputSpec.rgb(8, 8));
            NDArray x = TestNets.randomInput(m, INPUT, DataType.FLOAT32, 72);
            float[] both = Saliency.create().explainTensor(model, x, Target.classes(1, 3)).get(1).values();
            float[] a = Saliency.create().explainTensor(model, x, Target.classIndex(1)).get(1).values();
            float[] b = Saliency.create().explainTensor(model, x, Target.classIndex(3)).get(1).values();
            for (int j = 0; j < both.length; j++) {
                assertEquals(a[j] + b[j], both[j], 1e-5 * Math.max(1, Math.abs(both[j])));
            }
            assertTrue(assertThrows(IllegalArgumentException.class,
                    () -> Saliency.create().explainTensor(model, x, Target.classes(1, 7))).getMessage()
                    .contains("class index 7 is out of range"));
        }
    }

    @ParameterizedTest
    @MethodSource("io.github.explain4j.djl.fixtures.TestNets#engines")
    void aRegionOfASpatialOutputIsTheSumOfThatRegion(String engine) {
        try (NDManager m = TestNets.manager(engine)) {
            SequentialBlock net = TestNets.init(TestNets.residualNet(5), m, DataType.FLOAT32, INPUT, 73);
            // a fully convolutional model: the network up to its last convolution, output (N, 12, 4, 4)
            ExplainableModel model = ExplainableModel.of(net, m, InputSpec.rgb(8, 8)).withOutputLayer("07Conv2d");
            NDArray x = TestNets.randomInput(m, INPUT, DataType.FLOAT32, 74);
            float[] region = Saliency.create().explainTensor(model, x, Target.region(5, 1, 2, 2, 2)).get(0).values();
            // the same scalar written by hand as a custom target
            float[] custom = Saliency.create().explainTensor(model, x, CustomTarget.of(
                    out -> out.get(":, 5, 1:3, 2:4").reshape(out.getShape().get(0), -1).sum(new int[] {1}),
                    "hand-written region")).get(0).values();
            for (int j = 0; j < region.length; j++) {
                assertEquals(custom[j], region[j], 1e-5 * Math.max(1, Math.abs(custom[j])));
            }
            assertTrue(assertThrows(IllegalArgumentException.class,
                    () -> Saliency.create().explainTensor(model, x, Target.region(5, 3, 3, 2, 2))).getMessage()
                    .contains("does not fit the output"));
        }
    }

    @ParameterizedTest
    @MethodSource("io.github.explain4j.djl.fixtures.TestNets#engines")
    void occlusionOfAFeatureMapChannelMeasuresThatChannelsActivation(String engine) {
        try (NDManager m = TestNets.manager(engine)) {
            SequentialBlock net = TestNets.init(TestNets.residualNet(5), m, DataType.FLOAT32, INPUT, 75);
            ExplainableModel model = ExplainableModel.of(net, m, InputSpec.rgb(8, 8));
            NDArray x = TestNets.randomInput(m, INPUT, DataType.FLOAT32, 76);
            float[] map = Occlusion.create().window(4).stride(4).fill(0f).featureMap("07Conv2d", 3)
                    .explainTensor(model, x, Target.topPrediction()).get(0).values();
            float[] xs = x.get("0:1").toFloatArray();
            double base = channelSum(model, m, xs, 3);
            for (int y0 = 0; y0 < 8; y0 += 4) {
                for (int x0 = 0; x0 < 8; x0 += 4) {
                    float[] occluded = xs.clone();
                    for (int c = 0; c < 3; c++) {
                        for (int y = y0; y < y0 + 4; y++) {
                            for (int xx = x0; xx < x0 + 4; xx++) {
                                occluded[c * 64 + y * 8 + xx] = 0f;
                            }
                        }
                    }
                    double drop = base - channelSum(model, m, occluded, 3);
                    assertEquals(drop, map[(y0 + 1) * 8 + x0 + 2], 1e-4 * Math.max(1, Math.abs(drop)),
                            "patch at " + y0 + "," + x0);
                }
            }
        }
    }

    private static double channelSum(ExplainableModel model, NDManager m, float[] chw, int channel) {
        NDArray act = model.seam().activation(m, m.create(chw, new Shape(1, 3, 8, 8)), "07Conv2d");
        float[] v = act.toFloatArray();
        double s = 0;
        for (int j = 0; j < 16; j++) {
            s += v[channel * 16 + j];
        }
        return s;
    }
}
