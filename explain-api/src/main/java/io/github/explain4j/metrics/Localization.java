package io.github.explain4j.metrics;

import java.util.Objects;

/**
 * Localisation scores of a saliency map against a ground-truth object mask of the same size.
 *
 * <ul>
 *   <li>{@link #pointingHit}: the pointing game — whether the map's maximum falls on the object.
 *       J. Zhang, Z. Lin, J. Brandt, X. Shen, S. Sclaroff, "Top-down Neural Attention by Excitation Backprop",
 *       ECCV 2016, arXiv:1608.00507.</li>
 *   <li>{@link #massInside}: the share of the map's positive mass that lies on the object (energy-based pointing
 *       game of Score-CAM, Wang et al., CVPR workshops 2020).</li>
 * </ul>
 */
public final class Localization {

    private Localization() {}

    /**
     * Whether the maximum of {@code map} lies inside {@code mask}. When several pixels share the maximum, the one
     * nearest to their mean position decides (a flat map points at its middle, not at a corner).
     */
    public static boolean pointingHit(float[] map, int height, int width, boolean[] mask) {
        check(map, height, width, mask);
        float max = Float.NEGATIVE_INFINITY;
        for (float v : map) {
            if (v > max) {
                max = v;
            }
        }
        double sx = 0;
        double sy = 0;
        int count = 0;
        for (int i = 0; i < map.length; i++) {
            if (map[i] == max) {
                sx += i % width;
                sy += i / width;
                count++;
            }
        }
        double mx = sx / count;
        double my = sy / count;
        int best = -1;
        double bestDistance = Double.POSITIVE_INFINITY;
        for (int i = 0; i < map.length; i++) {
            if (map[i] == max) {
                double d = Math.hypot(i % width - mx, i / width - my);
                if (d < bestDistance) {
                    bestDistance = d;
                    best = i;
                }
            }
        }
        return mask[best];
    }

    /** The share of the map's positive values that lies inside {@code mask}; 0 for a map with no positive value. */
    public static double massInside(float[] map, int height, int width, boolean[] mask) {
        check(map, height, width, mask);
        double inside = 0;
        double total = 0;
        for (int i = 0; i < map.length; i++) {
            if (map[i] > 0) {
                total += map[i];
                if (mask[i]) {
                    inside += map[i];
                }
            }
        }
        return total == 0 ? 0 : inside / total;
    }

    private static void check(float[] map, int height, int width, boolean[] mask) {
        Objects.requireNonNull(map, "map");
        Objects.requireNonNull(mask, "mask");
        if (height <= 0 || width <= 0 || (long) height * width != map.length) {
            throw new IllegalArgumentException("map has " + map.length + " values; expected " + height + "x" + width);
        }
        if (mask.length != map.length) {
            throw new IllegalArgumentException("mask has " + mask.length + " pixels but the map has " + map.length
                    + "; resize the map to the mask's size first");
        }
        for (int i = 0; i < map.length; i++) {
            if (Float.isNaN(map[i])) {
                throw new IllegalArgumentException("map[" + i + "] is NaN; expected finite values");
            }
        }
    }
}
