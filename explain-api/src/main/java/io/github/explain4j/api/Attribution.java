package io.github.explain4j.api;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalDouble;

/**
 * One explanation of one input: a {@code C×H×W} map of attribution values on the heap, with its provenance.
 *
 * <p>Gradient methods give one value per input channel ({@code C} = the image's channels); class-activation
 * maps give one channel ({@code C = 1}). {@link #heatmap(Reduction)} folds the channels into one {@code H×W} map
 * for display. Instances are immutable; accessors that return arrays return copies.
 */
public final class Attribution {

    /** How channels are folded into one map. */
    public enum Reduction {
        /** Sum over channels, keeping the sign (Input × Gradient, Integrated Gradients). */
        SUM,
        /** Sum of absolute values over channels. */
        ABS_SUM,
        /** Largest absolute value over channels (Simonyan et al.'s saliency map). */
        MAX_ABS
    }

    private final float[] values;
    private final int channels;
    private final int height;
    private final int width;
    private final boolean signed;
    private final Reduction display;
    private final Provenance provenance;
    private final Map<String, Double> diagnostics;

    /**
     * Creates an attribution; the values are copied.
     *
     * @param values the {@code C×H×W} values, channel-first
     * @param channels number of channels
     * @param height map height
     * @param width map width
     * @param signed whether the values carry a meaningful sign (drawn with a diverging colormap)
     * @param provenance where it came from
     * @param diagnostics method-specific numbers such as Integrated Gradients' completeness delta
     */
    public Attribution(float[] values, int channels, int height, int width, boolean signed,
            Provenance provenance, Map<String, Double> diagnostics) {
        this(values, channels, height, width, signed,
                channels == 1 || signed ? Reduction.SUM : Reduction.MAX_ABS, provenance, diagnostics);
    }

    /**
     * Creates an attribution with an explicit way of folding its channels for display.
     *
     * @param values the {@code C×H×W} values, channel-first
     * @param channels number of channels
     * @param height map height
     * @param width map width
     * @param signed whether the displayed map carries a meaningful sign (drawn with a diverging colormap)
     * @param display how {@link #heatmap()} folds the channels
     * @param provenance where it came from
     * @param diagnostics method-specific numbers
     */
    public Attribution(float[] values, int channels, int height, int width, boolean signed, Reduction display,
            Provenance provenance, Map<String, Double> diagnostics) {
        Objects.requireNonNull(values, "values");
        this.display = Objects.requireNonNull(display, "display");
        if (channels <= 0 || height <= 0 || width <= 0) {
            throw new IllegalArgumentException("attribution shape was " + channels + "x" + height + "x" + width
                    + "; expected positive channels, height and width");
        }
        if ((long) channels * height * width != values.length) {
            throw new IllegalArgumentException("attribution has " + values.length + " values; expected "
                    + channels + "*" + height + "*" + width);
        }
        this.values = values.clone();
        this.channels = channels;
        this.height = height;
        this.width = width;
        this.signed = signed;
        this.provenance = Objects.requireNonNull(provenance, "provenance");
        this.diagnostics = Collections.unmodifiableMap(new LinkedHashMap<>(diagnostics));
    }

    /** Number of channels. */
    public int channels() {
        return channels;
    }

    /** Height of the map in pixels. */
    public int height() {
        return height;
    }

    /** Width of the map in pixels. */
    public int width() {
        return width;
    }

    /** Whether the values carry a sign that matters (positive evidence vs negative evidence). */
    public boolean signed() {
        return signed;
    }

    /** Where this attribution came from. */
    public Provenance provenance() {
        return provenance;
    }

    /** The method-specific numbers, e.g. {@code "delta"} for Integrated Gradients. */
    public Map<String, Double> diagnostics() {
        return diagnostics;
    }

    /** One diagnostic number, if the method reported it. */
    public OptionalDouble diagnostic(String name) {
        Double v = diagnostics.get(name);
        return v == null ? OptionalDouble.empty() : OptionalDouble.of(v);
    }

    /** The value at channel {@code c}, row {@code y}, column {@code x}. */
    public float get(int c, int y, int x) {
        Objects.checkIndex(c, channels);
        Objects.checkIndex(y, height);
        Objects.checkIndex(x, width);
        return values[(c * height + y) * width + x];
    }

    /** A copy of all values, {@code C×H×W} channel-first. */
    public float[] values() {
        return values.clone();
    }

    /** The sum of all values (Integrated Gradients' completeness law speaks of it). */
    public double sum() {
        double s = 0;
        for (float v : values) {
            s += v;
        }
        return s;
    }

    /** The channels folded into one {@code H×W} map, row-major. */
    public float[] heatmap(Reduction reduction) {
        Objects.requireNonNull(reduction, "reduction");
        int plane = height * width;
        float[] out = new float[plane];
        for (int c = 0; c < channels; c++) {
            for (int i = 0; i < plane; i++) {
                float v = values[c * plane + i];
                switch (reduction) {
                    case SUM -> out[i] += v;
                    case ABS_SUM -> out[i] += Math.abs(v);
                    case MAX_ABS -> out[i] = Math.max(out[i], Math.abs(v));
                    default -> throw new AssertionError(reduction);
                }
            }
        }
        return out;
    }

    /** How {@link #heatmap()} folds the channels: the way this method's maps are usually shown. */
    public Reduction display() {
        return display;
    }

    /** The channels folded the way this method's maps are usually shown ({@link #display()}). */
    public float[] heatmap() {
        return heatmap(display);
    }


    @Override
    public boolean equals(Object o) {
        return o instanceof Attribution a && a.channels == channels && a.height == height && a.width == width
                && a.signed == signed && a.display == display && Arrays.equals(a.values, values) && a.provenance.equals(provenance)
                && a.diagnostics.equals(diagnostics);
    }

    @Override
    public int hashCode() {
        return Objects.hash(channels, height, width, Arrays.hashCode(values), provenance);
    }

    @Override
    public String toString() {
        return "Attribution[" + channels + "x" + height + "x" + width + ", " + provenance + "]";
    }
}
