package io.github.explain4j.api;

import java.util.Arrays;
import java.util.Objects;

/**
 * The reference input of path and perturbation methods (Integrated Gradients, occlusion fill, ...), defined in
 * <b>pixel space</b>: values in {@code [0, 1]} before the model's normalisation, laid out channel-first
 * ({@code C×H×W}). The engine binding normalises it like any input.
 *
 * <pre>{@code
 * Baseline.black()               // all zeros
 * Baseline.blurred(5.0)          // the input itself, Gaussian-blurred with sigma 5 px
 * Baseline.uniformNoise(42)      // uniform [0,1) noise, seeded
 * Baseline.constant(0.5f)        // mid grey
 * Baseline.custom(chw, c, h, w)  // anything else
 * }</pre>
 */
public sealed interface Baseline {

    /** Describes the baseline for provenance. */
    String describe();

    /** Every pixel 0 (black). */
    static Baseline black() {
        return new Constant(0f);
    }

    /** Every pixel and channel the same value in {@code [0, 1]}. */
    static Baseline constant(float value) {
        return new Constant(value);
    }

    /** The input blurred with a Gaussian of standard deviation {@code sigma} pixels. */
    static Baseline blurred(double sigma) {
        return new Blurred(sigma);
    }

    /** Uniform noise in {@code [0, 1)} drawn from {@code seed}. */
    static Baseline uniformNoise(long seed) {
        return new UniformNoise(seed);
    }

    /** A fixed pixel-space image, {@code C×H×W} channel-first. */
    static Baseline custom(float[] chw, int channels, int height, int width) {
        return new Custom(chw, channels, height, width);
    }

    /** A constant image. */
    record Constant(float value) implements Baseline {
        /** Checks the value. */
        public Constant {
            if (!(value >= 0f && value <= 1f)) {
                throw new IllegalArgumentException(
                        "baseline value was " + value + "; expected a pixel value in [0, 1]");
            }
        }

        @Override
        public String describe() {
            return value == 0f ? "black" : "constant " + value;
        }
    }

    /** The Gaussian-blurred input. */
    record Blurred(double sigma) implements Baseline {
        /** Checks sigma. */
        public Blurred {
            if (!(sigma > 0) || Double.isInfinite(sigma)) {
                throw new IllegalArgumentException(
                        "blur sigma was " + sigma + "; expected a finite positive number of pixels");
            }
        }

        @Override
        public String describe() {
            return "blurred (sigma " + sigma + ")";
        }
    }

    /** Seeded uniform noise. */
    record UniformNoise(long seed) implements Baseline {
        @Override
        public String describe() {
            return "uniform noise (seed " + seed + ")";
        }
    }

    /** A fixed image. */
    record Custom(float[] chw, int channels, int height, int width) implements Baseline {
        /** Checks the shape and copies the values. */
        public Custom {
            Objects.requireNonNull(chw, "chw");
            if (channels <= 0 || height <= 0 || width <= 0) {
                throw new IllegalArgumentException("baseline shape was " + channels + "x" + height + "x" + width
                        + "; expected positive channels, height and width");
            }
            if ((long) channels * height * width != chw.length) {
                throw new IllegalArgumentException("baseline has " + chw.length + " values; expected "
                        + channels + "*" + height + "*" + width + " = " + ((long) channels * height * width));
            }
            for (float v : chw) {
                if (!Float.isFinite(v)) {
                    throw new IllegalArgumentException("baseline holds the non-finite value " + v
                            + "; expected finite pixel values");
                }
            }
            chw = chw.clone();
        }

        @Override
        public float[] chw() {
            return chw.clone();
        }

        @Override
        public String describe() {
            return "custom " + channels + "x" + height + "x" + width;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Custom c && c.channels == channels && c.height == height && c.width == width
                    && Arrays.equals(c.chw, chw);
        }

        @Override
        public int hashCode() {
            return Objects.hash(channels, height, width, Arrays.hashCode(chw));
        }
    }
}
