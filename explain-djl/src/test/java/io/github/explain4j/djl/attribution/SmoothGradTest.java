package io.github.explain4j.djl.attribution;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.github.explain4j.api.InputSpec;
import io.github.explain4j.api.Target;
import io.github.explain4j.djl.ExplainableModel;
import io.github.explain4j.djl.cam.GradCam;
import io.github.explain4j.djl.core.AttributionMethod;
import io.github.explain4j.djl.fixtures.TestNets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** SmoothGrad's laws: zero noise gives the wrapped method, seeds reproduce, the variants relate as they must. */
class SmoothGradTest {

    private static final Shape INPUT = new Shape(2, 3, 8, 8);

    @ParameterizedTest
    @MethodSource("io.github.explain4j.djl.fixtures.TestNets#engines")
    void zeroNoiseGivesTheInnerMethodExactly(String engine) {
        try (NDManager m = TestNets.manager(engine)) {
            var net = TestNets.init(TestNets.residualNet(5), m, DataType.FLOAT32, INPUT, 41);
            ExplainableModel model = ExplainableModel.of(net, m, InputSpec.rgb(8, 8));
            NDArray x = TestNets.randomInput(m, INPUT, DataType.FLOAT32, 42);
            for (AttributionMethod inner : List.of(Saliency.create(), GradCam.create(),
                    IntegratedGradients.create().steps(4))) {
                var plain = inner.explainTensor(model, x, Target.topPrediction());
                var mean = SmoothGrad.of(inner).noise(0).samples(3).explainTensor(model, x, Target.topPrediction());
                var squared = SmoothGrad.of(inner).noise(0).samples(3).variant(SmoothGrad.Variant.SQUARED)
                        .explainTensor(model, x, Target.topPrediction());
                var variance = SmoothGrad.of(inner).noise(0).samples(3).variant(SmoothGrad.Variant.VARIANCE)
                        .explainTensor(model, x, Target.topPrediction());
                for (int n = 0; n < 2; n++) {
                    float[] p = plain.get(n).values();
                    assertArrayEquals(p, mean.get(n).values(), inner.name() + " mean");
                    float[] sq = squared.get(n).values();
                    for (int j = 0; j < p.length; j++) {
                        assertEquals(p[j] * p[j], sq[j], 1e-6 * Math.max(1, p[j] * p[j]), inner.name() + " squared");
                        assertEquals(0f, variance.get(n).values()[j], 1e-6, inner.name() + " variance");
                    }
                    assertEquals(plain.get(n).provenance().targetClass(), mean.get(n).provenance().targetClass());
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("io.github.explain4j.djl.fixtures.TestNets#engines")
    void theSeedReproducesAndAnotherSeedDiffers(String engine) {
        try (NDManager m = TestNets.manager(engine)) {
            var net = TestNets.init(TestNets.residualNet(5), m, DataType.FLOAT32, INPUT, 43);
            ExplainableModel model = ExplainableModel.of(net, m, InputSpec.rgb(8, 8));
            NDArray x = TestNets.randomInput(m, INPUT, DataType.FLOAT32, 44);
            SmoothGrad sg = SmoothGrad.of(Saliency.create()).samples(4).noise(0.2).batchSize(3);
            float[] a = sg.seed(1).explainTensor(model, x, Target.classIndex(2)).get(0).values();
            float[] b = sg.seed(1).explainTensor(model, x, Target.classIndex(2)).get(0).values();
            float[] c = sg.seed(2).explainTensor(model, x, Target.classIndex(2)).get(0).values();
            float[] plain = Saliency.create().explainTensor(model, x, Target.classIndex(2)).get(0).values();
            assertArrayEquals(a, b);
            assertFalse(Arrays.equals(a, c), "another seed draws other noise");
            assertFalse(Arrays.equals(a, plain), "noise changes the map");
            // the batch size is a performance setting only
            float[] d = sg.seed(1).batchSize(1).explainTensor(model, x, Target.classIndex(2)).get(0).values();
            for (int j = 0; j < a.length; j++) {
                assertEquals(a[j], d[j], 1e-5 * Math.max(1, Math.abs(a[j])));
            }
        }
    }

    @ParameterizedTest
    @MethodSource("io.github.explain4j.djl.fixtures.TestNets#engines")
    void varGradIsTheMeanOfSquaresMinusTheSquaredMean(String engine) {
        try (NDManager m = TestNets.manager(engine)) {
            var net = TestNets.init(TestNets.residualNet(5), m, DataType.FLOAT32, INPUT, 45);
            ExplainableModel model = ExplainableModel.of(net, m, InputSpec.rgb(8, 8));
            NDArray x = TestNets.randomInput(m, INPUT, DataType.FLOAT32, 46);
            SmoothGrad sg = SmoothGrad.of(Saliency.create()).samples(6).noise(0.3).seed(5);
            float[] mean = sg.explainTensor(model, x, Target.classIndex(1)).get(0).values();
            float[] sq = sg.variant(SmoothGrad.Variant.SQUARED).explainTensor(model, x, Target.classIndex(1)).get(0)
                    .values();
            float[] var = sg.variant(SmoothGrad.Variant.VARIANCE).explainTensor(model, x, Target.classIndex(1)).get(0)
                    .values();
            boolean positive = false;
            for (int j = 0; j < mean.length; j++) {
                double expected = Math.max(0, sq[j] - (double) mean[j] * mean[j]);
                assertEquals(expected, var[j], 1e-5 * Math.max(1e-3, sq[j]));
                positive |= var[j] > 0;
            }
            assertTrue(positive, "noise makes the maps vary");
        }
    }
}
