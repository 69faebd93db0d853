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

    /**
     * An image already at the input size is copied: the same floats as the weighted sums with unit weights, for
     * grey, packed RGB, interleaved BGR, 16-bit grey and luminance; and every 8-bit sample s reads as
     * {@code (float) (s / 255.0)}.
     */
    @Test
    void anImageAtItsOwnSizeIsCopiedAsTheWeightedSumsWouldGiveIt() {
        Random random = new Random(11);
        int[] types = {java.awt.image.BufferedImage.TYPE_BYTE_GRAY, java.awt.image.BufferedImage.TYPE_INT_RGB,
            java.awt.image.BufferedImage.TYPE_3BYTE_BGR, java.awt.image.BufferedImage.TYPE_USHORT_GRAY};
        for (int type : types) {
            for (int[] size : new int[][] {{1, 1}, {5, 3}, {28, 28}}) {
                var image = new java.awt.image.BufferedImage(size[1], size[0], type);
                var raster = image.getRaster();
                int max = type == java.awt.image.BufferedImage.TYPE_USHORT_GRAY ? 65535 : 255;
                for (int y = 0; y < size[0]; y++) {
                    for (int x = 0; x < size[1]; x++) {
                        for (int b = 0; b < raster.getNumBands(); b++) {
                            raster.setSample(x, y, b, random.nextInt(max + 1));
                        }
                    }
                }
                for (boolean luminance : new boolean[] {false, true}) {
                    if (luminance && raster.getNumBands() == 1) {
                        continue;
                    }
                    StoredPixels pixels = StoredPixels.of(image);
                    float[] weighted = Resampling.resample(pixels, luminance, Resampling.axis(size[1], 0, size[1],
                            size[1]), Resampling.axis(size[0], 0, size[0], size[0]));
                    assertArrayEquals(weighted, Resampling.copy(StoredPixels.of(image), luminance),
                            "type " + type + " " + size[0] + "x" + size[1] + " luminance " + luminance);
                }
            }
        }
        var all = new java.awt.image.BufferedImage(16, 16, java.awt.image.BufferedImage.TYPE_BYTE_GRAY);
        for (int s = 0; s < 256; s++) {
            all.getRaster().setSample(s % 16, s / 16, 0, s);
        }
        float[] read = Images.toChw(all, 1, 16, 16);
        for (int s = 0; s < 256; s++) {
            assertEquals((float) (s / 255.0), read[s], "sample " + s);
        }
    }

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
