package io.github.explain4j.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link Images#fromChw} is the inverse of {@link Images#toChw} at 8 bits, for RGB and grey. */
class ImagesFromChwTest {

    @Test
    void rgbRoundTripsThroughToChw() {
        Random random = new Random(3);
        float[] chw = new float[3 * 5 * 7];
        for (int i = 0; i < chw.length; i++) {
            chw[i] = random.nextInt(256) / 255f;
        }
        BufferedImage image = Images.fromChw(chw, 3, 5, 7);
        assertEquals(7, image.getWidth());
        assertEquals(5, image.getHeight());
        assertArrayEquals(chw, Images.toChw(image, 3, 5, 7), 1e-6f);
        // plane order: R, G, B
        assertEquals(Math.round(chw[0] * 255), image.getRGB(0, 0) >> 16 & 0xff);
        assertEquals(Math.round(chw[35] * 255), image.getRGB(0, 0) >> 8 & 0xff);
        assertEquals(Math.round(chw[70] * 255), image.getRGB(0, 0) & 0xff);
    }

    @Test
    void greyIsShownInEveryColourAndOutOfRangeValuesAreClamped() {
        BufferedImage image = Images.fromChw(new float[] {0.5f, -1, 2, 1 / 255f}, 1, 2, 2);
        assertEquals(0x808080, image.getRGB(0, 0) & 0xffffff);
        assertEquals(0x000000, image.getRGB(1, 0) & 0xffffff);
        assertEquals(0xffffff, image.getRGB(0, 1) & 0xffffff);
        assertEquals(0x010101, image.getRGB(1, 1) & 0xffffff);
    }

    @Test
    void badShapesNameTheValues() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Images.fromChw(new float[10], 3, 2, 2));
        assertTrue(e.getMessage().contains("chw has 10 values; expected 3×2×2 = 12"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Images.fromChw(new float[8], 2, 2, 2));
        assertTrue(e.getMessage().contains("channels was 2"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Images.fromChw(new float[0], 1, 0, 2));
        assertTrue(e.getMessage().contains("size was 0x2"), e.getMessage());
    }
}
