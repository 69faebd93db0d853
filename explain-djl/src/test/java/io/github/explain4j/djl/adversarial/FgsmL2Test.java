package io.github.explain4j.djl.adversarial;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import io.github.explain4j.adversarial.AdversarialExamples;
import io.github.explain4j.adversarial.Norm;
import io.github.explain4j.djl.fixtures.TestNets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * FGSM under an L2 budget ({@link Fgsm#l2}) on the two-class linear model of {@link LinearModel}, against closed
 * forms computed on the heap from its weights. The cross-entropy's pixel gradient is a positive multiple of
 * {@code −d = −(W_y − W_o)/std}, so the step is {@code x′ = clip₀¹(x − ε·d/‖d‖₂)}; it lowers the margin by
 * {@code ε‖d‖₂} where the pixel range does not bind, so the label flips exactly when {@code ε > m/‖d‖₂}.
 */
class FgsmL2Test {

    private static final double BELOW = 1 - 1e-4;
    private static final double ABOVE = 1 + 1e-4;

    @ParameterizedTest
    @MethodSource("io.github.explain4j.djl.fixtures.TestNets#engines")
    void flipsTheLabelExactlyWhenEpsilonExceedsTheMarginOverTheL2NormOfTheWeights(String engine) {
        try (NDManager m = TestNets.manager(engine)) {
            LinearModel lin = new LinearModel(m, 61);
            // images in [0.35, 0.65] and budgets below 0.3: no pixel meets the range, so nothing clips
            for (float[] x : LinearModel.images(6, 62)) {
                int y = lin.predicted(x);
                double flip = lin.l2Flip(x);
                assertTrue(flip > 0 && flip < 0.3, "fixture: the flip budget " + flip + " lies inside the range");
                double[] d = lin.difference(y);
                double length = norm(d);
                System.out.printf("%s L2 FGSM: margin %.6f, ‖d‖₂ %.6f, ε* %.6f%n", engine, lin.margin(x, y), length,
                        flip);
                for (boolean targeted : new boolean[] {false, true}) {
                    AdversarialExamples below = fgsm(lin, x, y, flip * BELOW, targeted);
                    AdversarialExamples above = fgsm(lin, x, y, flip * ABOVE, targeted);
                    String what = engine + (targeted ? " targeted" : " untargeted") + " at ε* = " + flip;
                    assertEquals(y, below.predictions()[0], what + ": just below keeps the label");
                    assertEquals(1 - y, above.predictions()[0], what + ": just above flips it");
                    assertTrue(!below.fooled(0), what);
                    assertTrue(above.fooled(0), what);
                    // the closed form of the image itself: x − ε·d/‖d‖₂, a step of length exactly ε
                    float[] expected = new float[x.length];
                    for (int i = 0; i < x.length; i++) {
                        expected[i] = (float) (x[i] - flip * ABOVE * d[i] / length);
                    }
                    assertArrayEquals(expected, above.image(0), 1e-6f, what);
                    assertEquals(flip * ABOVE, above.perturbation(0), 1e-6, what + ": the step has length ε");
                    assertEquals(lin.predicted(above.image(0)), above.predictions()[0], what + ": heap logits agree");
                }
            }
        }
    }

    /**
     * Where the pixel range binds (images spread over [0, 1], ε = 3 over 48 values), the result is the closed form
     * clipped, {@code clip₀¹(x − ε·d/‖d‖₂)}: every image stays in the pixel range and within the L2 ball, and the
     * batch split does not change it.
     */
    @ParameterizedTest
    @MethodSource("io.github.explain4j.djl.fixtures.TestNets#engines")
    void theClippedStepStaysInThePixelRangeAndWithinTheBall(String engine) {
        try (NDManager m = TestNets.manager(engine)) {
            LinearModel lin = new LinearModel(m, 71);
            List<float[]> images = spread(7, 72);
            int[] labels = new int[images.size()];
            for (int i = 0; i < labels.length; i++) {
                labels[i] = lin.predicted(images.get(i));
            }
            double eps = 3;
            AdversarialExamples adv = Fgsm.l2(eps).attack(lin.model, images, labels);
            AdversarialExamples split = Fgsm.l2(eps).batchSize(3).attack(lin.model, images, labels);
            int clipped = 0;
            for (int n = 0; n < images.size(); n++) {
                float[] x = images.get(n);
                float[] a = adv.image(n);
                double[] d = lin.difference(labels[n]);
                double length = norm(d);
                double sq = 0;
                float[] expected = new float[x.length];
                for (int i = 0; i < x.length; i++) {
                    assertTrue(a[i] >= 0 && a[i] <= 1, engine + ": image " + n + " value " + i + " was " + a[i]);
                    double moved = x[i] - eps * d[i] / length;
                    expected[i] = (float) Math.min(1, Math.max(0, moved));
                    clipped += moved < 0 || moved > 1 ? 1 : 0;
                    sq += (a[i] - x[i]) * (a[i] - x[i]);
                }
                assertTrue(Math.sqrt(sq) <= eps + 1e-5, engine + ": image " + n + " moved " + Math.sqrt(sq));
                assertEquals(Math.sqrt(sq), adv.perturbation(n), 1e-5, engine + ": perturbation is the L2 length");
                assertArrayEquals(expected, a, 1e-6f, engine + ": image " + n);
                assertArrayEquals(a, split.image(n), 1e-6f, engine + ": batch split, image " + n);
            }
            assertTrue(clipped > 50, "fixture: the pixel range binds (" + clipped + " values clipped)");
        }
    }

    @Test
    void theNormIsNamedInTheSettingsAndBadBudgetsAreRefused() {
        Fgsm l2 = Fgsm.l2(1.5);
        assertEquals(Norm.L2, l2.norm());
        assertEquals(Norm.LINF, Fgsm.linf(0.1).norm());
        assertEquals(Norm.L2, Fgsm.of(Norm.parse("l2"), 1).norm());
        assertEquals(Norm.L2, l2.epsilon(0.5).norm(), "another budget keeps the norm");
        assertEquals(Norm.L2, l2.batchSize(8).norm());
        assertEquals("FGSM", l2.name());
        assertEquals(Map.of("norm", "L2", "epsilon", "1.5", "batchSize", "64"), l2.parameters());
        assertEquals("L∞", Fgsm.linf(0.1).parameters().get("norm"));
        assertTrue(l2.toString().startsWith("FGSM L2 "), l2.toString());
        expect(() -> Fgsm.l2(-0.1), "epsilon was -0.1");
        expect(() -> Fgsm.l2(Double.NaN), "epsilon was NaN");
        expect(() -> Fgsm.l2(Double.POSITIVE_INFINITY), "expected a finite budget ≥ 0");
        expect(() -> Fgsm.l2(1).epsilon(-2), "epsilon was -2.0");
        expect(() -> Fgsm.l2(1).batchSize(0), "batch size was 0");
        NullPointerException e = assertThrows(NullPointerException.class, () -> Fgsm.of(null, 1));
        assertTrue(e.getMessage().contains("norm was null"), e.getMessage());
    }

    @ParameterizedTest
    @MethodSource("io.github.explain4j.djl.fixtures.TestNets#engines")
    void aZeroBudgetLeavesTheImagesAndTheProvenanceNamesTheNorm(String engine) {
        try (NDManager m = TestNets.manager(engine)) {
            LinearModel lin = new LinearModel(m, 81);
            List<float[]> images = LinearModel.images(3, 82);
            int[] labels = new int[3];
            AdversarialExamples same = Fgsm.l2(0).attack(lin.model, images, labels);
            for (int i = 0; i < 3; i++) {
                assertArrayEquals(images.get(i), same.image(i), engine);
            }
            AdversarialExamples adv = Fgsm.l2(0.2).attack(lin.model, images, labels, new int[] {1, 1, 1});
            assertEquals("FGSM", adv.provenance().method());
            assertEquals("L2", adv.provenance().parameters().get("norm"));
            assertEquals(Norm.L2, adv.norm());
            assertEquals("class 1", adv.provenance().target());
        }
    }

    private static double norm(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x * x;
        }
        return Math.sqrt(s);
    }

    /** Seeded pixel images over the whole range [0, 1], a quarter of the values at 0 or 1. */
    private static List<float[]> spread(int n, long seed) {
        Random random = new Random(seed);
        List<float[]> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            float[] x = new float[LinearModel.PER];
            for (int j = 0; j < x.length; j++) {
                double u = random.nextDouble();
                x[j] = u < 0.125 ? 0 : u < 0.25 ? 1 : random.nextFloat();
            }
            out.add(x);
        }
        return out;
    }

    private static AdversarialExamples fgsm(LinearModel lin, float[] x, int y, double eps, boolean targeted) {
        Fgsm attack = Fgsm.l2(eps);
        return targeted ? attack.attack(lin.model, List.of(x), new int[] {y}, new int[] {1 - y})
                : attack.attack(lin.model, List.of(x), new int[] {y});
    }

    private static void expect(Runnable r, String part) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, r::run);
        assertTrue(e.getMessage().contains(part), "'" + e.getMessage() + "' should contain '" + part + "'");
    }
}
