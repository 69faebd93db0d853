package io.github.explain4j.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.explain4j.render.Heatmaps;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The numeric bilinear resize the compute path uses, and {@link Heatmaps#resize}'s delegation to it. */
class ResamplingTest {

    @Test
    void aPlaneIsReproducedExactlyAtThePixelCentres() {
        // f(y, x) = 2y + x on a 2×2 grid; upsampled to 4×4, centre i falls at clamp(0.5 i − 0.25, 0, 1)
        float[] map = {0, 1, 2, 3};
        float[] out = Resampling.bilinear(map, 2, 2, 4, 4);
        double[] at = {0, 0.25, 0.75, 1};
        for (int y = 0; y < 4; y++) {
            for (int x = 0; x < 4; x++) {
                assertEquals(2 * at[y] + at[x], out[y * 4 + x], 1e-7, "(" + y + ", " + x + ")");
            }
        }
    }

    @Test
    void heatmapsResizeIsTheSameComputationBitForBit() {
        Random r = new Random(5);
        int[][] sizes = {{3, 4, 17, 9}, {7, 7, 8, 8}, {4, 4, 224, 224}, {9, 5, 3, 2}, {1, 1, 5, 3}};
        for (int[] s : sizes) {
            float[] map = new float[s[0] * s[1]];
            for (int j = 0; j < map.length; j++) {
                map[j] = (float) r.nextGaussian();
            }
            assertArrayEquals(Resampling.bilinear(map, s[0], s[1], s[2], s[3]),
                    Heatmaps.resize(map, s[0], s[1], s[2], s[3]));
        }
    }

    @Test
    void badSizesAreRefusedWithTheValuesNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Resampling.bilinear(new float[5], 2, 3, 4, 4));
        assertTrue(e.getMessage().contains("map has 5 values"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Resampling.bilinear(new float[6], 2, 3, 4, -1));
        assertTrue(e.getMessage().contains("new size was 4x-1"), e.getMessage());
        NullPointerException n = assertThrows(NullPointerException.class, () -> Resampling.bilinear(null, 2, 3, 4, 4));
        assertTrue(n.getMessage().contains("map was null"), n.getMessage());
    }
}
