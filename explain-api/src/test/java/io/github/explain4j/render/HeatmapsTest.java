package io.github.explain4j.render;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.explain4j.api.Attribution;
import io.github.explain4j.api.Provenance;
import java.awt.Color;
import java.awt.GraphicsEnvironment;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

class HeatmapsTest {

    static Attribution attribution(float[] values, int c, int h, int w, boolean signed) {
        Provenance p = new Provenance("Test", Map.of(), OptionalLong.empty(), "none", "fixture", "class 0", 0);
        return new Attribution(values, c, h, w, signed, p, Map.of());
    }

    static BufferedImage noise(int w, int h, int type, long seed) {
        Random random = new Random(seed);
        BufferedImage im = new BufferedImage(w, h, type);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                im.setRGB(x, y, random.nextInt());
            }
        }
        return im;
    }

    static int[] pixels(BufferedImage im) {
        return im.getRGB(0, 0, im.getWidth(), im.getHeight(), null, 0, im.getWidth());
    }

    static void assertMessage(Class<? extends Throwable> type, Executable call, String... parts) {
        Throwable e = assertThrows(type, call);
        for (String part : parts) {
            assertTrue(e.getMessage().contains(part), "'" + e.getMessage() + "' should mention '" + part + "'");
        }
    }

    @Test
    void rendersAnUnsignedMapInJetRowMajor() {
        // 2 rows, 3 columns: value = index
        BufferedImage im = Heatmaps.render(new float[] {0, 1, 2, 3, 4, 5}, 2, 3, false);
        assertEquals(3, im.getWidth());
        assertEquals(2, im.getHeight());
        assertEquals(Colormap.JET.argb(0), im.getRGB(0, 0));
        assertEquals(Colormap.JET.argb(0.2), im.getRGB(1, 0));
        assertEquals(Colormap.JET.argb(0.6), im.getRGB(0, 1));
        assertEquals(Colormap.JET.argb(1), im.getRGB(2, 1));
    }

    @Test
    void signedAttributionsDefaultToDivergingWithWhiteAtZero() {
        // two channels summed: -2, 0, +1
        Attribution a = attribution(new float[] {-1, 0, 0.5f, -1, 0, 0.5f}, 2, 1, 3, true);
        BufferedImage im = Heatmaps.render(a);
        assertEquals(Colormap.DIVERGING.argb(0), im.getRGB(0, 0));
        assertEquals(0xFFFFFFFF, im.getRGB(1, 0));
        assertEquals(Colormap.DIVERGING.argb(0.75), im.getRGB(2, 0));
    }

    @Test
    void unsignedAttributionsUseMaxAbsOverChannelsAndJet() {
        Attribution a = attribution(new float[] {1, -4, 2, 3}, 2, 1, 2, false);   // max |.| = 2, 4
        BufferedImage im = Heatmaps.render(a);
        assertEquals(Colormap.JET.argb(0), im.getRGB(0, 0));
        assertEquals(Colormap.JET.argb(1), im.getRGB(1, 0));
        assertEquals(Colormap.VIRIDIS.argb(1), Heatmaps.render(a, Colormap.VIRIDIS).getRGB(1, 0));
    }

    @Test
    void aDivergingColormapIsAppliedSymmetricallyEvenToAnUnsignedMap() {
        BufferedImage im = Heatmaps.render(new float[] {0, 2, 4}, 1, 3, false, Colormap.DIVERGING);
        assertEquals(0xFFFFFFFF, im.getRGB(0, 0));
        assertEquals(Colormap.DIVERGING.argb(0.75), im.getRGB(1, 0));
    }

    @Test
    void resizingAConstantMapGivesTheSameConstant() {
        float[] map = new float[12];
        Arrays.fill(map, 0.3f);
        float[] out = Heatmaps.resize(map, 3, 4, 17, 9);
        for (float v : out) {
            assertEquals(0.3f, v, 0f);
        }
    }

    @Test
    void resizingARampGivesARampSampledAtPixelCentres() {
        int h = 2;
        int w = 4;
        float[] ramp = new float[h * w];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                ramp[y * w + x] = x;
            }
        }
        int newW = 8;
        float[] out = Heatmaps.resize(ramp, h, w, 5, newW);
        for (int y = 0; y < 5; y++) {
            for (int x = 0; x < newW; x++) {
                double expected = Math.min(w - 1, Math.max(0, (x + 0.5) * w / newW - 0.5));
                assertEquals(expected, out[y * newW + x], 1e-6, "(" + x + ", " + y + ")");
            }
            // inside the clamped borders the step is constant: a ramp stays a ramp
            for (int x = 2; x < newW - 1; x++) {
                assertEquals(0.5f, out[y * newW + x] - out[y * newW + x - 1], 1e-6f);
            }
        }
        // vertical ramp, shrunk
        float[] column = {0, 1, 2, 3, 4, 5, 6, 7};
        assertArrayEquals(new float[] {0.5f, 2.5f, 4.5f, 6.5f}, Heatmaps.resize(column, 8, 1, 4, 1), 1e-6f);
    }

    @Test
    void resizingToTheSameSizeIsTheIdentity() {
        float[] map = {3, -1, 4, 1, -5, 9};
        assertArrayEquals(map, Heatmaps.resize(map, 2, 3, 2, 3));
    }

    @Test
    void blendWeightsTheTwoImages() {
        BufferedImage base = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
        base.setRGB(0, 0, 0x000000);
        BufferedImage top = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
        top.setRGB(0, 0, 0xC86432);
        assertEquals(0xFF643219, Heatmaps.blend(base, top, 0.5).getRGB(0, 0));
        assertEquals(0xFF964B26, Heatmaps.blend(base, top, 0.75).getRGB(0, 0));
    }

    @Test
    void gridPlacesImagesInColumnsAndRows() {
        List<BufferedImage> images = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            images.add(noise(10, 20, BufferedImage.TYPE_INT_RGB, i));
        }
        BufferedImage grid = Heatmaps.grid(images, 3);
        int gap = Heatmaps.GRID_GAP;
        assertEquals(3 * 10 + 2 * gap, grid.getWidth());
        assertEquals(2 * 20 + gap, grid.getHeight());
        for (int i = 0; i < 5; i++) {
            int x0 = (i % 3) * (10 + gap);
            int y0 = (i / 3) * (20 + gap);
            for (int y = 0; y < 20; y++) {
                for (int x = 0; x < 10; x++) {
                    assertEquals(images.get(i).getRGB(x, y), grid.getRGB(x0 + x, y0 + y), "image " + i);
                }
            }
        }
        assertEquals(0xFFFFFFFF, grid.getRGB(10, 0), "gap is white");
        assertEquals(0xFFFFFFFF, grid.getRGB(grid.getWidth() - 1, grid.getHeight() - 1), "empty cell is white");
    }

    @Test
    void gridWithMoreColumnsThanImagesIsOneRow() {
        List<BufferedImage> images = List.of(noise(8, 6, BufferedImage.TYPE_INT_RGB, 1),
                noise(4, 4, BufferedImage.TYPE_INT_RGB, 2));
        BufferedImage grid = Heatmaps.grid(images, 5);
        assertEquals(2 * 8 + Heatmaps.GRID_GAP, grid.getWidth());
        assertEquals(6, grid.getHeight());
        // the smaller image is centred in its 8x6 cell
        assertEquals(images.get(1).getRGB(0, 0), grid.getRGB(8 + Heatmaps.GRID_GAP + 2, 1));
    }

    @Test
    void captionsAreDrawnBelowTheImagesHeadless() {
        assertTrue(GraphicsEnvironment.isHeadless(), "tests run without a display");
        BufferedImage white = new BufferedImage(80, 30, BufferedImage.TYPE_INT_RGB);
        var g = white.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, 80, 30);
        g.dispose();
        List<BufferedImage> images = List.of(white, white, white);
        BufferedImage plain = Heatmaps.grid(images, 2);
        BufferedImage captioned = Heatmaps.grid(images, Arrays.asList("input", null, "a caption much too long to fit"), 2);
        assertEquals(plain.getWidth(), captioned.getWidth());
        int band = (captioned.getHeight() - plain.getHeight()) / 2;
        assertEquals(plain.getHeight() + 2 * band, captioned.getHeight(), "one band per row");
        assertTrue(band >= Heatmaps.CAPTION_FONT_SIZE, "band fits the font: " + band);
        int gap = Heatmaps.GRID_GAP;
        assertTrue(darkPixels(captioned, 0, 30, 80, band) > 10, "first caption drawn");
        assertEquals(0, darkPixels(captioned, 80 + gap, 30, 80, band), "null caption leaves the band empty");
        assertTrue(darkPixels(captioned, 0, 30 + band + gap + 30, 80, band) > 10, "long caption drawn");
        assertEquals(0, darkPixels(captioned, 0, 0, 80, 30), "text stays out of the image");
    }

    private static int darkPixels(BufferedImage im, int x0, int y0, int w, int h) {
        int n = 0;
        for (int y = y0; y < y0 + h; y++) {
            for (int x = x0; x < x0 + w; x++) {
                int p = im.getRGB(x, y);
                if ((p >> 16 & 0xFF) + (p >> 8 & 0xFF) + (p & 0xFF) < 3 * 128) {
                    n++;
                }
            }
        }
        return n;
    }

    @Test
    void pngRoundTripsPixelForPixelAndCreatesDirectories(@TempDir Path dir) throws IOException {
        for (int type : new int[] {BufferedImage.TYPE_INT_RGB, BufferedImage.TYPE_INT_ARGB}) {
            BufferedImage im = noise(13, 7, type, type);
            Path file = dir.resolve("a/b/c/out-" + type + ".png");
            assertEquals(file, Heatmaps.write(im, file));
            assertTrue(Files.size(file) > 0);
            BufferedImage back = ImageIO.read(file.toFile());
            assertEquals(13, back.getWidth());
            assertEquals(7, back.getHeight());
            assertArrayEquals(pixels(im), pixels(back), "type " + type);
        }
    }

    @Test
    void badInputsNameTheValueAndTheFix() {
        float[] six = new float[6];
        assertMessage(IllegalArgumentException.class, () -> Heatmaps.render(new float[10], 3, 4, false),
                "10 values", "3*4 = 12");
        assertMessage(IllegalArgumentException.class, () -> Heatmaps.render(six, 0, 6, false), "0x6", "positive");
        assertMessage(IllegalArgumentException.class, () -> Heatmaps.resize(six, 2, 3, 4, -1), "4x-1");
        assertMessage(NullPointerException.class, () -> Heatmaps.render(null, 2, 3, false), "map was null");
        assertMessage(IllegalArgumentException.class, () -> Heatmaps.render(new float[] {1, Float.NaN}, 1, 2, true),
                "map[1] was NaN");
        BufferedImage one = new BufferedImage(2, 2, BufferedImage.TYPE_INT_RGB);
        assertMessage(IllegalArgumentException.class, () -> Heatmaps.blend(one, one, 1.5),
                "alpha was 1.5; expected a value in [0, 1]");
        assertMessage(IllegalArgumentException.class,
                () -> Heatmaps.blend(one, new BufferedImage(3, 2, BufferedImage.TYPE_INT_RGB), 0.5),
                "3x2", "2x2");
        assertMessage(IllegalArgumentException.class, () -> Heatmaps.grid(List.of(), 2), "no images");
        assertMessage(IllegalArgumentException.class, () -> Heatmaps.grid(List.of(one), 0), "columns was 0");
        assertMessage(IllegalArgumentException.class, () -> Heatmaps.grid(List.of(one, one, one), List.of("a", "b"), 2),
                "captions has 2", "images has 3");
        assertMessage(IllegalArgumentException.class, () -> Heatmaps.grid(Arrays.asList(one, null), 2),
                "images[1] was null");
        assertMessage(NullPointerException.class, () -> Heatmaps.write(null, Path.of("x.png")), "image was null");
    }
}
