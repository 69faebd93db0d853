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

    /**
     * The pixels of every sample are those drawn before the concept masks were added: a hash of 150 samples of
     * three splits at two sizes, images and class masks, recorded from the generator as it was (commit bab8319).
     */
    @Test
    void conceptMasksLeaveEveryPixelAsItWas() {
        assertEquals(4048172234013487693L, hash(64));
        assertEquals(7262556588443221213L, hash(48));
    }

    private static long hash(int size) {
        SyntheticShapes s = SyntheticShapes.create(size);
        long h = 1125899906842597L;
        for (long seed : new long[] {1, 2, 7}) {
            for (int i = 0; i < 50; i++) {
                SyntheticShapes.Sample sample = s.sample(seed, i);
                for (int p : pixels(sample.image())) {
                    h = 31 * h + p;
                }
                for (boolean b : sample.mask()) {
                    h = 31 * h + (b ? 1 : 0);
                }
            }
        }
        return h;
    }

    /**
     * The six concept masks partition the image; the class shape's is {@code mask()} under its class name and the
     * other classes' are empty; each distractor's pixels all have one colour that differs from the class shape's,
     * and the pixels just outside a distractor (not under another object) mostly do not have its colour.
     */
    @Test
    void conceptMasksPartitionTheImageAndCoverTheDistractorsPaintedPixels() {
        int shown = 0;
        for (int i = 0; i < 60; i++) {
            SyntheticShapes.Sample s = shapes.sample(2, i);
            assertEquals(SyntheticShapes.CONCEPTS, java.util.List.copyOf(s.concepts().keySet()));
            int[] px = pixels(s.image());
            for (int p = 0; p < px.length; p++) {
                int owners = 0;
                for (boolean[] m : s.concepts().values()) {
                    owners += m[p] ? 1 : 0;
                }
                assertEquals(1, owners, "pixel " + p + " of sample " + i);
            }
            for (int c = 0; c < 3; c++) {
                boolean[] m = s.concept(SyntheticShapes.CLASSES.get(c));
                if (c == s.label()) {
                    assertArrayEquals(s.mask(), m);
                } else {
                    assertFalse(any(m), "class " + c + " is absent from sample " + i);
                }
            }
            for (String d : java.util.List.of(SyntheticShapes.PLUS, SyntheticShapes.ELLIPSE)) {
                boolean[] m = s.concept(d);
                if (!any(m)) {
                    continue;
                }
                shown++;
                Integer colour = null;
                int count = 0;
                for (int p = 0; p < px.length; p++) {
                    if (m[p]) {
                        colour = colour == null ? px[p] : colour;
                        assertEquals(colour.intValue(), px[p], d + " pixel " + p + " of sample " + i);
                        count++;
                    }
                }
                assertTrue(count > 15, d + " of sample " + i + " has " + count + " pixels");
                // the ring just outside the distractor, on the background
                int ring = 0;
                int same = 0;
                boolean[] background = s.concept(SyntheticShapes.BACKGROUND);
                for (int y = 0; y < 64; y++) {
                    for (int x = 0; x < 64; x++) {
                        if (!background[y * 64 + x] || !touches(m, x, y)) {
                            continue;
                        }
                        ring++;
                        same += px[y * 64 + x] == colour ? 1 : 0;
                    }
                }
                assertTrue(same <= 0.2 * ring, d + " of sample " + i + ": " + same + " of " + ring
                        + " pixels around it have its colour");
            }
        }
        assertTrue(shown >= 100, "distractors shown in 60 samples: " + shown);
        assertThrows(IllegalArgumentException.class, () -> shapes.sample(2, 0).concept("hexagon"));
    }

    private static boolean touches(boolean[] m, int x, int y) {
        for (int[] d : new int[][] {{1, 0}, {-1, 0}, {0, 1}, {0, -1}}) {
            int xx = x + d[0];
            int yy = y + d[1];
            if (xx >= 0 && yy >= 0 && xx < 64 && yy < 64 && m[yy * 64 + xx]) {
                return true;
            }
        }
        return false;
    }

    private static boolean any(boolean[] m) {
        for (boolean b : m) {
            if (b) {
                return true;
            }
        }
        return false;
    }
}
