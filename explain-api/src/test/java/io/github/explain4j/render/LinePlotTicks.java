package io.github.explain4j.render;

/** Test access to the plot's tick rule. */
public final class LinePlotTicks {

    private LinePlotTicks() {}

    /** The ticks {@link LinePlot} draws for {@code [min, max]}. */
    public static double[] of(double min, double max) {
        return LinePlot.ticks(min, max);
    }
}
