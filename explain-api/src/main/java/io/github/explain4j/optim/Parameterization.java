package io.github.explain4j.optim;

import java.util.Locale;

/**
 * How an optimised image is represented by the numbers the optimiser changes (Olah et al., "Feature
 * Visualization", Distill 2017, section "The Optimization Landscape"): plain pixels, or a Fourier spectrum scaled
 * by {@code 1/f^decay}; optionally with decorrelated colours (the square root of the colour correlation of natural
 * images, as Lucid); squashed into the valid pixel range by a sigmoid or clipped to it; and how many images are
 * optimised together. An immutable description; engine bindings build the image from it. The number and meaning
 * of the colour channels follow the model's input spec (grey models get one channel and no colour decorrelation).
 *
 * <p>{@link #pixels()} and {@link #fft()} start a description; the withers return new values.
 */
public final class Parameterization {

    private final Space space;
    private final boolean decorrelated;
    private final Range range;
    private final int batch;
    private final double decay;
    private final double scale;

    /** The parameter space. */
    public enum Space {
        /** One parameter per pixel and channel. */
        PIXELS,
        /** The image's real 2-D Fourier spectrum, scaled so that every frequency moves the image alike. */
        FOURIER
    }

    /** How values reach the pixel range [0, 1]. */
    public enum Range {
        /** {@code sigmoid(v)}: smooth, never saturates to exactly 0 or 1. */
        SIGMOID,
        /** {@code clip(v + 0.5, 0, 1)}: values outside the range stop receiving gradient. */
        CLIP,
        /** Unbounded: the optimiser sees the raw values (the caller bounds them, e.g. with a penalty). */
        NONE
    }

    private Parameterization(Space space, boolean decorrelated, Range range, int batch, double decay, double scale) {
        if (space == null || range == null) {
            throw new IllegalArgumentException("space and range must be given (were " + space + ", " + range + ")");
        }
        if (batch < 1) {
            throw new IllegalArgumentException("batch was " + batch + "; expected 1 or more images");
        }
        if (!(decay >= 0) || !Double.isFinite(decay)) {
            throw new IllegalArgumentException("decay was " + decay + "; expected a finite number ≥ 0 (1 as Lucid)");
        }
        if (!(scale > 0) || !Double.isFinite(scale)) {
            throw new IllegalArgumentException("scale was " + scale + "; expected a positive initial spread"
                    + " (0.01 as Lucid)");
        }
        this.space = space;
        this.decorrelated = decorrelated;
        this.range = range;
        this.batch = batch;
        this.decay = decay;
        this.scale = scale;
    }

    /** Pixels or Fourier coefficients. */
    public Space space() {
        return space;
    }

    /** Whether colours are decorrelated (ignored for one-channel models). */
    public boolean isDecorrelated() {
        return decorrelated;
    }

    /** How values are kept in the pixel range [0, 1]. */
    public Range range() {
        return range;
    }

    /** How many images are optimised together. */
    public int batch() {
        return batch;
    }

    /** The spectrum's scaling exponent in the Fourier space ({@code 1/f^decay}; Lucid uses 1). */
    public double decay() {
        return decay;
    }

    /** The standard deviation of the random initial parameters (Lucid uses 0.01). */
    public double scale() {
        return scale;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Parameterization p && p.space == space && p.decorrelated == decorrelated
                && p.range == range && p.batch == batch && p.decay == decay && p.scale == scale;
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(space, decorrelated, range, batch, decay, scale);
    }

    @Override
    public String toString() {
        return description();
    }

    /** Pixels, correlated colours, sigmoid range, one image. */
    public static Parameterization pixels() {
        return new Parameterization(Space.PIXELS, false, Range.SIGMOID, 1, 1, 0.01);
    }

    /** A Fourier spectrum scaled by {@code 1/f}, correlated colours, sigmoid range, one image. */
    public static Parameterization fft() {
        return new Parameterization(Space.FOURIER, false, Range.SIGMOID, 1, 1, 0.01);
    }

    /** The same with decorrelated colours (Lucid's default, with {@link #fft()}). */
    public Parameterization decorrelated() {
        return new Parameterization(space, true, range, batch, decay, scale);
    }

    /** The same with another way of reaching the pixel range. */
    public Parameterization range(Range newRange) {
        return new Parameterization(space, decorrelated, newRange, batch, decay, scale);
    }

    /** The same, optimising {@code n} images together (e.g. with a diversity objective). */
    public Parameterization batch(int n) {
        return new Parameterization(space, decorrelated, range, n, decay, scale);
    }

    /** The same with another spectrum exponent (Fourier space only). */
    public Parameterization decay(double exponent) {
        return new Parameterization(space, decorrelated, range, batch, exponent, scale);
    }

    /** The same with another initial spread. */
    public Parameterization scale(double sd) {
        return new Parameterization(space, decorrelated, range, batch, decay, sd);
    }

    /** A readable description, e.g. {@code "fft(1/f^1), decorrelated, sigmoid, batch 4"}. */
    public String description() {
        StringBuilder sb = new StringBuilder(space == Space.PIXELS ? "pixels"
                : "fft(1/f^" + (decay == Math.rint(decay) ? String.valueOf((long) decay)
                        : String.format(Locale.ROOT, "%s", decay)) + ")");
        if (decorrelated) {
            sb.append(", decorrelated");
        }
        sb.append(", ").append(range.name().toLowerCase(Locale.ROOT));
        if (batch > 1) {
            sb.append(", batch ").append(batch);
        }
        return sb.toString();
    }
}
