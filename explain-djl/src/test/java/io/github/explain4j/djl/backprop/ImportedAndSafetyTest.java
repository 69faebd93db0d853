package io.github.explain4j.djl.backprop;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.util.Pair;
import io.github.explain4j.api.Attribution;
import io.github.explain4j.api.InputSpec;
import io.github.explain4j.api.Target;
import io.github.explain4j.djl.ExplainableModel;
import io.github.explain4j.djl.attribution.InputXGradient;
import io.github.explain4j.djl.combined.GuidedGradCam;
import io.github.explain4j.djl.core.AttributionMethod;
import io.github.explain4j.djl.fixtures.TestNets;
import io.github.explain4j.djl.tfjs.TfjsModels;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The methods on networks imported from TF.js — the emotion classifier (ReLUs named "relu", explicit pads,
 * BatchNorm, residual sums) is explained, and LRP-0 equals Input × Gradient on it; MobileNetV2 (ReLU6) is
 * refused — and explaining leaves the model's parameters and gradient flags as they were.
 */
class ImportedAndSafetyTest {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    @ParameterizedTest
    @MethodSource("io.github.explain4j.djl.fixtures.TestNets#engines")
    void theImportedEmotionModelIsExplainedAndLrpZeroEqualsInputTimesGradient(String engine) throws Exception {
        try (Model m = TfjsModels.emotion(ROOT.resolve("models"), engine);
                NDManager scope = m.getNDManager().newSubManager()) {
            ExplainableModel model = ExplainableModel.of(m, InputSpec.grey(64, 64))
                    .withOutputLayer("global_average_pooling2d_1"); // the logits, before the softmax
            NDArray x = TestNets.randomInput(scope, new Shape(1, 1, 64, 64), DataType.FLOAT32, 93);
            for (AttributionMethod method : List.of(GuidedBackprop.create(), Deconvnet.create(),
                    GuidedGradCam.at("add_2"), Lrp.alphaBeta(1, 0))) {
                float[] map = method.explainTensor(model, x, Target.classIndex(3)).get(0).values();
                double norm = 0;
                for (float v : map) {
                    assertTrue(Float.isFinite(v));
                    norm += v * v;
                }
                assertTrue(norm > 0, method + " gives a map that is not zero");
            }
            float[] lrp = Lrp.epsilon(0).explainTensor(model, x, Target.classIndex(3)).get(0).values();
            float[] ixg = InputXGradient.create().explainTensor(model, x, Target.classIndex(3)).get(0).values();
            double scale = 0;
            double diff = 0;
            for (int i = 0; i < lrp.length; i++) {
                scale = Math.max(scale, Math.abs(ixg[i]));
                diff = Math.max(diff, Math.abs(lrp[i] - ixg[i]));
            }
            System.out.printf("%s emotion model: LRP-0 vs Input×Gradient, max difference %.2e of the largest value"
                    + " %.3e%n", engine, diff / scale, scale);
            assertTrue(diff < 1e-3 * scale, "LRP-0 equals Input × Gradient on a ReLU network: " + diff / scale);
        }
    }

    @ParameterizedTest
    @MethodSource("io.github.explain4j.djl.fixtures.TestNets#engines")
    void mobileNetV2sRelu6IsRefused(String engine) throws Exception {
        try (Model m = TfjsModels.mobileNetV2(ROOT.resolve("models"), engine);
                NDManager scope = m.getNDManager().newSubManager()) {
            ExplainableModel model = ExplainableModel.of(m, InputSpec.rgb(224, 224));
            NDArray x = scope.zeros(new Shape(1, 3, 224, 224));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> GuidedBackprop.create().explainTensor(model, x, Target.classIndex(0)));
            System.out.println(e.getMessage());
            assertTrue(e.getMessage().contains("(36 layers): layer '04Conv1_relu' is the activation 'relu6', for which"
                    + " guided backpropagation has no rule;"), e.getMessage());
            assertTrue(e.getMessage().contains("; and 30 more. To explain it: explain the layer before such an"
                    + " activation with model.withOutputLayer(...), or use ReLUs."), e.getMessage());
        }
    }

    @ParameterizedTest
    @MethodSource("io.github.explain4j.djl.fixtures.TestNets#engines")
    void parametersAndGradientFlagsAreUntouched(String engine) {
        Shape input = new Shape(2, 3, 8, 8);
        try (NDManager m = TestNets.manager(engine)) {
            SequentialBlock net = TestNets.init(TestNets.reluBlockResidualNet(5), m, DataType.FLOAT32, input, 94);
            ExplainableModel model = ExplainableModel.of(net, m, InputSpec.rgb(8, 8));
            NDArray x = TestNets.randomInput(m, input, DataType.FLOAT32, 95);
            List<float[]> before = new ArrayList<>();
            List<Boolean> flags = new ArrayList<>();
            for (Pair<String, Parameter> p : net.getParameters()) {
                before.add(p.getValue().getArray().toFloatArray());
                flags.add(p.getValue().getArray().hasGradient());
            }
            int arrays = m.getManagedArrays().size() + model.seam().manager().getManagedArrays().size();
            for (AttributionMethod method : List.of(GuidedBackprop.create(), Deconvnet.create(),
                    GuidedGradCam.create(), Lrp.epsilon(1e-6), Lrp.alphaBeta(1, 0), Lrp.alphaBeta(2, 1))) {
                List<Attribution> a = method.explainTensor(model, x, Target.topPrediction());
                assertEquals(2, a.size());
            }
            assertEquals(arrays, m.getManagedArrays().size() + model.seam().manager().getManagedArrays().size(),
                    "no array left behind");
            int i = 0;
            for (Pair<String, Parameter> p : net.getParameters()) {
                assertArrayEquals(before.get(i), p.getValue().getArray().toFloatArray(), p.getKey());
                assertEquals(flags.get(i), p.getValue().getArray().hasGradient(), p.getKey() + " gradient flag");
                i++;
            }
        }
    }
}
