package io.github.explain4j.inside;

import java.util.Arrays;
import java.util.Objects;

/**
 * Each unit's top-quantile activation level over a dataset, the threshold network dissection binarises the unit's
 * maps with (Bau et al., "Network Dissection", CVPR 2017, §2.2): {@code T_k} is the
 * {@code (⌈q·P⌉ + 1)}-th largest of the {@code P = images·height·width} activations of unit {@code k} at every
 * position of every image, so that at most {@code ⌈q·P⌉} of them — exactly that many when no value ties with
 * {@code T_k} — exceed it: {@code P(a_k > T_k) ≈ q}. Exact, not estimated.
 *
 * @param layer the layer's path
 * @param model the model's name
 * @param engine the engine that computed the activations
 * @param source what the images were
 * @param quantile {@code q}, the fraction of positions above each threshold
 * @param images how many images the pass saw
 * @param height the layer's map height
 * @param width the layer's map width
 * @param thresholds {@code T_k} per unit (channel)
 */
public record UnitThresholds(String layer, String model, String engine, String source, double quantile, long images,
        int height, int width, float[] thresholds) {

    /** Checks and copies. */
    public UnitThresholds {
        Objects.requireNonNull(layer, "layer");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(engine, "engine");
        Objects.requireNonNull(source, "source");
        if (!(quantile > 0 && quantile < 1)) {
            throw new IllegalArgumentException("quantile was " + quantile + "; expected a fraction in (0, 1)");
        }
        thresholds = thresholds.clone();
    }

    @Override
    public float[] thresholds() {
        return thresholds.clone();
    }

    /** The number of units. */
    public int units() {
        return thresholds.length;
    }

    /** Unit {@code k}'s threshold. */
    public float threshold(int unit) {
        if (unit < 0 || unit >= thresholds.length) {
            throw new IllegalArgumentException("unit was " + unit + "; layer '" + layer + "' has " + thresholds.length
                    + " units");
        }
        return thresholds[unit];
    }

    /** How many of each unit's activations lie above its threshold at most: {@code ⌈q·images·height·width⌉}. */
    public long above() {
        return (long) Math.ceil(quantile * images * height * width);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof UnitThresholds t && layer.equals(t.layer) && model.equals(t.model)
                && engine.equals(t.engine) && source.equals(t.source) && quantile == t.quantile && images == t.images
                && height == t.height && width == t.width && Arrays.equals(thresholds, t.thresholds);
    }

    @Override
    public int hashCode() {
        return Objects.hash(layer, model, engine, source, quantile, images, height, width)
                * 31 + Arrays.hashCode(thresholds);
    }

    @Override
    public String toString() {
        return "top-" + quantile + " thresholds of " + thresholds.length + " units of " + layer + " (" + model + " on "
                + engine + ", " + images + " images of " + source + ")";
    }
}
