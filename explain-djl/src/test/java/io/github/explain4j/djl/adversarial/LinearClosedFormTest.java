package io.github.explain4j.djl.adversarial;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import io.github.explain4j.adversarial.AdversarialExamples;
import io.github.explain4j.adversarial.RobustnessCurve;
import io.github.explain4j.djl.fixtures.TestNets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Attacks on a two-class linear model whose input spec normalises (mean 0.4/0.5/0.6, std 0.2/0.25/0.5), against
 * closed forms computed on the heap from the weights: the loss's gradient w.r.t. the pixels has the sign of
 * {@code −d = −(W_y − W_o)/std}, so FGSM moves every pixel by {@code −ε·sign(d)}, lowers the margin by
 * {@code ε‖d‖₁} and flips the label exactly when {@code ε > m/‖d‖₁}; an L2 step from the image moves along
 * {@code −d/‖d‖₂} and flips exactly when {@code ε > m/‖d‖₂}. The images' values lie in [0.35, 0.65] and the
 * budgets below 0.35, so the pixel range never binds. Tested at {@code (1 ∓ 10⁻⁴)} times the threshold; the
 * model computes in float64.
 */
class LinearClosedFormTest {

    private static final double BELOW = 1 - 1e-4;
    private static final double ABOVE = 1 + 1e-4;

    @ParameterizedTest
    @MethodSource("io.github.explain4j.djl.fixtures.TestNets#engines")
    void fgsmFlipsTheLabelExactlyWhenEpsilonExceedsTheMarginOverTheL1NormOfTheWeights(String engine) {
        try (NDManager m = TestNets.manager(engine)) {
            LinearModel lin = new LinearModel(m, 11);
            for (float[] x : LinearModel.images(6, 12)) {
                int y = lin.predicted(x);
                double flip = lin.linfFlip(x);
                assertTrue(flip > 0 && flip < 0.3, "fixture: the flip budget " + flip + " lies inside the range");
                for (boolean targeted : new boolean[] {false, true}) {
                    AdversarialExamples below = fgsm(lin, x, y, flip * BELOW, targeted);
                    AdversarialExamples above = fgsm(lin, x, y, flip * ABOVE, targeted);
                    String what = engine + (targeted ? " targeted" : " untargeted") + " at ε* = " + flip;
                    assertEquals(y, below.predictions()[0], what + ": just below keeps the label");
                    assertEquals(1 - y, above.predictions()[0], what + ": just above flips it");
                    assertTrue(!below.fooled(0), what);
                    assertTrue(above.fooled(0), what);
                    // the closed form of the image itself: x − ε·sign(d)
                    double[] d = lin.difference(y);
                    float[] expected = new float[x.length];
                    for (int i = 0; i < x.length; i++) {
                        expected[i] = (float) (x[i] - flip * ABOVE * Math.signum(d[i]));
                    }
                    assertArrayEquals(expected, above.image(0), 1e-6f, what);
                    assertEquals(lin.predicted(above.image(0)), above.predictions()[0], what + ": heap logits agree");
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("io.github.explain4j.djl.fixtures.TestNets#engines")
    void pgdUnderBothNormsFlipsExactlyAtTheClosedFormBudget(String engine) {
        try (NDManager m = TestNets.manager(engine)) {
            LinearModel lin = new LinearModel(m, 21);
            for (float[] x : LinearModel.images(4, 22)) {
                int y = lin.predicted(x);
                // L∞ with a random start: 40 steps of 2.5ε/40 reach the box's worst vertex from anywhere in it
                double flipInf = lin.linfFlip(x);
                assertEquals(y, pgd(lin, Pgd.linf(flipInf * BELOW).seed(3), x, y).predictions()[0], engine);
                assertEquals(1 - y, pgd(lin, Pgd.linf(flipInf * ABOVE).seed(3), x, y).predictions()[0], engine);
                // L2 from the image: the steps run straight along −d to the sphere
                double flip2 = lin.l2Flip(x);
                assertTrue(flip2 < 0.3, "fixture: " + flip2);
                assertEquals(y, pgd(lin, Pgd.l2(flip2 * BELOW).randomStart(false), x, y).predictions()[0], engine);
                AdversarialExamples over = pgd(lin, Pgd.l2(flip2 * ABOVE).randomStart(false), x, y);
                assertEquals(1 - y, over.predictions()[0], engine + " L2 at ε* = " + flip2);
                assertEquals(flip2 * ABOVE, over.perturbation(0), 1e-6, engine + ": the step ends on the sphere");
            }
        }
    }

    /**
     * The evaluator's curve equals the count of images whose closed-form flip budget exceeds each ε (and that the
     * model gets right unperturbed), for FGSM and for PGD (whose L∞ optimum on a linear model is FGSM's vertex).
     * The budgets are midpoints between neighbouring thresholds, so every point is decided by the closed form
     * with room on both sides.
     */
    @ParameterizedTest
    @MethodSource("io.github.explain4j.djl.fixtures.TestNets#engines")
    void accuracyUnderAttackCountsTheImagesWhoseFlipBudgetExceedsEachEpsilon(String engine) {
        try (NDManager m = TestNets.manager(engine)) {
            LinearModel lin = new LinearModel(m, 31);
            List<float[]> images = LinearModel.images(120, 32);
            int[] labels = new int[images.size()];
            List<Double> thresholds = new ArrayList<>();
            for (int i = 0; i < labels.length; i++) {
                // every 8th label is wrong: those images are wrong at every ε
                labels[i] = i % 8 == 7 ? 1 - lin.predicted(images.get(i)) : lin.predicted(images.get(i));
                thresholds.add(lin.linfFlip(images.get(i)));
            }
            double[] sorted = thresholds.stream().mapToDouble(Double::doubleValue).sorted().toArray();
            double[] eps = {0, mid(sorted, 10), mid(sorted, 40), mid(sorted, 80), mid(sorted, 110)};
            int[] expected = new int[eps.length];
            int clean = 0;
            for (int i = 0; i < labels.length; i++) {
                boolean right = labels[i] == lin.predicted(images.get(i));
                clean += right ? 1 : 0;
                for (int e = 0; e < eps.length; e++) {
                    expected[e] += right && thresholds.get(i) > eps[e] ? 1 : 0;
                }
            }
            for (GradientAttack attack : new GradientAttack[] {Fgsm.linf(0.1), Pgd.linf(0.1).seed(5)}) {
                RobustnessCurve curve = AccuracyUnderAttack.of(attack).epsilons(eps).batchSize(32)
                        .evaluate(lin.model, images, labels);
                assertArrayEquals(expected, curve.correct(), engine + " " + attack.name() + ": " + curve);
                assertEquals(clean, curve.cleanCorrect());
                assertEquals(105, clean, "fixture: 15 of 120 labels are wrong");
                assertEquals(Arrays.toString(eps), curve.provenance().parameters().get("epsilons"));
            }
        }
    }

    private static double mid(double[] sorted, int r) {
        return (sorted[r] + sorted[r + 1]) / 2;
    }

    private static AdversarialExamples fgsm(LinearModel lin, float[] x, int y, double eps, boolean targeted) {
        Fgsm attack = Fgsm.linf(eps);
        return targeted ? attack.attack(lin.model, List.of(x), new int[] {y}, new int[] {1 - y})
                : attack.attack(lin.model, List.of(x), new int[] {y});
    }

    private static AdversarialExamples pgd(LinearModel lin, Pgd attack, float[] x, int y) {
        return attack.attack(lin.model, List.of(x), new int[] {y});
    }
}
