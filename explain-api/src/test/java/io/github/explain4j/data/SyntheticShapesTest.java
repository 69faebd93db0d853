package io.github.explain4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import org.junit.jupiter.api.Test;

class SyntheticShapesTest {

    private final SyntheticShapes shapes = SyntheticShapes.create(64);

    private static int[] pixels(BufferedImage i) {
        return i.getRGB(0, 0, i.getWidth(), i.getHeight(), null, 0, i.getWidth());
    }

    @Test
    void samplesArePureFunctionsOfSeedAndIndex() {
        SyntheticShapes.Sample a = shapes.sample(5, 17);
        SyntheticShapes.Sample b = shapes.sample(5, 17);
        assertArrayEquals(pixels(a.image()), pixels(b.image()));
        assertArrayEquals(a.mask(), b.mask());
        assertFalse(java.util.Arrays.equals(pixels(a.image()), pixels(shapes.sample(6, 17).image())));
    }

    @Test
    void classesCycleAndMasksAreOneCompactObjectAroundItsCentre() {
        for (int i = 0; i < 60; i++) {
            SyntheticShapes.Sample s = shapes.sample(3, i);
            assertEquals(i % 3, s.label());
            double f = s.maskFraction();
            assertTrue(f > 0.02 && f < 0.25, "mask fraction " + f + " of sample " + i);
            int cx = (int) Math.round(s.centerX());
            int cy = (int) Math.round(s.centerY());
            boolean[] near = new boolean[1];
            for (int dy = -2; dy <= 2; dy++) {
                for (int dx = -2; dx <= 2; dx++) {
                    near[0] |= s.mask()[(cy + dy) * 64 + cx + dx];
                }
            }
            assertTrue(near[0], "centre lies on the shape, sample " + i);
        }
    }

    @Test
    void maskedPixelsAllHaveTheObjectsColour() {
        SyntheticShapes.Sample s = shapes.sample(4, 2);
        int[] px = pixels(s.image());
        Integer colour = null;
        for (int i = 0; i < px.length; i++) {
            if (s.mask()[i]) {
                if (colour == null) {
                    colour = px[i];
                }
                assertEquals(colour.intValue(), px[i], "pixel " + i + " inside the mask");
            }
        }
        assertNotEquals(null, colour);
    }

    @Test
    void dilationGrowsTheMaskByTheRadius() {
        SyntheticShapes.Sample s = shapes.sample(4, 5);
        boolean[] d = s.dilatedMask(3);
        int before = 0;
        int after = 0;
        for (int i = 0; i < d.length; i++) {
            before += s.mask()[i] ? 1 : 0;
            after += d[i] ? 1 : 0;
            if (s.mask()[i]) {
                assertTrue(d[i]);
            }
        }
        assertTrue(after > before + 20, before + " -> " + after);
    }

    @Test
    void badArgumentsNameTheValue() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> SyntheticShapes.create(16)).getMessage()
                .contains("16"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> shapes.sample(1, -1)).getMessage()
                .contains("-1"));
    }
}
