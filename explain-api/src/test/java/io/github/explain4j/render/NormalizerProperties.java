package io.github.explain4j.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.FloatRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

class NormalizerProperties {

    @Property
    void minMaxStaysInTheUnitIntervalAndKeepsOrder(
            @ForAll @Size(min = 1, max = 64) float @FloatRange(min = -1e6f, max = 1e6f) [] map) {
        float[] out = Normalizer.minMax().apply(map);
        for (int i = 0; i < map.length; i++) {
            assertTrue(out[i] >= 0 && out[i] <= 1, "out[" + i + "] = " + out[i]);
            for (int j = 0; j < map.length; j++) {
                if (map[i] < map[j]) {
                    assertTrue(out[i] <= out[j], "order of " + i + " and " + j);
                }
            }
        }
    }

    @Property
    void symmetricKeepsTheSignAroundOneHalf(
            @ForAll @Size(min = 1, max = 64) float @FloatRange(min = -1e6f, max = 1e6f) [] map,
            @ForAll @IntRange(min = 1, max = 100) int percentile) {
        float[] out = Normalizer.symmetric().clip(percentile).apply(map);
        for (int i = 0; i < map.length; i++) {
            assertTrue(out[i] >= 0 && out[i] <= 1, "out[" + i + "] = " + out[i]);
            String what = map[i] + " -> " + out[i];
            if (map[i] > 0) {
                assertTrue(out[i] >= 0.5f, what);
            } else if (map[i] < 0) {
                assertTrue(out[i] <= 0.5f, what);
            } else {
                assertEquals(0.5f, out[i], what);
            }
        }
    }

    @Property
    void bilinearResizeStaysWithinTheInputRange(
            @ForAll @IntRange(min = 1, max = 6) int h, @ForAll @IntRange(min = 1, max = 6) int w,
            @ForAll @IntRange(min = 1, max = 20) int newH, @ForAll @IntRange(min = 1, max = 20) int newW,
            @ForAll @Size(36) float @FloatRange(min = -10, max = 10) [] values) {
        float[] map = Arrays.copyOf(values, h * w);
        float min = Float.POSITIVE_INFINITY;
        float max = Float.NEGATIVE_INFINITY;
        for (float v : map) {
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        float[] out = Heatmaps.resize(map, h, w, newH, newW);
        assertEquals(newH * newW, out.length);
        for (float v : out) {
            assertTrue(v >= min - 1e-5f && v <= max + 1e-5f, v + " outside [" + min + ", " + max + "]");
        }
    }
}
