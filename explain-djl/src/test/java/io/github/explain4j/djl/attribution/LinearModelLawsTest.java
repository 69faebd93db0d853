package io.github.explain4j.djl.attribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.SequentialBlock;
import io.github.explain4j.api.Attribution;
import io.github.explain4j.api.Baseline;
import io.github.explain4j.api.InputSpec;
import io.github.explain4j.api.Target;
import io.github.explain4j.djl.ExplainableModel;
import io.github.explain4j.djl.cam.GradCam;
import io.github.explain4j.djl.fixtures.TestNets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Exact answers on a linear model {@code y = W·x + b}: every gradient method's law, on both engines. */
class LinearModelLawsTest {

    private static final int CLASSES = 5;
    private static final Shape INPUT = new Shape(2, 3, 4, 4);
    private static final int PER = 48;
    /** Normalisation (pixel − 0.5) / 0.25, so a black pixel is −2 in model space. */
    private static final InputSpec SPEC = InputSpec.rgb(4, 4).normalized(
            new float[] {0.5f, 0.5f, 0.5f}, new float[] {0.25f, 0.25f, 0.25f});

    private record Fixture(NDManager manager, ExplainableModel model, float[] weights, NDArray input, float[] x)
            implements AutoCloseable {
        float w(int cls, int j) {
            return weights[cls * PER + j];
        }

        @Override
        public void close() {
            manager.close();
        }
    }

    private static Fixture fixture(String engine, long seed) {
        NDManager m = TestNets.manager(engine);
        SequentialBlock net = TestNets.init(TestNets.linear(CLASSES), m, DataType.FLOAT32, INPUT, seed);
        float[] w = net.getChildren().get(1).getValue().getParameters().get("weight").getArray().toFloatArray();
        NDArray x = TestNets.randomInput(m, INPUT, DataType.FLOAT32, seed + 1);
        return new Fixture(m, ExplainableModel.of(net, m, SPEC), w, x, x.toFloatArray());
    }

    @ParameterizedTest
    @MethodSource("io.github.explain4j.djl.fixtures.TestNets#engines")
    void saliencyIsTheWeightRowOfTheClass(String engine) {
        try (Fixture f = fixture(engine, 1)) {
            var maps = Saliency.create().explainTensor(f.model(), f.input(), Target.classIndex(2));
            for (Attribution a : maps) {
                float[] v = a.values();
                for (int j = 0; j < PER; j++) {
                    assertEquals(f.w(2, j), v[j], 1e-6, "weight " + j);
                }
                assertEquals(2, a.provenance().targetClass());
            }
        }
    }

    @ParameterizedTest
    @MethodSource("io.github.explain4j.djl.fixtures.TestNets#engines")
    void inputTimesGradientIsEachFeaturesContribution(String engine) {
        try (Fixture f = fixture(engine, 2)) {
            var maps = InputXGradient.create().explainTensor(f.model(), f.input(), Target.classIndex(4));
            for (int n = 0; n < 2; n++) {
                float[] v = maps.get(n).values();
                for (int j = 0; j < PER; j++) {
                    assertEquals(f.x()[n * PER + j] * f.w(4, j), v[j], 1e-5, "feature " + j);
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("io.github.explain4j.djl.fixtures.TestNets#engines")
    void integratedGradientsIsInputMinusBaselineTimesWeights(String engine) {
        try (Fixture f = fixture(engine, 3)) {
            // black in pixel space is (0 - 0.5) / 0.25 = -2 in model space
            var black = IntegratedGradients.create().steps(7).explainTensor(f.model(), f.input(), Target.classIndex(1));
            float[] grey = new float[PER];
            java.util.Arrays.fill(grey, 0.75f); // (0.75 - 0.5) / 0.25 = 1
            var custom = IntegratedGradients.create().steps(3).rule(IntegratedGradients.Rule.TRAPEZOID)
                    .baseline(Baseline.custom(grey, 3, 4, 4))
                    .explainTensor(f.model(), f.input(), Target.classIndex(1));
            for (int n = 0; n < 2; n++) {
                float[] b = black.get(n).values();
                float[] c = custom.get(n).values();
                for (int j = 0; j < PER; j++) {
                    float x = f.x()[n * PER + j];
                    assertEquals((x + 2) * f.w(1, j), b[j], 1e-5, "black baseline, feature " + j);
                    assertEquals((x - 1) * f.w(1, j), c[j], 1e-5, "custom baseline, feature " + j);
                }
                assertEquals(0, black.get(n).diagnostic("delta").orElseThrow(), 1e-4);
                assertTrue(custom.get(n).diagnostic("relativeDelta").orElseThrow() < 1e-5);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("io.github.explain4j.djl.fixtures.TestNets#engines")
    void smoothGradOfALinearModelIsTheWeightsWhateverTheNoise(String engine) {
        try (Fixture f = fixture(engine, 4)) {
            var maps = SmoothGrad.of(Saliency.create()).samples(6).noise(0.5).batchSize(4).seed(9)
                    .explainTensor(f.model(), f.input(), Target.classIndex(0));
            float[] v = maps.get(1).values();
            for (int j = 0; j < PER; j++) {
                assertEquals(f.w(0, j), v[j], 1e-6, "weight " + j);
            }
            assertTrue(maps.get(1).diagnostic("sigma").orElseThrow() > 0);
        }
    }

    @ParameterizedTest
    @MethodSource("io.github.explain4j.djl.fixtures.TestNets#engines")
    void topPredictionExplainsTheArgmaxOfEachInput(String engine) {
        try (Fixture f = fixture(engine, 5)) {
            float[] out = f.model().seam().forward(f.manager(), f.input()).toFloatArray();
            var maps = Saliency.create().explainTensor(f.model(), f.input(), Target.topPrediction());
            for (int n = 0; n < 2; n++) {
                int best = 0;
                for (int k = 1; k < CLASSES; k++) {
                    if (out[n * CLASSES + k] > out[n * CLASSES + best]) {
                        best = k;
                    }
                }
                assertEquals(best, maps.get(n).provenance().targetClass());
                assertEquals(f.w(best, 17), maps.get(n).values()[17], 1e-6);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("io.github.explain4j.djl.fixtures.TestNets#engines")
    void gradCamRefusesAModelWithoutSpatialLayers(String engine) {
        try (Fixture f = fixture(engine, 6)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> GradCam.create().explainTensor(f.model(), f.input(), Target.classIndex(0)));
            assertTrue(e.getMessage().contains("no layer with a spatial output"), e.getMessage());
        }
    }

}
