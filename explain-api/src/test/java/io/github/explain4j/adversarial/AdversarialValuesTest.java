package io.github.explain4j.adversarial;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.explain4j.api.Provenance;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** The heap values of adversarial robustness and the curve's plot. */
class AdversarialValuesTest {

    private static final Provenance PROVENANCE = new Provenance("PGD", Map.of(), OptionalLong.of(1), "PyTorch",
            "net", "untargeted", -1);

    @Test
    void normsMeasureDistancesInPixelUnits() {
        assertEquals(5.0, Norm.L2.distance(new float[] {0, 0}, new float[] {3, 4}), 1e-12);
        assertEquals(4.0, Norm.LINF.distance(new float[] {0, 0}, new float[] {3, -4}), 1e-12);
        assertEquals(5.0, Norm.L2.of(new float[] {-3, 4}), 1e-12);
        assertEquals("L∞", Norm.LINF.symbol());
        assertThrows(IllegalArgumentException.class, () -> Norm.L2.distance(new float[2], new float[3]));
    }

    @Test
    void examplesCountSuccessAndAccuracyAsTheirAttackKind() {
        List<float[]> clean = List.of(new float[] {0.5f}, new float[] {0.5f}, new float[] {0.5f});
        List<float[]> adv = List.of(new float[] {0.6f}, new float[] {0.4f}, new float[] {0.5f});
        // image 0: untargeted, still its label; image 1: untargeted, fooled; image 2: targeted 2, reached
        AdversarialExamples a = new AdversarialExamples(adv, clean, 1, 1, 1, new int[] {0, 1, 1},
                new int[] {-1, -1, 2}, new int[] {0, 0, 2}, new float[] {0.9f, 0.8f, 0.7f}, Norm.LINF, 0.1,
                PROVENANCE);
        assertTrue(!a.fooled(0) && a.fooled(1) && a.fooled(2));
        assertEquals(2 / 3.0, a.successRate(), 1e-12);
        assertEquals(1 / 3.0, a.accuracy(), 1e-12);
        assertEquals(0.1, a.perturbation(0), 1e-6);
        float[] copy = a.image(0);
        copy[0] = 9;
        assertEquals(0.6f, a.image(0)[0], "a heap value: callers get copies");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new AdversarialExamples(adv,
                clean, 1, 1, 1, new int[2], new int[3], new int[3], new float[3], Norm.L2, 1, PROVENANCE));
        assertTrue(e.getMessage().contains("2 labels"), e.getMessage());
    }

    @Test
    void theCurveGivesAccuraciesAndAPlotThatFallsWithEpsilon() {
        RobustnessCurve curve = new RobustnessCurve(Norm.LINF, new double[] {0.05, 0.1}, new int[] {40, 10}, 100, 90,
                1234, 2.5, PROVENANCE);
        assertArrayEquals(new double[] {0.4, 0.1}, curve.accuracy(), 1e-12);
        assertEquals(0.9, curve.cleanAccuracy(), 1e-12);
        assertTrue(curve.toString().contains("ε=0.05000→0.4000"), curve.toString());
        BufferedImage png = curve.plot("test", 480, 320);
        assertEquals(480, png.getWidth());
        // the series' colour: its pixels lie high on the left (clean 0.9 at ε = 0) and low on the right (0.1)
        double leftY = 0;
        double rightY = 0;
        int left = 0;
        int right = 0;
        for (int y = 0; y < png.getHeight(); y++) {
            for (int x = 0; x < png.getWidth(); x++) {
                if ((png.getRGB(x, y) & 0xFFFFFF) == 0x1f77b4) {
                    if (x < 160) {
                        leftY += y;
                        left++;
                    } else if (x > 420) {
                        rightY += y;
                        right++;
                    }
                }
            }
        }
        assertTrue(left > 10 && right > 10, "series pixels: " + left + " left, " + right + " right");
        assertTrue(leftY / left < rightY / right - 100, "the line falls: mean y " + leftY / left + " → "
                + rightY / right);
    }
}
