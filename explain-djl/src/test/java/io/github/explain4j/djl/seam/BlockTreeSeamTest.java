package io.github.explain4j.djl.seam;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.SequentialBlock;
import io.github.explain4j.api.InputSpec;
import io.github.explain4j.api.LayerInfo;
import io.github.explain4j.djl.ExplainableModel;
import io.github.explain4j.djl.fixtures.TestNets;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The seam's gradients against central finite differences in float64, on a network with BatchNorm (non-trivial
 * running statistics), Dropout, max-pooling and a residual block, on both engines.
 */
class BlockTreeSeamTest {

    private static final Shape INPUT = new Shape(2, 3, 8, 8);
    private static final int CLASS = 3;
    private static final double H = 1e-6;

    private static ScoreFunction classScore() {
        return out -> out.get(":, " + CLASS);
    }

    private static double score(ExplainableModel model, NDManager scope, NDArray x) {
        return model.seam().forward(scope, x).get(":, " + CLASS).sum().getDouble();
    }

    private static NDArray direction(NDManager scope, Shape shape, long seed) {
        return TestNets.randomInput(scope, shape, DataType.FLOAT64, seed);
    }

    private static double dot(NDArray a, NDArray b) {
        double[] x = a.toType(DataType.FLOAT64, false).toDoubleArray();
        double[] y = b.toType(DataType.FLOAT64, false).toDoubleArray();
        double s = 0;
        for (int i = 0; i < x.length; i++) {
            s += x[i] * y[i];
        }
        return s;
    }

    @ParameterizedTest
    @MethodSource("io.github.explain4j.djl.fixtures.TestNets#engines")
    void inputGradientMatchesFiniteDifferences(String engine) {
        try (NDManager m = TestNets.manager(engine)) {
            SequentialBlock net = TestNets.init(TestNets.residualNet(5), m, DataType.FLOAT64, INPUT, 11);
            ExplainableModel model = ExplainableModel.of(net, m, InputSpec.rgb(8, 8));
            try (NDManager scope = m.newSubManager()) {
                NDArray x = TestNets.randomInput(scope, INPUT, DataType.FLOAT64, 5);
                NDArray grad = model.seam().gradients(scope, x, null, classScore()).inputGradient();
                assertEquals(INPUT, grad.getShape());
                for (long seed = 100; seed < 104; seed++) {
                    NDArray v = direction(scope, INPUT, seed);
                    double fd = (score(model, scope, x.add(v.mul(H))) - score(model, scope, x.sub(v.mul(H)))) / (2 * H);
                    double analytic = dot(grad, v);
                    assertEquals(fd, analytic, 1e-6 * Math.max(1, Math.abs(fd)),
                            engine + ": directional derivative along direction " + seed);
                }
                // single coordinates, including ones that only reach the output through max-pooling winners
                Random r = new Random(3);
                double[] g = grad.toDoubleArray();
                for (int k = 0; k < 12; k++) {
                    int i = r.nextInt((int) INPUT.size());
                    double[] e = new double[(int) INPUT.size()];
                    e[i] = 1;
                    NDArray v = scope.create(e, INPUT);
                    double fd = (score(model, scope, x.add(v.mul(H))) - score(model, scope, x.sub(v.mul(H)))) / (2 * H);
                    assertEquals(fd, g[i], 1e-6 * Math.max(1, Math.abs(fd)), engine + ": coordinate " + i);
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("io.github.explain4j.djl.fixtures.TestNets#engines")
    void layerGradientMatchesFiniteDifferencesThroughTheLayer(String engine) {
        try (NDManager m = TestNets.manager(engine)) {
            SequentialBlock net = TestNets.init(TestNets.residualNet(5), m, DataType.FLOAT64, INPUT, 12);
            ExplainableModel model = ExplainableModel.of(net, m, InputSpec.rgb(8, 8));
            // every path from the input to the output passes through these top-level layers, so
            // dS = <dS/dA, dA> to first order for any input perturbation
            for (String layer : List.of("05ParallelBlock", "07Conv2d", "09LambdaBlock")) {
                try (NDManager scope = m.newSubManager()) {
                    NDArray x = TestNets.randomInput(scope, INPUT, DataType.FLOAT64, 6);
                    GradientResult g = model.seam().gradients(scope, x, layer, classScore());
                    assertEquals(model.seam().activation(scope, x, layer).getShape(), g.activation().getShape());
                    for (long seed = 200; seed < 203; seed++) {
                        NDArray v = direction(scope, INPUT, seed);
                        NDArray xp = x.add(v.mul(H));
                        NDArray xm = x.sub(v.mul(H));
                        double fd = (score(model, scope, xp) - score(model, scope, xm)) / (2 * H);
                        NDArray dA = model.seam().activation(scope, xp, layer)
                                .sub(model.seam().activation(scope, xm, layer)).div(2 * H);
                        assertEquals(fd, dot(g.activationGradient(), dA), 1e-6 * Math.max(1, Math.abs(fd)),
                                engine + ": layer " + layer + ", direction " + seed);
                    }
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("io.github.explain4j.djl.fixtures.TestNets#engines")
    void forwardEqualsTheBlocksOwnInferenceForward(String engine) {
        try (NDManager m = TestNets.manager(engine)) {
            SequentialBlock net = TestNets.init(TestNets.residualNet(5), m, DataType.FLOAT64, INPUT, 13);
            ExplainableModel model = ExplainableModel.of(net, m, InputSpec.rgb(8, 8));
            try (NDManager scope = m.newSubManager()) {
                NDArray x = TestNets.randomInput(scope, INPUT, DataType.FLOAT64, 7);
                double[] own = net.forward(new ai.djl.training.ParameterStore(scope, false),
                        new ai.djl.ndarray.NDList(x), false).head().toDoubleArray();
                double[] walked = model.seam().forward(scope, x).toDoubleArray();
                assertEquals(own.length, walked.length);
                for (int i = 0; i < own.length; i++) {
                    assertEquals(own[i], walked[i], 1e-9 * Math.max(1, Math.abs(own[i])), engine + " output " + i);
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("io.github.explain4j.djl.fixtures.TestNets#engines")
    void layersAreListedWithShapesAndReachableByNameIndexOrShortName(String engine) {
        try (NDManager m = TestNets.manager(engine)) {
            SequentialBlock net = TestNets.init(TestNets.residualNet(5), m, DataType.FLOAT32, INPUT, 1);
            ExplainableModel model = ExplainableModel.of(net, m, InputSpec.rgb(8, 8));
            List<LayerInfo> layers = model.layers();
            LayerInfo res = model.layer("05ParallelBlock");
            assertEquals(List.of(1L, 8L, 4L, 4L), boxed(res.outputShape()));
            assertEquals("05ParallelBlock", model.seam().resolveLayer("4"));
            assertEquals("05ParallelBlock", model.seam().resolveLayer("ParallelBlock"));
            assertEquals("05ParallelBlock/01SequentialBlock/04Conv2d", model.seam().resolveLayer("4/0/3"));
            assertEquals(List.of(1L, 8L, 4L, 4L),
                    boxed(model.layer("05ParallelBlock/01SequentialBlock/04Conv2d").outputShape()));
            assertEquals(List.of(1L, 5L), boxed(layers.get(layers.size() - 1).outputShape()));
            // the last spatial layer among the shallowest: the conv stage's ReLU, before global pooling
            assertEquals("09LambdaBlock", model.lastSpatialLayer().path());
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> model.seam().resolveLayer("05ParallelBlock/nope"));
            assertTrue(e.getMessage().contains("nope") && e.getMessage().contains("01SequentialBlock"),
                    e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> model.seam().resolveLayer("Conv2d"),
                    "ambiguous short name");
        }
    }

    private static List<Long> boxed(long[] a) {
        return java.util.Arrays.stream(a).boxed().toList();
    }
}
