package io.github.explain4j.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.awt.image.BufferedImage;
import org.junit.jupiter.api.Test;

/** Stretch, centre crop and letterbox, pixel by pixel on small images. */
class ImagesResizePolicyTest {

    /** A 4 wide × 2 tall grey image: 10 20 30 40 over 50 60 70 80. */
    static final int[][] WIDE = {{10, 20, 30, 40}, {50, 60, 70, 80}};

    /** A 2 wide × 4 tall grey image: 10 20, 30 40, 50 60, 70 80. */
    static final int[][] TALL = {{10, 20}, {30, 40}, {50, 60}, {70, 80}};

    static float[] over255(float... stored) {
        float[] out = new float[stored.length];
        for (int i = 0; i < stored.length; i++) {
            out[i] = stored[i] / 255;
        }
        return out;
    }

    static float[] toChw(int[][] grey, int height, int width, ResizePolicy policy) {
        return Images.toChw(ImagesResampleTest.grey(grey), 1, height, width, policy);
    }

    @Test
    void stretchAveragesPairsOfColumnsAndKeepsTheRows() {
        // (10+20)/2, (30+40)/2 over (50+60)/2, (70+80)/2
        assertArrayEquals(over255(15, 35, 55, 75), toChw(WIDE, 2, 2, ResizePolicy.STRETCH), 1e-6f);
    }

    @Test
    void stretchIsTheDefault() {
        BufferedImage image = ImagesResampleTest.grey(WIDE);
        assertArrayEquals(Images.toChw(image, 1, 2, 2, ResizePolicy.STRETCH), Images.toChw(image, 1, 2, 2), 0f);
    }

    @Test
    void centerCropOfAWideImageKeepsTheMiddleColumns() {
        // the height fits at scale 1; a 2-wide window centred in 4 columns is columns 1 and 2
        assertArrayEquals(over255(20, 30, 60, 70), toChw(WIDE, 2, 2, ResizePolicy.CENTER_CROP), 1e-6f);
    }

    @Test
    void centerCropOfATallImageKeepsTheMiddleRows() {
        assertArrayEquals(over255(30, 40, 50, 60), toChw(TALL, 2, 2, ResizePolicy.CENTER_CROP), 1e-6f);
    }

    @Test
    void centerCropShrinksTheCentreByAreaAveraging() {
        int[][] values = new int[4][8]; // value x + 8y
        for (int y = 0; y < 4; y++) {
            for (int x = 0; x < 8; x++) {
                values[y][x] = x + 8 * y;
            }
        }
        // scale 1/2 fits the height; the window is columns 2–5; outputs average 2×2 blocks of it:
        // (2+3+10+11)/4 = 6.5, (4+5+12+13)/4 = 8.5, (18+19+26+27)/4 = 22.5, (20+21+28+29)/4 = 24.5
        assertArrayEquals(over255(6.5f, 8.5f, 22.5f, 24.5f), toChw(values, 2, 2, ResizePolicy.CENTER_CROP), 1e-6f);
    }

    @Test
    void centerCropWithAnOddMarginWeighsTheCutPixelsByHalf() {
        // 4 → 1 column at scale 1: the window [1.5, 2.5) is half of pixel 1 and half of pixel 2
        assertArrayEquals(over255(150), toChw(new int[][] {{0, 100, 200, 250}}, 1, 1, ResizePolicy.CENTER_CROP),
                1e-6f);
    }

    @Test
    void letterboxOfAWideImagePadsBelowWhenThePadIsOdd() {
        // scale 1/2 fits the width: 2×1 of block means (10+20+50+60)/4 = 35, (30+40+70+80)/4 = 55; one pad row
        assertArrayEquals(over255(35, 55, 0, 0), toChw(WIDE, 2, 2, ResizePolicy.LETTERBOX), 1e-6f);
    }

    @Test
    void letterboxCentresTheImageBetweenEqualPads() {
        int[][] wide = {{0, 10, 20, 30, 40, 50}, {60, 70, 80, 90, 100, 110}};
        // 6×2 into 3×3: scale 1/2 gives 3×1 of block means 35, 55, 75 in the middle row
        assertArrayEquals(over255(0, 0, 0, 35, 55, 75, 0, 0, 0), toChw(wide, 3, 3, ResizePolicy.LETTERBOX), 1e-6f);
    }

    @Test
    void letterboxOfATallImagePadsOnTheRight() {
        // scale 1/2 fits the height: 1×2 of block means (10+20+30+40)/4 = 25, (50+60+70+80)/4 = 65
        assertArrayEquals(over255(25, 0, 65, 0), toChw(TALL, 2, 2, ResizePolicy.LETTERBOX), 1e-6f);
    }

    @Test
    void letterboxPadsEveryChannelWithZero() {
        BufferedImage image = new BufferedImage(2, 1, BufferedImage.TYPE_INT_RGB);
        image.setRGB(0, 0, 0x0a141e); // (10, 20, 30)
        image.setRGB(1, 0, 0x28323c); // (40, 50, 60)
        // 2×1 fits the 2×2 input's width unscaled; the second row is padding
        assertArrayEquals(over255(10, 40, 0, 0, 20, 50, 0, 0, 30, 60, 0, 0),
                Images.toChw(image, 3, 2, 2, ResizePolicy.LETTERBOX), 1e-6f);
    }

    @Test
    void anImageOfTheInputSizeIsCopiedUnderEveryPolicy() {
        for (ResizePolicy policy : ResizePolicy.values()) {
            assertArrayEquals(over255(10, 20, 30, 40, 50, 60, 70, 80), toChw(WIDE, 2, 4, policy), 0f,
                    policy.toString());
        }
    }

    @Test
    void resizeForDisplayKeepsStoredGreyValues() {
        BufferedImage grey = ImagesResampleTest.grey(new int[][] {{64, 64}, {200, 200}});
        BufferedImage shown = Images.resize(grey, 1, 2);
        assertEquals(BufferedImage.TYPE_INT_RGB, shown.getType());
        assertEquals(0x404040, shown.getRGB(0, 0) & 0xffffff);
        assertEquals(0xc8c8c8, shown.getRGB(0, 1) & 0xffffff);
    }

    @Test
    void resizeForDisplayFollowsThePolicy() {
        BufferedImage shown = Images.resize(ImagesResampleTest.grey(WIDE), 2, 2, ResizePolicy.CENTER_CROP);
        assertEquals(0x141414, shown.getRGB(0, 0) & 0xffffff); // 20
        assertEquals(0x464646, shown.getRGB(1, 1) & 0xffffff); // 70
    }

    @Test
    void aBadSizeIsNamed() {
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> Images.toChw(ImagesResampleTest.grey(WIDE), 1, 0, 5, ResizePolicy.STRETCH));
        assertEquals("output size was 0x5; expected a positive height and width", e.getMessage());
    }
}
