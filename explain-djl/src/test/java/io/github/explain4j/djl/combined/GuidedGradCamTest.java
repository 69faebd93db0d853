package io.github.explain4j.djl.combined;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.SequentialBlock;
import io.github.explain4j.api.Attribution;
import io.github.explain4j.api.InputSpec;
import io.github.explain4j.api.Target;
import io.github.explain4j.djl.ExplainableModel;
import io.github.explain4j.djl.backprop.GuidedBackprop;
import io.github.explain4j.djl.cam.GradCam;
import io.github.explain4j.djl.fixtures.TestNets;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Guided Grad-CAM is the guided-backpropagation map times the upsampled Grad-CAM map, channel by channel. */
class GuidedGradCamTest {

    private static final Shape INPUT = new Shape(2, 3, 8, 8);

    @ParameterizedTest
    @MethodSource("io.github.explain4j.djl.fixtures.TestNets#engines")
    void isGuidedBackpropTimesUpsampledGradCam(String engine) {
        try (NDManager m = TestNets.manager(engine)) {
            SequentialBlock net = TestNets.init(TestNets.reluBlockResidualNet(5), m, DataType.FLOAT32, INPUT, 91);
            ExplainableModel model = ExplainableModel.of(net, m, InputSpec.rgb(8, 8));
            NDArray x = TestNets.randomInput(m, INPUT, DataType.FLOAT32, 92);
            for (String layer : List.of("05NamedParallelBlock", "10LambdaBlock")) {
                for (Target target : List.of(Target.classIndex(3), Target.topPrediction())) {
                    List<Attribution> combined = GuidedGradCam.at(layer).explainTensor(model, x, target);
                    List<Attribution> guided = GuidedBackprop.create().explainTensor(model, x, target);
                    List<Attribution> cam = GradCam.at(layer).explainTensor(model, x, target);
                    for (int n = 0; n < 2; n++) {
                        float[] c = combined.get(n).values();
                        float[] g = guided.get(n).values();
                        float[] k = cam.get(n).values();
                        assertEquals(3, combined.get(n).channels());
                        assertEquals(guided.get(n).provenance().targetClass(),
                                combined.get(n).provenance().targetClass());
                        int nonZero = 0;
                        for (int i = 0; i < c.length; i++) {
                            float expected = g[i] * k[i % 64];
                            assertEquals(expected, c[i], 1e-6f * Math.max(1e-3f, Math.abs(expected)));
                            nonZero += c[i] != 0 ? 1 : 0;
                        }
                        assertTrue(nonZero > 0, "not all zero");
                    }
                }
            }
        }
    }
}
