package io.github.explain4j.adversarial;

import java.util.Locale;

/**
 * The norm that bounds an adversarial perturbation {@code δ = x′ − x}, measured in pixel units ([0, 1] per value)
 * of the unnormalised image.
 */
public enum Norm {
    /** {@code ‖δ‖∞ = max |δᵢ|}: every pixel moves by at most ε. */
    LINF("L∞"),
    /** {@code ‖δ‖₂ = √Σ δᵢ²}: the perturbation's Euclidean length over the whole image is at most ε. */
    L2("L2");

    private final String symbol;

    Norm(String symbol) {
        this.symbol = symbol;
    }

    /** How papers write it: {@code "L∞"} or {@code "L2"}. */
    public String symbol() {
        return symbol;
    }

    /**
     * The norm a name denotes, as users and papers write it: {@code "Linf"}, {@code "L∞"}, {@code "inf"},
     * {@code "infinity"}, {@code "max"} for {@link #LINF}; {@code "L2"}, {@code "2"}, {@code "euclidean"} for
     * {@link #L2} (case and spaces ignored).
     *
     * @throws IllegalArgumentException naming the text and the accepted names, e.g. for {@code "L1"} (not
     *     supported: its projection is not a clip or a rescale)
     */
    public static Norm parse(String name) {
        if (name == null) {
            throw new IllegalArgumentException("norm was null; expected \"Linf\" or \"L2\"");
        }
        String s = name.strip().toLowerCase(Locale.ROOT).replace(" ", "").replace("_", "");
        switch (s) {
            case "linf", "l∞", "inf", "infinity", "∞", "max", "linfinity" -> {
                return LINF;
            }
            case "l2", "2", "euclidean" -> {
                return L2;
            }
            default -> throw new IllegalArgumentException("norm was \"" + name + "\"; expected \"Linf\" (or \"L∞\","
                    + " \"inf\") or \"L2\" — explain4j's attacks project onto L∞ and L2 balls only");
        }
    }

    /** The norm of a vector of values, in double precision. */
    public double of(float[] values) {
        double out = 0;
        for (float v : values) {
            out = this == LINF ? Math.max(out, Math.abs(v)) : out + (double) v * v;
        }
        return this == LINF ? out : Math.sqrt(out);
    }

    /** The norm of {@code a − b}, in double precision. */
    public double distance(float[] a, float[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException("arrays of " + a.length + " and " + b.length + " values have no"
                    + " distance; compare images of the same shape");
        }
        double out = 0;
        for (int i = 0; i < a.length; i++) {
            double d = (double) a[i] - b[i];
            out = this == LINF ? Math.max(out, Math.abs(d)) : out + d * d;
        }
        return this == LINF ? out : Math.sqrt(out);
    }
}
