package io.github.explain4j.render;

import static io.github.explain4j.render.HeatmapsTest.assertMessage;
import static io.github.explain4j.render.HeatmapsTest.attribution;
import static io.github.explain4j.render.HeatmapsTest.noise;
import static io.github.explain4j.render.HeatmapsTest.pixels;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.explain4j.api.Attribution;
import java.awt.image.BufferedImage;
import java.util.Random;
import org.junit.jupiter.api.Test;

class OverlayTest {

    private static float[] randomMap(int n, long seed) {
        Random random = new Random(seed);
        float[] map = new float[n];
        for (int i = 0; i < n; i++) {
            map[i] = (float) random.nextGaussian();
        }
        return map;
    }

    @Test
    void alphaZeroReturnsTheOriginalPixels() {
        BufferedImage image = noise(16, 12, BufferedImage.TYPE_INT_RGB, 7);
        Attribution a = attribution(randomMap(3 * 4 * 4, 1), 3, 4, 4, true);
        BufferedImage out = Heatmaps.overlay(image, a, 0);
        assertEquals(16, out.getWidth());
        assertEquals(12, out.getHeight());
        assertArrayEquals(pixels(image), pixels(out));
    }

    @Test
    void alphaOneReturnsTheHeatmapPixels() {
        BufferedImage image = noise(5, 3, BufferedImage.TYPE_INT_RGB, 8);
        float[] map = randomMap(15, 2);
        for (boolean signed : new boolean[] {false, true}) {
            BufferedImage heat = Heatmaps.render(map, 3, 5, signed);
            BufferedImage out = Overlay.alpha(1).apply(image, map, 3, 5, signed);
            assertArrayEquals(pixels(heat), pixels(out), "signed " + signed);
        }
    }

    @Test
    void aSmallMapIsStretchedOverTheWholeImage() {
        BufferedImage image = noise(40, 30, BufferedImage.TYPE_INT_RGB, 9);
        // left column hot, right column cold
        BufferedImage out = Overlay.alpha(1).colormap(Colormap.GRAY).apply(image, new float[] {1, 0, 1, 0}, 2, 2,
                false);
        assertEquals(40, out.getWidth());
        assertEquals(30, out.getHeight());
        assertEquals(0xFFFFFFFF, out.getRGB(0, 0));
        assertEquals(0xFFFFFFFF, out.getRGB(9, 29));
        assertEquals(0xFF000000, out.getRGB(39, 15));
        int mid = out.getRGB(19, 15) & 0xFF;
        assertTrue(mid > 100 && mid < 155, "bilinear blend in the middle: " + mid);
    }

    @Test
    void transparencyOfTheInputIsKept() {
        BufferedImage image = noise(4, 4, BufferedImage.TYPE_INT_ARGB, 3);
        BufferedImage out = Overlay.alpha(0.5).apply(image, randomMap(16, 4), 4, 4, false);
        assertEquals(BufferedImage.TYPE_INT_ARGB, out.getType());
        for (int y = 0; y < 4; y++) {
            for (int x = 0; x < 4; x++) {
                assertEquals(image.getRGB(x, y) >>> 24, out.getRGB(x, y) >>> 24);
            }
        }
    }

    @Test
    void clippingSaturatesTheOutlier() {
        BufferedImage image = noise(101, 1, BufferedImage.TYPE_INT_RGB, 5);
        float[] map = new float[101];
        for (int i = 0; i < 100; i++) {
            map[i] = i;
        }
        map[100] = 1e6f;
        BufferedImage plain = Overlay.alpha(1).colormap(Colormap.GRAY).apply(image, map, 1, 101, false);
        BufferedImage clipped = Overlay.alpha(1).colormap(Colormap.GRAY).clip(99).apply(image, map, 1, 101, false);
        assertEquals(0xFF000000, plain.getRGB(99, 0));
        assertEquals(0xFFFFFFFF, clipped.getRGB(99, 0));
        assertEquals(0xFFFFFFFF, clipped.getRGB(100, 0));
    }

    @Test
    void withersReturnNewValues() {
        Overlay base = Overlay.alpha(0.4);
        Overlay viridis = base.colormap(Colormap.VIRIDIS).clip(99).withAlpha(0.6);
        assertEquals(0.4, base.alpha());
        assertEquals(Colormap.JET, base.colormapFor(false));
        assertEquals(Colormap.DIVERGING, base.colormapFor(true));
        assertTrue(base.percentile().isEmpty());
        assertEquals(0.6, viridis.alpha());
        assertEquals(Colormap.VIRIDIS, viridis.colormapFor(true));
        assertEquals(99, viridis.percentile().getAsDouble());
    }

    @Test
    void badInputsNameTheValueAndTheFix() {
        BufferedImage image = noise(4, 3, BufferedImage.TYPE_INT_RGB, 1);
        assertMessage(IllegalArgumentException.class, () -> Overlay.alpha(1.5),
                "alpha was 1.5; expected a value in [0, 1]");
        assertMessage(IllegalArgumentException.class, () -> Overlay.alpha(-0.1), "alpha was -0.1");
        assertMessage(IllegalArgumentException.class, () -> Overlay.alpha(Double.NaN), "alpha was NaN");
        assertMessage(IllegalArgumentException.class, () -> Overlay.alpha(0.5).withAlpha(2), "alpha was 2.0");
        assertMessage(IllegalArgumentException.class, () -> Overlay.alpha(0.5).clip(0), "percentile was 0.0");
        assertMessage(NullPointerException.class, () -> Overlay.alpha(0.5).apply(null, new float[1], 1, 1, false),
                "image was null");
        assertMessage(IllegalArgumentException.class,
                () -> Overlay.alpha(0.5).apply(image, new float[10], 3, 4, false), "10 values", "3*4 = 12");
        assertMessage(NullPointerException.class, () -> Overlay.alpha(0.5).colormap(null), "colormap was null");
    }
}
