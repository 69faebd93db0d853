package io.github.explain4j.djl.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
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
 * Objectives evaluated on a trace, on both engines: each term against its formula computed on the heap in double
 * precision from the captured activations, and the gradient of a composite objective with respect to the
 * parameters of the image against float64 finite differences.
 */
class ObjectivesTest {

    /** A non-square input, so the centre neuron's row and column differ. */
    private static final Shape INPUT = new Shape(2, 3, 8, 12);
    private static final String UNIT = "05ParallelBlock";
    private static final String LAST = "09LambdaBlock";

    private static ModelSeam seam(NDManager m, long seed) {
        SequentialBlock net = TestNets.init(TestNets.residualNet(5), m, DataType.FLOAT64, new Shape(2, 3, 8, 8), seed);
        return ExplainableModel.of(net, m, InputSpec.rgb(8, 8)).seam();
    }

    private static double value(ModelSeam seam, NDManager scope, NDArray x, Objective o) {
        return seam.trace(scope, Objectives.request(TraceRequest.of(x), o, () -> x)).objectiveValue();
    }

    @ParameterizedTest
    @MethodSource("io.github.explain4j.djl.fixtures.TestNets#engines")
    void everyTermEqualsItsFormula(String engine) {
        try (NDManager m = TestNets.manager(engine)) {
            ModelSeam seam = seam(m, 61);
            try (NDManager scope = m.newSubManager()) {
                NDArray x = Activation.sigmoid(TestNets.randomInput(scope, INPUT, DataType.FLOAT64, 62));
                Trace t = seam.trace(scope, TraceRequest.of(x).capture(UNIT, LAST));
                double[] unit = t.activation(UNIT).toDoubleArray(); // (2, 8, 4, 6)
                double[] last = t.activation(LAST).toDoubleArray(); // (2, 12, 4, 6)
                double[] out = t.output().toDoubleArray(); // (2, 5)
                double[] img = x.toDoubleArray(); // (2, 3, 8, 12)
                assertEquals(List.of(2L, 12L, 4L, 6L), List.of(t.activation(LAST).getShape().get(0),
                        t.activation(LAST).getShape().get(1), t.activation(LAST).getShape().get(2),
                        t.activation(LAST).getShape().get(3)));
                double tol = 1e-10;
                // channel 3 of the unit: mean over the batch and 4×6 positions
                double sum = 0;
                for (int n = 0; n < 2; n++) {
                    for (int p = 0; p < 24; p++) {
                        sum += unit[(n * 8 + 3) * 24 + p];
                    }
                }
                assertEquals(sum / 48, value(seam, scope, x, Objective.channel(UNIT, 3)), tol, "channel");
                // the centre neuron of a 4×6 map is row 2, column 3
                double centre = (last[(0 * 12 + 2) * 24 + 2 * 6 + 3] + last[(1 * 12 + 2) * 24 + 2 * 6 + 3]) / 2;
                assertEquals(centre, value(seam, scope, x, Objective.neuron(LAST, 2)), tol, "centre neuron");
                double at = (last[(0 * 12 + 5) * 24 + 6 + 4] + last[(1 * 12 + 5) * 24 + 6 + 4]) / 2;
                assertEquals(at, value(seam, scope, x, Objective.neuron(LAST, 5, 1, 4)), tol, "neuron at (1, 4)");
                double squares = 0;
                for (double v : unit) {
                    squares += v * v;
                }
                assertEquals(squares / unit.length, value(seam, scope, x, Objective.layer(UNIT)), tol, "deepdream");
                // directions in the last layer's 12 channels
                float[] v = new float[12];
                double vNorm = 0;
                for (int c = 0; c < 12; c++) {
                    v[c] = (float) Math.sin(c + 1);
                    vNorm += (double) v[c] * v[c];
                }
                double dotMean = 0;
                double cosMean = 0;
                for (int n = 0; n < 2; n++) {
                    for (int p = 0; p < 24; p++) {
                        double dot = 0;
                        double aa = 0;
                        for (int c = 0; c < 12; c++) {
                            double a = last[(n * 12 + c) * 24 + p];
                            dot += a * v[c];
                            aa += a * a;
                        }
                        dotMean += dot / 48;
                        cosMean += dot / (Math.sqrt(aa + 1e-12) * Math.sqrt(vNorm)) / 48;
                    }
                }
                assertEquals(dotMean, value(seam, scope, x, Objective.direction(LAST, v)), tol, "direction");
                assertEquals(cosMean, value(seam, scope, x, Objective.directionCosine(LAST, v)), 1e-9, "cosine");
                // diversity of two images: minus the cosine of their Gram matrices
                double[][] grams = new double[2][64];
                for (int n = 0; n < 2; n++) {
                    for (int i = 0; i < 8; i++) {
                        for (int j = 0; j < 8; j++) {
                            for (int p = 0; p < 24; p++) {
                                grams[n][i * 8 + j] += unit[(n * 8 + i) * 24 + p] * unit[(n * 8 + j) * 24 + p];
                            }
                        }
                    }
                }
                double g01 = 0;
                double g00 = 0;
                double g11 = 0;
                for (int k = 0; k < 64; k++) {
                    g01 += grams[0][k] * grams[1][k];
                    g00 += grams[0][k] * grams[0][k];
                    g11 += grams[1][k] * grams[1][k];
                }
                assertEquals(-g01 / Math.sqrt(g00 * g11), value(seam, scope, x, Objective.diversity(UNIT)), 1e-9,
                        "diversity");
                // class terms
                assertEquals((out[3] + out[8]) / 2, value(seam, scope, x, Objective.classLogit(3)), tol, "logit");
                double p = 0;
                for (int n = 0; n < 2; n++) {
                    double z = 0;
                    for (int k = 0; k < 5; k++) {
                        z += Math.exp(out[n * 5 + k]);
                    }
                    p += Math.exp(out[n * 5 + 3]) / z / 2;
                }
                assertEquals(p, value(seam, scope, x, Objective.classProbability(3)), tol, "probability");
                // penalties on the image
                int per = 3 * 8 * 12;
                double l1 = 0;
                double l2 = 0;
                double a6 = 0;
                double[] l2each = new double[2];
                for (int i = 0; i < img.length; i++) {
                    l1 += Math.abs(img[i]) / 2;
                    a6 += Math.pow(Math.abs(img[i]), 6) / 2;
                    l2each[i / per] += img[i] * img[i];
                }
                l2 = (Math.sqrt(l2each[0]) + Math.sqrt(l2each[1])) / 2;
                assertEquals(l1, value(seam, scope, x, Objective.l1()), tol, "L1");
                assertEquals(l2, value(seam, scope, x, Objective.l2()), tol, "L2");
                assertEquals(a6, value(seam, scope, x, Objective.alphaNorm(6)), tol, "alpha norm");
                for (double beta : new double[] {1, 2}) {
                    double tv = 0;
                    for (int n = 0; n < 2; n++) {
                        for (int c = 0; c < 3; c++) {
                            for (int i = 0; i < 7; i++) {
                                for (int j = 0; j < 11; j++) {
                                    int o = ((n * 3 + c) * 8 + i) * 12 + j;
                                    double dx = img[o + 1] - img[o];
                                    double dy = img[o + 12] - img[o];
                                    tv += Math.pow(dx * dx + dy * dy + Objectives.TV_EPSILON, beta / 2) / 2;
                                }
                            }
                        }
                    }
                    assertEquals(tv, value(seam, scope, x, Objective.totalVariation(beta)), 1e-9, "TV β=" + beta);
                }
                double blur = 0;
                for (int n = 0; n < 2; n++) {
                    for (int c = 0; c < 3; c++) {
                        for (int i = 1; i < 7; i++) {
                            for (int j = 1; j < 11; j++) {
                                double mean = 0;
                                for (int di = -1; di <= 1; di++) {
                                    for (int dj = -1; dj <= 1; dj++) {
                                        mean += img[((n * 3 + c) * 8 + i + di) * 12 + j + dj] / 9;
                                    }
                                }
                                double d = img[((n * 3 + c) * 8 + i) * 12 + j] - mean;
                                blur += 0.5 * d * d / 2;
                            }
                        }
                    }
                }
                assertEquals(blur, value(seam, scope, x, Objective.blur()), tol, "blur");
                // the blur penalty's gradient holds the blurred image constant (as Lucid): x − blur(x) inside, 0 on
                // the border, over the batch of 2 — not the derivative of its value
                double[] gb = seam.trace(scope, Objectives.request(TraceRequest.of(x).inputGradient(), Objective.blur(),
                        () -> null).objective(tr -> Objectives.evaluate(Objective.blur(), tr, tr.input())))
                        .inputGradient().toDoubleArray();
                for (int n = 0; n < 2; n++) {
                    for (int c = 0; c < 3; c++) {
                        for (int i = 0; i < 8; i++) {
                            for (int j = 0; j < 12; j++) {
                                double expected = 0;
                                if (i > 0 && i < 7 && j > 0 && j < 11) {
                                    double mean = 0;
                                    for (int di = -1; di <= 1; di++) {
                                        for (int dj = -1; dj <= 1; dj++) {
                                            mean += img[((n * 3 + c) * 8 + i + di) * 12 + j + dj] / 9;
                                        }
                                    }
                                    expected = (img[((n * 3 + c) * 8 + i) * 12 + j] - mean) / 2;
                                }
                                assertEquals(expected, gb[((n * 3 + c) * 8 + i) * 12 + j], tol, "blur gradient");
                            }
                        }
                    }
                }
                // the algebra
                double combined = value(seam, scope, x, Objective.channel(UNIT, 3).times(2)
                        .minus(Objective.l1().times(0.5)).plus(Objective.layer(UNIT).times(Objective.classLogit(3))));
                assertEquals(2 * sum / 48 - 0.5 * l1 + squares / unit.length * (out[3] + out[8]) / 2, combined, tol,
                        "2·channel − 0.5·L1 + deepdream·logit");
            }
        }
    }

    @ParameterizedTest
    @MethodSource("io.github.explain4j.djl.fixtures.TestNets#engines")
    void aCompositeObjectivesParameterGradientMatchesFiniteDifferences(String engine) {
        try (NDManager m = TestNets.manager(engine)) {
            ModelSeam seam = seam(m, 63);
            Objective o = Objective.channel(UNIT, 1).plus(Objective.neuron(LAST, 4).times(0.3))
                    .plus(Objective.directionCosine(LAST, new float[] {1, -1, 2, 0, 0, 1, 0, 0, 3, 0, -2, 1}))
                    .plus(Objective.diversity(UNIT).times(0.2))
                    .minus(Objective.totalVariation(1).times(0.01)).minus(Objective.l2().times(0.1));
            assertFalse(o.readsOutput());
            try (NDManager scope = m.newSubManager()) {
                NDArray params = TestNets.randomInput(scope, INPUT, DataType.FLOAT64, 64);
                TraceRequest request = request(params, o);
                assertFalse(request.needsOutput(), "an objective that reads no output stops after its layers");
                Trace t = seam.trace(scope, request);
                assertFalse(t.hasOutput());
                NDArray g = t.parameterGradients().get(0);
                double h = 1e-6;
                for (long seed = 70; seed < 74; seed++) {
                    NDArray dir = TestNets.randomInput(scope, INPUT, DataType.FLOAT64, seed);
                    double fd = (seam.trace(scope, request(params.add(dir.mul(h)), o)).objectiveValue()
                            - seam.trace(scope, request(params.sub(dir.mul(h)), o)).objectiveValue()) / (2 * h);
                    double analytic = g.mul(dir).sum().getDouble();
                    assertEquals(fd, analytic, 1e-6 * Math.max(1, Math.abs(fd)), engine + ": direction " + seed);
                }
            }
        }
    }

    /** The image is sigmoid(params); the penalties measure it. */
    private static TraceRequest request(NDArray params, Objective o) {
        NDArray[] image = new NDArray[1];
        return Objectives.request(TraceRequest.fromParameters(List.of(params), q -> {
            image[0] = Activation.sigmoid(q.head());
            return image[0];
        }), o, () -> image[0]);
    }

    @ParameterizedTest
    @MethodSource("io.github.explain4j.djl.fixtures.TestNets#engines")
    void objectivesThatDoNotFitTheLayerAreRefused(String engine) {
        try (NDManager m = TestNets.manager(engine)) {
            ModelSeam seam = seam(m, 65);
            try (NDManager scope = m.newSubManager()) {
                NDArray x = TestNets.randomInput(scope, INPUT, DataType.FLOAT64, 66);
                assertMessage(() -> value(seam, scope, x, Objective.channel(UNIT, 8)), "has 8 channels");
                assertMessage(() -> value(seam, scope, x, Objective.neuron(LAST, 0, 4, 0)), "outside");
                assertMessage(() -> value(seam, scope, x, Objective.direction(LAST, new float[3])), "one value per"
                        + " channel");
                assertMessage(() -> value(seam, scope, x, Objective.classLogit(5)), "has 5 classes");
                assertMessage(() -> value(seam, scope, x.get("0:1"), Objective.diversity(UNIT)), "batch of 1");
                assertMessage(() -> seam.trace(scope, Objectives.request(TraceRequest.of(x), Objective.l2(),
                        () -> null)).objectiveValue(), "pixel space");
            }
        }
    }

    private static void assertMessage(Runnable r, String part) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, r::run);
        assertTrue(e.getMessage().contains(part), e.getMessage());
    }
}
