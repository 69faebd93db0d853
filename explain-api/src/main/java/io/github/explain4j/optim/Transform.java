package io.github.explain4j.optim;

import java.util.Arrays;
import java.util.Locale;

/**
 * One random, differentiable image transform applied at every optimisation step, so that what is found survives
 * small shifts, scalings and rotations (Olah et al. 2017, "Transformation robustness"; Mordvintsev et al. 2015).
 * Sizes are fractions of the image side, so the same set suits a 28×28 and a 224×224 model; each is at least one
 * pixel. Engine bindings apply them; {@link Transforms} composes them.
 */
public sealed interface Transform {

    /** A readable description, e.g. {@code "jitter(3.5%)"}. */
    String description();

    /** Pads each side by {@code fraction} of the side with a constant grey (0.5), as Lucid's {@code pad}. */
    static Transform pad(double fraction) {
        return new Pad(fraction);
    }

    /** Shifts the image by a random offset of up to {@code fraction} of the side in each direction, then crops. */
    static Transform jitter(double fraction) {
        return new Jitter(fraction);
    }

    /** Rescales by a factor drawn from {@code factors} (bilinear). */
    static Transform scale(double... factors) {
        return new Scale(factors);
    }

    /** Rotates about the centre by an angle in degrees drawn from {@code degrees} (bilinear). */
    static Transform rotate(double... degrees) {
        return new Rotate(degrees);
    }

    /** Padding by a fraction of the side. */
    record Pad(double fraction) implements Transform {
        /** Checks the fraction. */
        public Pad {
            checkFraction(fraction, "pad");
        }

        @Override
        public String description() {
            return "pad(" + percent(fraction) + ")";
        }
    }

    /** Random shifts by up to a fraction of the side. */
    record Jitter(double fraction) implements Transform {
        /** Checks the fraction. */
        public Jitter {
            checkFraction(fraction, "jitter");
        }

        @Override
        public String description() {
            return "jitter(" + percent(fraction) + ")";
        }
    }

    /** Random rescaling. */
    record Scale(double[] factors) implements Transform {
        /** Checks and copies the factors. */
        public Scale {
            factors = choices(factors, "scale factors");
            for (double f : factors) {
                if (!(f > 0)) {
                    throw new IllegalArgumentException("scale factor was " + f + "; expected a positive factor");
                }
            }
        }

        /** A copy of the factors. */
        @Override
        public double[] factors() {
            return factors.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Scale s && Arrays.equals(s.factors, factors);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(factors);
        }

        @Override
        public String description() {
            return "scale(" + range(factors) + ")";
        }
    }

    /** Random rotation. */
    record Rotate(double[] degrees) implements Transform {
        /** Checks and copies the angles. */
        public Rotate {
            degrees = choices(degrees, "rotation angles");
        }

        /** A copy of the angles. */
        @Override
        public double[] degrees() {
            return degrees.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Rotate r && Arrays.equals(r.degrees, degrees);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(degrees);
        }

        @Override
        public String description() {
            return "rotate(" + range(degrees) + "°)";
        }
    }

    private static void checkFraction(double f, String what) {
        if (!(f >= 0 && f < 0.5)) {
            throw new IllegalArgumentException(what + " was " + f + "; expected a fraction of the image side in"
                    + " [0, 0.5), e.g. 0.05 for 5 %");
        }
    }

    private static double[] choices(double[] values, String what) {
        if (values == null || values.length == 0) {
            throw new IllegalArgumentException(what + " were " + (values == null ? "null" : "empty")
                    + "; give at least one value to draw from");
        }
        for (double v : values) {
            if (!Double.isFinite(v)) {
                throw new IllegalArgumentException(what + " contain " + v + "; expected finite values");
            }
        }
        return values.clone();
    }

    private static String percent(double f) {
        return String.format(Locale.ROOT, "%.3g%%", f * 100).replaceAll("\\.?0+%", "%");
    }

    private static String range(double[] v) {
        double lo = Arrays.stream(v).min().orElse(0);
        double hi = Arrays.stream(v).max().orElse(0);
        return lo == hi ? String.format(Locale.ROOT, "%.3g", lo)
                : String.format(Locale.ROOT, "%.3g..%.3g, %d choices", lo, hi, v.length);
    }
}
