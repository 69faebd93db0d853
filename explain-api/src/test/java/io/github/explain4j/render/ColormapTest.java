package io.github.explain4j.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ColormapTest {

    static int r(int argb) {
        return argb >> 16 & 0xFF;
    }

    static int g(int argb) {
        return argb >> 8 & 0xFF;
    }

    static int b(int argb) {
        return argb & 0xFF;
    }

    /** Relative luminance (WCAG / Rec. 709) of an sRGB colour. */
    static double luminance(int argb) {
        return 0.2126 * linear(r(argb)) + 0.7152 * linear(g(argb)) + 0.0722 * linear(b(argb));
    }

    private static double linear(int c) {
        double s = c / 255.0;
        return s <= 0.04045 ? s / 12.92 : Math.pow((s + 0.055) / 1.055, 2.4);
    }

    static void assertColor(int expectedRgb, int actualArgb, int tolerance, String what) {
        assertEquals(0xFF, actualArgb >>> 24, what + " must be opaque");
        int[] e = {expectedRgb >> 16 & 0xFF, expectedRgb >> 8 & 0xFF, expectedRgb & 0xFF};
        int[] a = {r(actualArgb), g(actualArgb), b(actualArgb)};
        for (int k = 0; k < 3; k++) {
            assertTrue(Math.abs(e[k] - a[k]) <= tolerance, String.format(
                    "%s: expected #%06X, got #%06X", what, expectedRgb, actualArgb & 0xFFFFFF));
        }
    }

    @Test
    void jetRunsFromDarkBlueToDarkRed() {
        assertEquals(0xFF000080, Colormap.JET.argb(0));
        assertEquals(0xFF0000FF, Colormap.JET.argb(0.125));
        assertEquals(0xFF00FFFF, Colormap.JET.argb(0.375));
        assertEquals(0xFFFFFF00, Colormap.JET.argb(0.625));
        assertEquals(0xFFFF0000, Colormap.JET.argb(0.875));
        assertEquals(0xFF800000, Colormap.JET.argb(1));
    }

    @Test
    void jetFollowsItsTriangleDefinitionEverywhere() {
        for (int i = 0; i <= 400; i++) {
            double t = i / 400.0;
            int c = Colormap.JET.argb(t);
            int[] channels = {r(c), g(c), b(c)};
            for (int k = 0; k < 3; k++) {
                double expected = 255 * Math.min(1, Math.max(0, 1.5 - Math.abs(4 * t - (3 - k))));
                assertEquals(expected, channels[k], 1.01, "channel " + k + " at t=" + t);
            }
        }
    }

    @Test
    void viridisEndpointsArePublishedColours() {
        assertEquals(0xFF440154, Colormap.VIRIDIS.argb(0));
        assertEquals(0xFFFDE725, Colormap.VIRIDIS.argb(1));
    }

    @Test
    void viridisMatchesIndependentPublishedSamples() {
        // viridis(5) and viridis(8) samples, not the anchors the map is built from
        int[] five = {0x440154, 0x3B528B, 0x21908C, 0x5DC863, 0xFDE725};
        for (int i = 0; i < five.length; i++) {
            assertColor(five[i], Colormap.VIRIDIS.argb(i / 4.0), 3, "viridis(" + i / 4.0 + ")");
        }
        int[] eight = {0x440154, 0x46337E, 0x365C8D, 0x277F8E, 0x1FA187, 0x4AC16D, 0x9FDA3A, 0xFDE725};
        for (int i = 0; i < eight.length; i++) {
            assertColor(eight[i], Colormap.VIRIDIS.argb(i / 7.0), 3, "viridis(" + i / 7.0 + ")");
        }
    }

    @Test
    void viridisAndGrayGetBrighterMonotonically() {
        // coarse steps: strictly brighter
        for (Colormap map : new Colormap[] {Colormap.VIRIDIS, Colormap.GRAY}) {
            for (int i = 1; i <= 36; i++) {
                assertTrue(luminance(map.argb(i / 36.0)) > luminance(map.argb((i - 1) / 36.0)),
                        map + " luminance did not rise at step " + i + "/36");
            }
        }
        // every 8-bit step: gray strictly; viridis never darker by more than one level of one channel rounding
        for (int i = 1; i <= 255; i++) {
            assertTrue(luminance(Colormap.GRAY.argb(i / 255.0)) > luminance(Colormap.GRAY.argb((i - 1) / 255.0)));
            double drop = luminance(Colormap.VIRIDIS.argb((i - 1) / 255.0)) - luminance(Colormap.VIRIDIS.argb(i / 255.0));
            assertTrue(drop < 0.001, "viridis darker at step " + i + "/255 by " + drop);
        }
    }

    @Test
    void grayIsNeutralAndLinearInLevels() {
        assertEquals(0xFF000000, Colormap.GRAY.argb(0));
        assertEquals(0xFFFFFFFF, Colormap.GRAY.argb(1));
        assertEquals(0xFF808080, Colormap.GRAY.argb(0.5));
        assertEquals(0xFF404040, Colormap.GRAY.argb(64 / 255.0));
    }

    @Test
    void divergingIsWhiteAtZeroBlueBelowRedAbove() {
        assertTrue(Colormap.DIVERGING.isDiverging());
        assertFalse(Colormap.JET.isDiverging());
        assertEquals(0xFFFFFFFF, Colormap.DIVERGING.argb(0.5));
        int low = Colormap.DIVERGING.argb(0);
        int high = Colormap.DIVERGING.argb(1);
        assertTrue(b(low) > 2 * r(low), "t=0 is blue: " + Integer.toHexString(low));
        assertTrue(r(high) > 2 * b(high), "t=1 is red: " + Integer.toHexString(high));
        // darker the further from zero, on both sides
        for (int i = 1; i <= 50; i++) {
            assertTrue(luminance(Colormap.DIVERGING.argb(0.5 + i / 100.0))
                    < luminance(Colormap.DIVERGING.argb(0.5 + (i - 1) / 100.0)), "red side step " + i);
            assertTrue(luminance(Colormap.DIVERGING.argb(0.5 - i / 100.0))
                    < luminance(Colormap.DIVERGING.argb(0.5 - (i - 1) / 100.0)), "blue side step " + i);
        }
    }

    @Test
    void valuesOutsideTheUnitIntervalAreClamped() {
        assertEquals(Colormap.VIRIDIS.argb(0), Colormap.VIRIDIS.argb(-3));
        assertEquals(Colormap.VIRIDIS.argb(1), Colormap.VIRIDIS.argb(7));
    }

    @Test
    void customColormapInterpolatesItsAnchors() {
        Colormap map = Colormap.of("black-red-white", 0x000000, 0xFF0000, 0xFFFFFF);
        assertEquals("black-red-white", map.name());
        assertEquals(0xFFFF0000, map.argb(0.5));
        assertEquals(0xFF800000, map.argb(0.25));
        assertEquals(0xFFFF8080, map.argb(0.75));
    }

    @Test
    void badInputsAreNamed() {
        IllegalArgumentException nan = assertThrows(IllegalArgumentException.class, () -> Colormap.GRAY.argb(Double.NaN));
        assertTrue(nan.getMessage().contains("NaN"), nan.getMessage());
        IllegalArgumentException one = assertThrows(IllegalArgumentException.class, () -> Colormap.of("flat", 0x123456));
        assertTrue(one.getMessage().contains("'flat' has 1 anchor"), one.getMessage());
    }
}
