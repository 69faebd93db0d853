package io.github.explain4j.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.awt.image.BufferedImage;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Shrinking averages each output pixel's exact source footprint; enlarging is bilinear. */
class ImagesResampleTest {

    /** A grey image whose pixel (x, y) stores {@code values[y][x]}. */
    static BufferedImage grey(int[][] values) {
        BufferedImage image = new BufferedImage(values[0].length, values.length, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < values.length; y++) {
            for (int x = 0; x < values[0].length; x++) {
                image.getRaster().setSample(x, y, 0, values[y][x]);
            }
        }
        return image;
    }

    static BufferedImage checkerboard(int size) {
        BufferedImage image = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                image.setRGB(x, y, (x + y) % 2 == 0 ? 0xffffff : 0);
            }
        }
        return image;
    }

    static double mean(float[] values) {
        double sum = 0;
        for (float v : values) {
            sum += v;
        }
        return sum / values.length;
    }

    @Test
    void aConstantImageStaysConstant() {
        BufferedImage image = new BufferedImage(37, 23, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 23; y++) {
            for (int x = 0; x < 37; x++) {
                image.setRGB(x, y, 0x5aa01e); // (90, 160, 30)
            }
        }
        for (int[] size : new int[][] {{10, 7}, {50, 60}, {23, 37}}) {
            float[] chw = Images.toChw(image, 3, size[0], size[1]);
            int plane = size[0] * size[1];
            for (int i = 0; i < plane; i++) {
                assertEquals(90 / 255f, chw[i], 1e-6f);
                assertEquals(160 / 255f, chw[plane + i], 1e-6f);
                assertEquals(30 / 255f, chw[2 * plane + i], 1e-6f);
            }
        }
    }

    @Test
    void halvingIsTheMeanOfEachTwoByTwoBlock() {
        BufferedImage image = grey(new int[][] {
                {1, 2, 10, 30},
                {5, 6, 50, 70},
                {0, 255, 100, 101},
                {255, 0, 102, 104}});
        // block means by hand: (1+2+5+6)/4 = 3.5, (10+30+50+70)/4 = 40, (0+255+255+0)/4 = 127.5, (100+101+102+104)/4
        // = 101.75
        float[] expected = {3.5f / 255, 40f / 255, 127.5f / 255, 101.75f / 255};
        assertArrayEquals(expected, Images.toChw(image, 1, 2, 2), 1e-6f);
    }

    @Test
    void aNonIntegerRatioWeighsTheSplitPixelByItsCoveredFraction() {
        // 5 → 2: each output covers 2.5 source pixels; the middle one is split in half
        BufferedImage image = grey(new int[][] {{0, 50, 100, 150, 250}});
        // (0 + 50 + 0.5·100) / 2.5 = 40; (0.5·100 + 150 + 250) / 2.5 = 180
        assertArrayEquals(new float[] {40f / 255, 180f / 255}, Images.toChw(image, 1, 1, 2), 1e-6f);
    }

    @Test
    void aOnePixelCheckerboardShrinksToEvenGreyByANonIntegerFactor() {
        float[] chw = Images.toChw(checkerboard(1000), 3, 64, 64); // 15.625 source pixels per output pixel
        for (int i = 0; i < chw.length; i++) {
            assertEquals(0.5f, chw[i], 0.02f, "value " + i);
        }
    }

    @Test
    void shrinkingKeepsTheMean() {
        Random random = new Random(3);
        BufferedImage image = new BufferedImage(1000, 750, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 750; y++) {
            for (int x = 0; x < 1000; x++) {
                image.setRGB(x, y, random.nextInt(0x1000000));
            }
        }
        float[] full = Images.toChw(image, 1, 750, 1000);
        float[] small = Images.toChw(image, 1, 48, 64); // 15.625 in both directions
        assertEquals(mean(full), mean(small), 1e-5);
    }

    @Test
    void shrinkingKeepsTheMassOfASinglePixel() {
        int[][] values = new int[10][10];
        values[7][3] = 255;
        float[] small = Images.toChw(grey(values), 1, 4, 4); // 2.5 source pixels per output pixel
        // one pixel of value 1 spread over outputs each 2.5 × 2.5 pixels: total 1 / 6.25 = 0.16
        assertEquals(0.16, mean(small) * small.length, 1e-6);
        // its column 3 lies inside output column 1 (x 2.5–5); its row 7 (y 7–8) is cut in half by the edge between
        // output rows 2 (y 5–7.5) and 3 (y 7.5–10): 0.5 / 6.25 = 0.08 in each, 0 elsewhere
        float[] expected = new float[16];
        expected[2 * 4 + 1] = 0.08f;
        expected[3 * 4 + 1] = 0.08f;
        assertArrayEquals(expected, small, 1e-6f);
    }

    @Test
    void enlargingIsBilinearBetweenPixelCentres() {
        BufferedImage image = new BufferedImage(2, 1, BufferedImage.TYPE_INT_RGB);
        image.setRGB(0, 0, 0);
        image.setRGB(1, 0, 0xc8c8c8); // 200
        // outputs sample source x = -0.25 (clamped to 0), 0.25, 0.75, 1.25 (clamped to 1): 0, 50, 150, 200
        assertArrayEquals(new float[] {0, 50f / 255, 150f / 255, 200f / 255}, Images.toChw(image, 1, 1, 4), 1e-6f);
    }
}
