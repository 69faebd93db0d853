package io.github.explain4j.render;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class NormalizerTest {

    @Test
    void minMaxMapsTheRangeOntoTheUnitInterval() {
        assertArrayEquals(new float[] {0f, 0.25f, 1f, 0.5f},
                Normalizer.minMax().apply(new float[] {-2, -1, 2, 0}), 1e-7f);
    }

    @Test
    void symmetricKeepsZeroAtTheMiddle() {
        assertArrayEquals(new float[] {0f, 0.5f, 0.75f, 0.625f},
                Normalizer.symmetric().apply(new float[] {-2, 0, 1, 0.5f}), 1e-7f);
        // all positive: the largest magnitude is 1, zero would be 0.5
        assertArrayEquals(new float[] {0.75f, 1f}, Normalizer.symmetric().apply(new float[] {2, 4}), 1e-7f);
    }

    @Test
    void constantMapsGiveNoNaN() {
        assertArrayEquals(new float[] {0, 0, 0}, Normalizer.minMax().apply(new float[] {3, 3, 3}));
        assertArrayEquals(new float[] {0.5f, 0.5f}, Normalizer.symmetric().apply(new float[] {0, 0}));
        assertArrayEquals(new float[] {1f, 1f}, Normalizer.symmetric().apply(new float[] {5, 5}));
        assertArrayEquals(new float[] {0, 0}, Normalizer.minMax().clip(99).apply(new float[] {7, 7}));
        assertArrayEquals(new float[] {0.5f}, Normalizer.symmetric().clip(50).apply(new float[] {0}));
    }

    @Test
    void percentileClippingStopsOneOutlierFromWashingOutTheMap() {
        float[] map = new float[101];
        for (int i = 0; i < 100; i++) {
            map[i] = i;
        }
        map[100] = 1e6f;
        float[] plain = Normalizer.minMax().apply(map);
        float[] clipped = Normalizer.minMax().clip(99).apply(map);
        assertTrue(plain[50] < 1e-4f, "without clipping the outlier crushes the rest: " + plain[50]);
        // 99th percentile of 101 values sits exactly on the 100th smallest, 99
        assertEquals(50 / 99f, clipped[50], 1e-6f);
        assertEquals(1f, clipped[99], 1e-6f);
        assertEquals(1f, clipped[100], 0f);
        assertEquals(0f, clipped[0], 0f);
    }

    @Test
    void symmetricClippingUsesThePercentileOfMagnitudes() {
        float[] map = {-1, 0.5f, 1, -100};
        // magnitudes sorted 0.5, 1, 1, 100; 50th percentile at rank 1.5 -> 1
        float[] out = Normalizer.symmetric().clip(50).apply(map);
        assertArrayEquals(new float[] {0f, 0.75f, 1f, 0f}, out, 1e-7f);
    }

    @Test
    void percentileInterpolatesBetweenOrderStatistics() {
        // 0..4, 90th percentile at rank 3.6 -> 3.6
        float[] out = Normalizer.minMax().clip(90).apply(new float[] {4, 0, 1, 2, 3});
        assertArrayEquals(new float[] {1f, 0f, 1 / 3.6f, 2 / 3.6f, 3 / 3.6f}, out, 1e-6f);
    }

    @Test
    void badInputsAreNamed() {
        for (double p : new double[] {0, -5, 120, Double.NaN}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Normalizer.minMax().clip(p));
            assertTrue(e.getMessage().contains("percentile was " + p) && e.getMessage().contains("(0, 100]"),
                    e.getMessage());
        }
        IllegalArgumentException nan = assertThrows(IllegalArgumentException.class,
                () -> Normalizer.symmetric().apply(new float[] {1, Float.NaN}));
        assertTrue(nan.getMessage().contains("map[1] was NaN"), nan.getMessage());
        IllegalArgumentException inf = assertThrows(IllegalArgumentException.class,
                () -> Normalizer.minMax().apply(new float[] {Float.NEGATIVE_INFINITY}));
        assertTrue(inf.getMessage().contains("map[0] was -Infinity"), inf.getMessage());
        IllegalArgumentException empty = assertThrows(IllegalArgumentException.class,
                () -> Normalizer.minMax().apply(new float[0]));
        assertTrue(empty.getMessage().contains("0 values"), empty.getMessage());
    }

    @Test
    void settingsAreImmutable() {
        Normalizer base = Normalizer.minMax();
        Normalizer clipped = base.clip(99);
        assertTrue(base.percentile().isEmpty());
        assertEquals(99, clipped.percentile().getAsDouble());
        assertTrue(Normalizer.forSign(true).isSymmetric());
        assertTrue(!Normalizer.forSign(false).isSymmetric());
    }
}
