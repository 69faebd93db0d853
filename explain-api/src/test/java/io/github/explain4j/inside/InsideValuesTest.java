package io.github.explain4j.inside;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import org.junit.jupiter.api.Test;

/** The inside-the-network values: layout, copies, refusals and the pictures' scales. */
class InsideValuesTest {

    @Test
    void kernelsSliceRowMajorAndRefuseWrongShapes() {
        float[] w = new float[2 * 1 * 2 * 2];
        for (int i = 0; i < w.length; i++) {
            w[i] = i - 3;
        }
        Kernels k = new Kernels(w, 2, 1, 2, 2, "conv", "m");
        assertArrayEquals(new float[] {1, 2, 3, 4}, k.kernel(1, 0));
        w[0] = 99;
        assertEquals(-3, k.weights()[0], "a copy");
        // grey bank: the largest magnitude 4 is white, −3 dark, 0 mid grey
        BufferedImage img = k.image(2);
        assertEquals(0xFFFFFF, img.getRGB(2 * Kernels.ZOOM + 4 + Kernels.ZOOM + 1, Kernels.ZOOM + 1) & 0xFFFFFF);
        assertEquals(Kernels.level(-3, 4), img.getRGB(1, 1) & 0xFF);
        assertEquals(128, Kernels.level(0, 4));
        IllegalArgumentException shape = assertThrows(IllegalArgumentException.class,
                () -> new Kernels(new float[5], 2, 1, 2, 2, "conv", "m"));
        assertTrue(shape.getMessage().contains("5 values; expected 2×1×2×2"), shape.getMessage());
        IllegalArgumentException index = assertThrows(IllegalArgumentException.class, () -> k.kernel(2, 0));
        assertTrue(index.getMessage().contains("(2, 0) is outside 2 output"), index.getMessage());
    }

    @Test
    void activationsSliceByChannelAndShareOneScale() {
        float[] v = {0, 1, 2, 3, 4, 5, 6, 8};
        LayerActivations a = new LayerActivations(v, 2, 2, 2, "l", "m");
        assertArrayEquals(new float[] {4, 5, 6, 8}, a.map(1));
        assertArrayEquals(new double[] {1.5, 5.75}, a.channelMeans(), 1e-12);
        BufferedImage grid = a.image(2, 2, 2);
        // one scale for the layer: channel 0's largest value (3) is darker than channel 1's (8, the top of the scale)
        int c0 = grid.getRGB(1, 1) & 0xFF00;
        int c1 = grid.getRGB(2 + 4 + 1, 1) & 0xFF00;
        assertTrue(c1 > c0, "viridis green rises with the value: " + c0 + " vs " + c1);
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> a.map(2));
        assertTrue(bad.getMessage().contains("channel was 2; layer 'l' has 2 channels"), bad.getMessage());
    }
}
