package io.github.explain4j.render;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.explain4j.embed.Embedding;
import java.awt.Color;
import java.awt.Point;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class EmbeddingPlotsTest {

    private static BufferedImage solid(Color c) {
        BufferedImage im = new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 8; y++) {
            for (int x = 0; x < 8; x++) {
                im.setRGB(x, y, c.getRGB());
            }
        }
        return im;
    }

    private static int rgb(BufferedImage im, int x, int y) {
        return im.getRGB(x, y) & 0xFFFFFF;
    }

    @Test
    void scatterPlotDrawsEachPointInItsClassColourWhereItBelongs() {
        double[][] xy = {{0, 0}, {10, 10}, {0, 10}, {10, 0}, {5, 5}};
        int[] labels = {0, 1, 2, 3, 9};
        Embedding e = Embedding.of(xy, labels, "t-SNE (exact)", "test", 0.5);
        ScatterPlot plot = ScatterPlot.of(e, List.of("T-shirt", "Trouser", "Pullover", "Dress")).pointSize(11);
        BufferedImage im = plot.render(500, 400);
        assertEquals(500, im.getWidth());
        for (int i = 0; i < xy.length; i++) {
            Point p = plot.position(xy[i][0], xy[i][1], 500, 400);
            assertEquals(ScatterPlot.classColour(labels[i]).getRGB() & 0xFFFFFF, rgb(im, p.x, p.y), "point " + i);
        }
        // the axes run the usual way: larger x to the right, larger y up
        Point origin = plot.position(0, 0, 500, 400);
        Point corner = plot.position(10, 10, 500, 400);
        assertTrue(corner.x > origin.x + 200 && corner.y < origin.y - 200, origin + " " + corner);
        // between the points the plot is background (white or a light grid line), not a class colour
        Point between = plot.position(2.5, 7.5, 500, 400);
        int c = rgb(im, between.x, between.y);
        assertTrue(c == 0xFFFFFF || c == 0xE6E6E6, Integer.toHexString(c));
        // class 9 has no name: the legend calls it "class 9"; distinct classes have distinct colours
        Set<Integer> colours = new HashSet<>();
        for (int k = 0; k < 10; k++) {
            colours.add(ScatterPlot.classColour(k).getRGB());
        }
        assertEquals(10, colours.size());
    }

    @Test
    void scatterPlotRefusesBadPoints() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ScatterPlot.titled("t")
                .points(new double[] {1, Double.NaN}, new double[] {0, 0}, new int[] {0, 0})).getMessage()
                .contains("point 1 is (NaN, 0.0)"));
        assertTrue(assertThrows(IllegalStateException.class, () -> ScatterPlot.titled("t").render(400, 300))
                .getMessage().contains("no points"));
    }

    @Test
    void gridPutsEachCornerImageInItsCornerCell() {
        // points at the four corners; the image of each is a solid colour
        double[][] xy = {{0, 0}, {1, 0}, {0, 1}, {1, 1}};
        Color[] colours = {Color.RED, Color.GREEN, Color.BLUE, Color.ORANGE};
        List<BufferedImage> images = new ArrayList<>();
        for (Color c : colours) {
            images.add(solid(c));
        }
        Embedding e = Embedding.of(xy, null, "test", "test", Double.NaN);
        ImageMap map = ImageMap.grid(2, 2, 10);
        BufferedImage im = map.render(e, images);
        assertEquals(20, im.getWidth());
        assertEquals(20, im.getHeight());
        // top-left cell: the point with small x and large y, and so on
        assertEquals(Color.BLUE.getRGB() & 0xFFFFFF, rgb(im, 5, 5));
        assertEquals(Color.ORANGE.getRGB() & 0xFFFFFF, rgb(im, 15, 5));
        assertEquals(Color.RED.getRGB() & 0xFFFFFF, rgb(im, 5, 15));
        assertEquals(Color.GREEN.getRGB() & 0xFFFFFF, rgb(im, 15, 15));
        assertArrayEquals(new int[] {2, 3, 0, 1}, map.assignment(e));
    }

    @Test
    void gridUsesEachPointOnceAndLeavesMissingCellsWhite() {
        Random r = new Random(1);
        double[][] xy = new double[30][];
        List<BufferedImage> images = new ArrayList<>();
        for (int i = 0; i < xy.length; i++) {
            xy[i] = new double[] {r.nextDouble(), r.nextDouble()};
            images.add(solid(Color.BLACK));
        }
        Embedding e = Embedding.of(xy, null, "test", "test", Double.NaN);
        int[] five = ImageMap.grid(5, 5, 4).assignment(e);
        Set<Integer> distinct = new HashSet<>();
        for (int a : five) {
            assertTrue(a >= 0);
            distinct.add(a);
        }
        assertEquals(25, distinct.size());
        // 30 points in 36 cells: the last six cells are empty, white
        ImageMap six = ImageMap.grid(6, 6, 4);
        int[] a = six.assignment(e);
        for (int k = 0; k < 36; k++) {
            assertEquals(k >= 30, a[k] < 0, "cell " + k);
        }
        BufferedImage im = six.render(e, images);
        assertEquals(0xFFFFFF, rgb(im, 5 * 4 + 2, 5 * 4 + 2));
        assertEquals(0x000000, rgb(im, 2, 2));
    }

    @Test
    void pastedMapPutsImagesAtTheirScaledCoordinates() {
        double[][] xy = {{-3, 2}, {5, 8}, {1, 5}};
        List<BufferedImage> images = List.of(solid(Color.RED), solid(Color.GREEN), solid(Color.BLUE));
        Embedding e = Embedding.of(xy, null, "test", "test", Double.NaN);
        BufferedImage im = ImageMap.pasted(100, 80, 10).render(e, images);
        assertEquals(Color.RED.getRGB() & 0xFFFFFF, rgb(im, 5, 75));     // min x, min y: bottom left
        assertEquals(Color.GREEN.getRGB() & 0xFFFFFF, rgb(im, 95, 5));   // max x, max y: top right
        assertEquals(Color.BLUE.getRGB() & 0xFFFFFF, rgb(im, 50, 40));   // the middle
        assertNotEquals(Color.RED.getRGB() & 0xFFFFFF, rgb(im, 95, 75));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> ImageMap.pasted(100, 80, 10).render(e, images.subList(0, 2))).getMessage()
                .contains("2 images for 3 points"));
    }
}
