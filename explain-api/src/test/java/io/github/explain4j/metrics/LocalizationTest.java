package io.github.explain4j.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LocalizationTest {

    private static boolean[] square(int size, int x0, int y0, int side) {
        boolean[] m = new boolean[size * size];
        for (int y = y0; y < y0 + side; y++) {
            for (int x = x0; x < x0 + side; x++) {
                m[y * size + x] = true;
            }
        }
        return m;
    }

    @Test
    void theMaximumDecidesThePointingGame() {
        float[] map = new float[100];
        map[5 * 10 + 5] = 3f;
        map[0] = 2f;
        assertTrue(Localization.pointingHit(map, 10, 10, square(10, 4, 4, 3)));
        assertFalse(Localization.pointingHit(map, 10, 10, square(10, 0, 0, 2)));
    }

    @Test
    void aFlatMapPointsAtItsMiddleNotAtACorner() {
        float[] flat = new float[100];
        assertTrue(Localization.pointingHit(flat, 10, 10, square(10, 4, 4, 2)));
        assertFalse(Localization.pointingHit(flat, 10, 10, square(10, 0, 0, 3)));
    }

    @Test
    void massInsideCountsPositiveValuesOnly() {
        float[] map = new float[16];
        map[0] = 1f;
        map[5] = 3f;
        map[15] = -10f;
        assertEquals(0.75, Localization.massInside(map, 4, 4, square(4, 1, 1, 2)), 1e-12);
        assertEquals(0.0, Localization.massInside(new float[16], 4, 4, square(4, 1, 1, 2)));
    }

    @Test
    void mismatchedSizesAreNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Localization.pointingHit(new float[16], 4, 4, new boolean[9]));
        assertTrue(e.getMessage().contains("9") && e.getMessage().contains("16"), e.getMessage());
    }
}
