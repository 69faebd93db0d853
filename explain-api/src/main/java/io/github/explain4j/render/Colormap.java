package io.github.explain4j.render;

import java.util.Objects;

/**
 * Maps a value in {@code [0, 1]} to an opaque colour, by linear interpolation in sRGB between evenly spaced
 * anchor colours.
 *
 * <p>A <em>diverging</em> colormap has its neutral colour in the middle and is meant for signed maps: renderers
 * normalise symmetrically around zero (dividing by the largest magnitude) so that zero lands on {@code 0.5}.
 * Instances are immutable.
 */
public final class Colormap {

    /**
     * The classic rainbow map (MATLAB's and OpenCV's jet): dark blue, blue, cyan, yellow, red, dark red. Each
     * channel is the clamped triangle {@code 1.5 − |4t − k|} ({@code k} = 3, 2, 1 for red, green, blue), which is
     * exactly linear between these nine anchors at {@code t = i/8}.
     */
    public static final Colormap JET = of("jet",
            0x000080, 0x0000FF, 0x0080FF, 0x00FFFF, 0x80FF80, 0xFFFF00, 0xFF8000, 0xFF0000, 0x800000);

    /**
     * Perceptually uniform dark purple → blue → green → yellow (van der Walt and Smith, matplotlib 2.0), from its
     * ten published samples at {@code t = i/9}. Linear interpolation between them stays within a few levels (of
     * 255) of the full 256-entry table (at most about 6, in red near {@code t = 0.6}, where the curve bends).
     */
    public static final Colormap VIRIDIS = of("viridis",
            0x440154, 0x482878, 0x3E4A89, 0x31688E, 0x26828E, 0x1F9E89, 0x35B779, 0x6DCD59, 0xB4DE2C, 0xFDE725);

    /** Black to white. */
    public static final Colormap GRAY = of("gray", 0x000000, 0xFFFFFF);

    /**
     * Blue for negative, white at zero, red for positive: dark blue, blue, white, red, dark red (the outer and
     * inner colours of ColorBrewer's RdBu scheme around a pure white centre).
     */
    public static final Colormap DIVERGING = diverging("diverging", 0x053061, 0x4393C3, 0xFFFFFF, 0xD6604D, 0x67001F);

    private final String name;
    private final int[] anchors;
    private final boolean diverging;

    private Colormap(String name, int[] anchors, boolean diverging) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(anchors, "anchors");
        if (anchors.length < 2) {
            throw new IllegalArgumentException("colormap '" + name + "' has " + anchors.length
                    + " anchor colours; expected at least 2");
        }
        this.name = name;
        this.anchors = anchors.clone();
        this.diverging = diverging;
    }

    /**
     * A sequential colormap through the given {@code 0xRRGGBB} colours, evenly spaced from {@code t = 0} to
     * {@code t = 1}.
     *
     * @throws IllegalArgumentException if fewer than two colours are given
     */
    public static Colormap of(String name, int... rgbAnchors) {
        return new Colormap(name, rgbAnchors, false);
    }

    /**
     * A diverging colormap through the given {@code 0xRRGGBB} colours; the middle one should be the neutral colour
     * shown for zero.
     *
     * @throws IllegalArgumentException if fewer than two colours are given
     */
    public static Colormap diverging(String name, int... rgbAnchors) {
        return new Colormap(name, rgbAnchors, true);
    }

    /** The colormap's name, e.g. {@code "viridis"}. */
    public String name() {
        return name;
    }

    /** Whether zero should sit at the middle of this map (signed data). */
    public boolean isDiverging() {
        return diverging;
    }

    /**
     * The colour for {@code t} as opaque {@code 0xFFRRGGBB}; values outside {@code [0, 1]} are clamped.
     *
     * @throws IllegalArgumentException if {@code t} is NaN
     */
    public int argb(double t) {
        if (Double.isNaN(t)) {
            throw new IllegalArgumentException("colormap value was NaN; expected a value in [0, 1]");
        }
        double pos = Math.min(1.0, Math.max(0.0, t)) * (anchors.length - 1);
        int i = Math.min((int) pos, anchors.length - 2);
        double f = pos - i;
        int a = anchors[i];
        int b = anchors[i + 1];
        return 0xFF000000 | lerp(a >> 16, b >> 16, f) << 16 | lerp(a >> 8, b >> 8, f) << 8 | lerp(a, b, f);
    }

    private static int lerp(int a, int b, double f) {
        int x = a & 0xFF;
        int y = b & 0xFF;
        return (int) Math.round(x + (y - x) * f);
    }

    @Override
    public String toString() {
        return "Colormap[" + name + (diverging ? ", diverging]" : "]");
    }
}
