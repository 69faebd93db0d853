package io.github.explain4j.render;

import java.util.Arrays;
import java.util.Objects;
import java.util.OptionalDouble;

/**
 * Scales a map of attribution values into {@code [0, 1]} for a {@link Colormap}.
 *
 * <ul>
 *   <li>{@link #minMax()} maps the smallest value to 0 and the largest to 1 (unsigned maps); a constant map gives
 *       all zeros.</li>
 *   <li>{@link #symmetric()} divides by the largest magnitude and maps {@code [−m, m]} to {@code [0, 1]}, so zero
 *       lands on {@code 0.5} (signed maps, diverging colormaps); an all-zero map gives all {@code 0.5}.</li>
 * </ul>
 *
 * <p>{@link #clip(double)} replaces the largest value (or magnitude) by a percentile, so that a few extreme
 * pixels do not wash out the rest; values beyond it saturate. Percentiles interpolate linearly between order
 * statistics. Instances are immutable; the output never contains NaN.
 */
public final class Normalizer {

    private static final Normalizer MIN_MAX = new Normalizer(false, Double.NaN);
    private static final Normalizer SYMMETRIC = new Normalizer(true, Double.NaN);

    private final boolean symmetric;
    private final double percentile;

    private Normalizer(boolean symmetric, double percentile) {
        this.symmetric = symmetric;
        this.percentile = percentile;
    }

    /** Min–max scaling for unsigned maps. */
    public static Normalizer minMax() {
        return MIN_MAX;
    }

    /** Max-abs scaling around zero for signed maps. */
    public static Normalizer symmetric() {
        return SYMMETRIC;
    }

    /** {@link #symmetric()} if {@code signed}, else {@link #minMax()}. */
    public static Normalizer forSign(boolean signed) {
        return signed ? SYMMETRIC : MIN_MAX;
    }

    /**
     * This normaliser with its upper bound taken at the given percentile of the values ({@link #minMax()}) or of
     * their magnitudes ({@link #symmetric()}); {@code 99} is the usual choice for gradient maps.
     *
     * @param percentile in {@code (0, 100]}; {@code 100} is the same as no clipping
     * @throws IllegalArgumentException if the percentile is outside {@code (0, 100]}
     */
    public Normalizer clip(double percentile) {
        checkPercentile(percentile);
        return new Normalizer(symmetric, percentile);
    }

    static void checkPercentile(double percentile) {
        if (!(percentile > 0 && percentile <= 100)) {
            throw new IllegalArgumentException("percentile was " + percentile + "; expected a value in (0, 100]");
        }
    }

    /** Whether zero is kept at {@code 0.5}. */
    public boolean isSymmetric() {
        return symmetric;
    }

    /** The clipping percentile, if any. */
    public OptionalDouble percentile() {
        return Double.isNaN(percentile) ? OptionalDouble.empty() : OptionalDouble.of(percentile);
    }

    /**
     * The map scaled into {@code [0, 1]}, as a new array.
     *
     * @throws IllegalArgumentException if the map is empty or holds a NaN or infinite value
     */
    public float[] apply(float[] map) {
        Objects.requireNonNull(map, "map");
        if (map.length == 0) {
            throw new IllegalArgumentException("map has 0 values; expected at least one");
        }
        for (int i = 0; i < map.length; i++) {
            if (!Float.isFinite(map[i])) {
                throw new IllegalArgumentException("map[" + i + "] was " + map[i] + "; expected finite values");
            }
        }
        float[] out = new float[map.length];
        if (symmetric) {
            float[] mags = new float[map.length];
            for (int i = 0; i < map.length; i++) {
                mags[i] = Math.abs(map[i]);
            }
            double scale = upper(mags);
            for (int i = 0; i < map.length; i++) {
                out[i] = scale > 0 ? (float) (0.5 + 0.5 * clamp(map[i] / scale, -1, 1)) : 0.5f;
            }
        } else {
            double lo = Double.POSITIVE_INFINITY;
            for (float v : map) {
                lo = Math.min(lo, v);
            }
            double hi = upper(map);
            for (int i = 0; i < map.length; i++) {
                // hi == lo: a constant map (all zeros), or clipping collapsed the range (above it saturates)
                out[i] = hi > lo ? (float) clamp((map[i] - lo) / (hi - lo), 0, 1) : map[i] > hi ? 1f : 0f;
            }
        }
        return out;
    }

    /** The largest value, or the clipping percentile of the values. */
    private double upper(float[] values) {
        if (Double.isNaN(percentile)) {
            float max = Float.NEGATIVE_INFINITY;
            for (float v : values) {
                max = Math.max(max, v);
            }
            return max;
        }
        float[] sorted = values.clone();
        Arrays.sort(sorted);
        double rank = percentile / 100 * (sorted.length - 1);
        int i = (int) Math.floor(rank);
        int j = Math.min(i + 1, sorted.length - 1);
        return sorted[i] + (rank - i) * ((double) sorted[j] - sorted[i]);
    }

    private static double clamp(double v, double lo, double hi) {
        return Math.min(hi, Math.max(lo, v));
    }

    @Override
    public String toString() {
        return (symmetric ? "symmetric" : "minMax") + (Double.isNaN(percentile) ? "" : " clip " + percentile);
    }
}
