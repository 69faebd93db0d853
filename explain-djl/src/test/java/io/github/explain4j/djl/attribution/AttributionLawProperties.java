package io.github.explain4j.djl.attribution;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.SequentialBlock;
import io.github.explain4j.api.Attribution;
import io.github.explain4j.api.Baseline;
import io.github.explain4j.api.InputSpec;
import io.github.explain4j.api.Target;
import io.github.explain4j.djl.ExplainableModel;
import io.github.explain4j.djl.cam.GradCam;
import io.github.explain4j.djl.core.AttributionMethod;
import io.github.explain4j.djl.fixtures.TestNets;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Laws that hold for any weights and inputs, checked on generated cases on both engines. */
class AttributionLawProperties {

    @Provide
    Arbitrary<String> engines() {
        return Arbitraries.of(TestNets.ENGINES);
    }

    /** On a linear model, IG from any pixel-space baseline with any rule is exactly (x − x')·w, and complete. */
    @Property(tries = 12)
    void integratedGradientsIsExactOnLinearModels(@ForAll("engines") String engine, @ForAll long seed,
            @ForAll @IntRange(min = 1, max = 9) int steps, @ForAll @IntRange(min = 0, max = 4) int cls,
            @ForAll IntegratedGradients.Rule rule) {
        Shape in = new Shape(1, 3, 4, 4);
        try (NDManager m = TestNets.manager(engine)) {
            SequentialBlock net = TestNets.init(TestNets.linear(5), m, DataType.FLOAT32, in, seed);
            float[] w = net.getChildren().get(1).getValue().getParameters().get("weight").getArray().toFloatArray();
            ExplainableModel model = ExplainableModel.of(net, m, InputSpec.rgb(4, 4));
            NDArray x = TestNets.randomInput(m, in, DataType.FLOAT32, seed + 1);
            float[] xs = x.toFloatArray();
            float grey = (float) ((seed & 0xff) / 255.0);
            Attribution a = IntegratedGradients.create().steps(steps).rule(rule).baseline(Baseline.constant(grey))
                    .explainTensor(model, x, Target.classIndex(cls)).get(0);
            float[] v = a.values();
            for (int j = 0; j < 48; j++) {
                assertEquals((xs[j] - grey) * w[cls * 48 + j], v[j], 1e-5, "feature " + j);
            }
            assertEquals(0, a.diagnostic("delta").orElseThrow(), 1e-4);
        }
    }

    /** Explaining a batch gives each input the map it gets alone (batch invariance). */
    @Property(tries = 6)
    void aBatchExplainsEachInputAsIfAlone(@ForAll("engines") String engine, @ForAll long seed,
            @ForAll("methods") String method) {
        Shape in = new Shape(3, 3, 8, 8);
        try (NDManager m = TestNets.manager(engine)) {
            SequentialBlock net = TestNets.init(TestNets.residualNet(4), m, DataType.FLOAT32, in, seed);
            ExplainableModel model = ExplainableModel.of(net, m, InputSpec.rgb(8, 8));
            NDArray x = TestNets.randomInput(m, in, DataType.FLOAT32, seed + 7);
            AttributionMethod am = switch (method) {
                case "saliency" -> Saliency.create();
                case "gradcam" -> GradCam.create();
                default -> IntegratedGradients.create().steps(5).batchSize(2);
            };
            List<Attribution> batch = am.explainTensor(model, x, Target.topPrediction());
            for (int n = 0; n < 3; n++) {
                NDArray one = x.get(new NDIndex(n + ":" + (n + 1)));
                Attribution alone = am.explainTensor(model, one, Target.topPrediction()).get(0);
                float[] a = batch.get(n).values();
                float[] b = alone.values();
                for (int j = 0; j < a.length; j++) {
                    assertEquals(b[j], a[j], 1e-5 * Math.max(1, Math.abs(b[j])), method + " input " + n + " value " + j);
                }
                assertEquals(alone.provenance().targetClass(), batch.get(n).provenance().targetClass());
            }
        }
    }

    @Provide
    Arbitrary<String> methods() {
        return Arbitraries.of("saliency", "gradcam", "ig");
    }
}
