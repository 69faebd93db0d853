package io.github.explain4j.render;

import io.github.explain4j.api.Attribution;
import java.awt.image.BufferedImage;
import java.util.Objects;
import java.util.OptionalDouble;

/**
 * How to draw an attribution over its input image: the heatmap's weight, its colormap and an optional percentile
 * clip. Immutable; each wither returns a new value.
 *
 * <pre>{@code
 * BufferedImage shown = Overlay.alpha(0.5).colormap(Colormap.VIRIDIS).clip(99).apply(photo, attribution);
 * }</pre>
 *
 * <p>The map is normalised at its own resolution ({@link Normalizer#symmetric() symmetrically} when it is signed
 * or the colormap is diverging, else {@link Normalizer#minMax() min–max}), resized to the image with
 * {@link Heatmaps#resize bilinear} interpolation, coloured, and {@link Heatmaps#blend blended} over the image.
 */
public final class Overlay {

    private final double alpha;
    private final Colormap colormap;
    private final double percentile;

    private Overlay(double alpha, Colormap colormap, double percentile) {
        Heatmaps.checkAlpha(alpha);
        this.alpha = alpha;
        this.colormap = colormap;
        this.percentile = percentile;
    }

    /**
     * An overlay with the heatmap weighted by {@code alpha}, in the default colormap for the map's sign.
     *
     * @param alpha in {@code [0, 1]}: 0 shows only the image, 1 only the heatmap
     * @throws IllegalArgumentException if alpha is outside {@code [0, 1]}
     */
    public static Overlay alpha(double alpha) {
        return new Overlay(alpha, null, Double.NaN);
    }

    /** The heatmap's weight in the blend. */
    public double alpha() {
        return alpha;
    }

    /** This overlay with another heatmap weight. */
    public Overlay withAlpha(double newAlpha) {
        return new Overlay(newAlpha, colormap, percentile);
    }

    /** This overlay drawn with the given colormap instead of the default for the map's sign. */
    public Overlay colormap(Colormap newColormap) {
        Objects.requireNonNull(newColormap, "colormap was null; pass e.g. Colormap.VIRIDIS");
        return new Overlay(alpha, newColormap, percentile);
    }

    /**
     * This overlay with the map's upper bound taken at a percentile (see {@link Normalizer#clip(double)}).
     *
     * @throws IllegalArgumentException if the percentile is outside {@code (0, 100]}
     */
    public Overlay clip(double newPercentile) {
        Normalizer.checkPercentile(newPercentile);
        return new Overlay(alpha, colormap, newPercentile);
    }

    /** The clipping percentile, if any. */
    public OptionalDouble percentile() {
        return Double.isNaN(percentile) ? OptionalDouble.empty() : OptionalDouble.of(percentile);
    }

    /** The colormap used for a map of the given sign. */
    public Colormap colormapFor(boolean signed) {
        return colormap != null ? colormap : Heatmaps.defaultColormap(signed);
    }

    /** The attribution's {@link Attribution#heatmap() heatmap} drawn over the image. */
    public BufferedImage apply(BufferedImage image, Attribution attribution) {
        Objects.requireNonNull(attribution, "attribution was null; pass the attribution to draw");
        return apply(image, attribution.heatmap(), attribution.height(), attribution.width(),
                attribution.signed());
    }

    /**
     * A row-major {@code height × width} map drawn over the image; the result has the image's size.
     *
     * @throws IllegalArgumentException if the map's length is not {@code height * width} or a value is not finite
     */
    public BufferedImage apply(BufferedImage image, float[] map, int height, int width, boolean signed) {
        Objects.requireNonNull(image, "image was null; pass the input image to draw on");
        Heatmaps.checkMap(map, height, width);
        Colormap cm = colormapFor(signed);
        Normalizer normalizer = Normalizer.forSign(signed || cm.isDiverging());
        if (!Double.isNaN(percentile)) {
            normalizer = normalizer.clip(percentile);
        }
        float[] unit = Heatmaps.resize(normalizer.apply(map), height, width, image.getHeight(), image.getWidth());
        return Heatmaps.blend(image, Heatmaps.paint(unit, image.getHeight(), image.getWidth(), cm), alpha);
    }

    @Override
    public String toString() {
        return "Overlay[alpha=" + alpha + ", colormap=" + (colormap == null ? "by sign" : colormap.name())
                + (Double.isNaN(percentile) ? "" : ", clip=" + percentile) + "]";
    }
}
