package io.github.explain4j.djl.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.SequentialBlock;
import io.github.explain4j.api.InputSpec;
import io.github.explain4j.djl.ExplainableModel;
import io.github.explain4j.djl.fixtures.TestNets;
import io.github.explain4j.djl.seam.ModelSeam;
import io.github.explain4j.djl.seam.Trace;
import io.github.explain4j.djl.seam.TraceRequest;
import io.github.explain4j.optim.Objective;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The style and content objectives (Gatys et al. 2015, 2016) on both engines: their values on hand-made activations
 * against numbers worked out by hand, on a network's activations against the formula computed on the heap, and the
 * gradient of a style transfer objective against float64 finite differences.
 */
class StyleObjectivesTest {

    private static final Shape INPUT = new Shape(2, 3, 8, 12);
    /** residualNet's residual unit: (2, 8, 4, 6) on INPUT. */
    private static final String UNIT = "05ParallelBlock";
    /** residualNet's last convolution block's ReLU: (2, 12, 4, 6) on INPUT. */
    private static final String LAST = "09LambdaBlock";

    /** Traced values that are only the given activation. */
    private static TraceRequest.Traced only(String layer, NDArray activation) {
        return new TraceRequest.Traced() {
            @Override
            public NDArray output() {
                throw new IllegalStateException("no output");
            }

            @Override
            public NDArray activation(String name) {
                assertEquals(layer, name);
                return activation;
            }

            @Override
            public NDArray input() {
                throw new IllegalStateException("no input");
            }

            @Override
            public NDList parameters() {
                return new NDList();
            }
        };
    }

    @ParameterizedTest
    @MethodSource("io.github.explain4j.djl.fixtures.TestNets#engines")
    void theGramMatrixAndTheStyleAndContentValuesAreTheWorkedExamples(String engine) {
        try (NDManager m = TestNets.manager(engine)) {
            // two items of 2 channels × 2 positions (1×2 maps): F₁ = [[1, 0], [0, 1]], F₂ = [[1, 1], [1, −1]]
            NDArray f = m.create(new double[] {1, 0, 0, 1, 1, 1, 1, -1}, new Shape(2, 2, 1, 2));
            // G = F Fᵀ / M with M = 2: G₁ = I/2, G₂ = I
            assertArrayEquals(new double[] {0.5, 0, 0, 0.5, 1, 0, 0, 1}, Objectives.gram(f).toDoubleArray(), 1e-15);
            // against A = [[1, 1], [1, 1]]: Σ(G₁ − A)² = 0.25 + 1 + 1 + 0.25 = 2.5, Σ(G₂ − A)² = 2; over 4C² = 16:
            // 0.15625 and 0.125, mean 0.140625 = 9/64
            double style = Objectives.evaluate(Objective.style("l", new float[] {1, 1, 1, 1}), only("l", f), null)
                    .getDouble();
            assertEquals(-9.0 / 64, style, 1e-12, engine);
            // against A = 0 for the first item alone: Σ G₁² / 16 = 0.5 / 16 = 1/32
            assertEquals(-1.0 / 32, Objectives.evaluate(Objective.style("l", new float[4]), only("l",
                    f.get("0:1")), null).getDouble(), 1e-12);
            // content: F = (1, 2, 3, 4), P = (1, 1, 1, 1): −½ mean(0, 1, 4, 9) = −1.75
            NDArray g = m.create(new double[] {1, 2, 3, 4}, new Shape(1, 1, 2, 2));
            assertEquals(-1.75, Objectives.evaluate(Objective.content("l", new float[] {1, 1, 1, 1}, 1, 2, 2),
                    only("l", g), null).getDouble(), 1e-12);
            // a dense activation (N, C) has one position: G = f fᵀ
            NDArray dense = m.create(new double[] {2, 3}, new Shape(1, 2));
            assertArrayEquals(new double[] {4, 6, 6, 9}, Objectives.gram(dense).toDoubleArray(), 1e-15);
        }
    }

    @ParameterizedTest
    @MethodSource("io.github.explain4j.djl.fixtures.TestNets#engines")
    void onANetworkTheStyleAndContentValuesAreTheirFormulas(String engine) {
        try (NDManager m = TestNets.manager(engine)) {
            ModelSeam seam = seam(m, 91);
            try (NDManager scope = m.newSubManager()) {
                NDArray x = Activation.sigmoid(TestNets.randomInput(scope, INPUT, DataType.FLOAT64, 92));
                Trace t = seam.trace(scope, TraceRequest.of(x).capture(UNIT, LAST).stopAfterCaptures());
                double[] unit = t.activation(UNIT).toDoubleArray(); // (2, 8, 4, 6)
                double[] last = t.activation(LAST).toDoubleArray(); // (2, 12, 4, 6)
                float[] a = new float[64];
                float[] p = new float[12 * 24];
                java.util.Random r = new java.util.Random(93);
                for (int i = 0; i < a.length; i++) {
                    a[i] = (float) r.nextGaussian();
                }
                for (int i = 0; i < p.length; i++) {
                    p[i] = (float) r.nextGaussian();
                }
                double style = 0;
                for (int n = 0; n < 2; n++) {
                    for (int i = 0; i < 8; i++) {
                        for (int j = 0; j < 8; j++) {
                            double gij = 0;
                            for (int k = 0; k < 24; k++) {
                                gij += unit[(n * 8 + i) * 24 + k] * unit[(n * 8 + j) * 24 + k];
                            }
                            double d = gij / 24 - a[i * 8 + j];
                            style += d * d / (4 * 64) / 2;
                        }
                    }
                }
                double content = 0;
                for (int n = 0; n < 2; n++) {
                    for (int i = 0; i < p.length; i++) {
                        double d = last[n * p.length + i] - p[i];
                        content += 0.5 * d * d / (2 * p.length);
                    }
                }
                assertEquals(-style, value(seam, scope, x, Objective.style(UNIT, a)), 1e-9 * style, engine);
                assertEquals(-content, value(seam, scope, x, Objective.content(LAST, p, 12, 4, 6)), 1e-9 * content);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("io.github.explain4j.djl.fixtures.TestNets#engines")
    void aStyleTransferObjectivesGradientMatchesFiniteDifferences(String engine) {
        try (NDManager m = TestNets.manager(engine)) {
            ModelSeam seam = seam(m, 94);
            try (NDManager scope = m.newSubManager()) {
                // targets from two other images, so that neither term is at its optimum
                NDArray styleImage = Activation.sigmoid(TestNets.randomInput(scope, new Shape(1, 3, 8, 12),
                        DataType.FLOAT64, 95));
                NDArray contentImage = Activation.sigmoid(TestNets.randomInput(scope, new Shape(1, 3, 8, 12),
                        DataType.FLOAT64, 96));
                Trace s = seam.trace(scope, TraceRequest.of(styleImage).capture(UNIT).stopAfterCaptures());
                Trace c = seam.trace(scope, TraceRequest.of(contentImage).capture(LAST).stopAfterCaptures());
                float[] gram = Objectives.gram(s.activation(UNIT)).toType(DataType.FLOAT32, false).toFloatArray();
                float[] features = c.activation(LAST).toType(DataType.FLOAT32, false).toFloatArray();
                Objective o = Objective.content(LAST, features, 12, 4, 6)
                        .plus(Objective.style(UNIT, gram).times(30))
                        .minus(Objective.totalVariation(2).times(0.01));
                NDArray params = TestNets.randomInput(scope, INPUT, DataType.FLOAT64, 97);
                Trace t = seam.trace(scope, request(params, o));
                NDArray g = t.parameterGradients().get(0);
                double h = 1e-6;
                for (long seed = 100; seed < 104; seed++) {
                    NDArray dir = TestNets.randomInput(scope, INPUT, DataType.FLOAT64, seed);
                    double fd = (seam.trace(scope, request(params.add(dir.mul(h)), o)).objectiveValue()
                            - seam.trace(scope, request(params.sub(dir.mul(h)), o)).objectiveValue()) / (2 * h);
                    double analytic = g.mul(dir).sum().getDouble();
                    assertTrue(Math.abs(fd) > 1e-3, "the direction moves the objective: " + fd);
                    assertEquals(fd, analytic, 1e-6 * Math.max(1, Math.abs(fd)), engine + ": direction " + seed);
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("io.github.explain4j.djl.fixtures.TestNets#engines")
    void targetsThatDoNotFitTheLayerAreRefusedWithTheFix(String engine) {
        try (NDManager m = TestNets.manager(engine)) {
            ModelSeam seam = seam(m, 98);
            try (NDManager scope = m.newSubManager()) {
                NDArray x = TestNets.randomInput(scope, INPUT, DataType.FLOAT64, 99);
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                        () -> value(seam, scope, x, Objective.style(UNIT, new float[9])));
                assertTrue(e.getMessage().contains("the Gram target of style(" + UNIT + ", 3×3 Gram) is 3×3 but layer '"
                        + UNIT + "' gives shape [2, 8, 4, 6]; compute the target at this layer"), e.getMessage());
                e = assertThrows(IllegalArgumentException.class,
                        () -> value(seam, scope, x, Objective.content(LAST, new float[12 * 8 * 6], 12, 8, 6)));
                assertTrue(e.getMessage().contains("has shape [12, 8, 6] but layer '" + LAST + "' gives [2, 12, 4, 6]"
                        + " (with the batch); take the content image at the optimised image's size"), e.getMessage());
            }
        }
    }

    private static ModelSeam seam(NDManager m, long seed) {
        SequentialBlock net = TestNets.init(TestNets.residualNet(5), m, DataType.FLOAT64, new Shape(2, 3, 8, 8), seed);
        return ExplainableModel.of(net, m, InputSpec.rgb(8, 8)).seam();
    }

    private static double value(ModelSeam seam, NDManager scope, NDArray x, Objective o) {
        return seam.trace(scope, Objectives.request(TraceRequest.of(x), o, () -> x)).objectiveValue();
    }

    /** The image is sigmoid(params); total variation measures it. */
    private static TraceRequest request(NDArray params, Objective o) {
        NDArray[] image = new NDArray[1];
        return Objectives.request(TraceRequest.fromParameters(List.of(params), q -> {
            image[0] = Activation.sigmoid(q.head());
            return image[0];
        }), o, () -> image[0]);
    }
}
