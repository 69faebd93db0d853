package io.github.explain4j.djl.optim;

import io.github.explain4j.djl.ExplainableModel;
import io.github.explain4j.optim.Objective;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The style layers of {@link TextureSynthesis} and {@link StyleTransfer} with their weights {@code w_l}, in the
 * order given: the style loss is {@code Σ_l w_l · E_l} (Gatys, Ecker &amp; Bethge, "Image Style Transfer Using
 * Convolutional Neural Networks", CVPR 2016, eq. 5), each {@code E_l} an {@link Objective#style} term whose target
 * is the style image's Gram matrix at {@code l}. Layers named together get equal weights {@code 1/L}, as in the
 * paper; a layer named with a weight of its own keeps that weight. A layer of weight 0 is checked on the model but
 * its term and its target are left out.
 *
 * @param weights each layer's weight, in the order the layers were given (unmodifiable)
 */
record StyleLayers(Map<String, Double> weights) {

    static final StyleLayers NONE = new StyleLayers(Map.of());

    /** Layers of equal weights {@code 1/L}, replacing any given before. */
    static StyleLayers equal(String... names) {
        Objects.requireNonNull(names, "style layers");
        Map<String, Double> w = new LinkedHashMap<>();
        for (String name : names) {
            checkName(name);
            if (w.put(name, 1.0 / names.length) != null) {
                throw new IllegalArgumentException("style layers named \"" + name + "\" twice; name each layer once (to"
                        + " weigh one layer more, give it a weight of its own)");
            }
        }
        return new StyleLayers(Collections.unmodifiableMap(w));
    }

    /** These layers with {@code layer} added at {@code weight}, or its weight replaced if it is there already. */
    StyleLayers with(String layer, double weight) {
        checkName(layer);
        if (!(weight >= 0) || !Double.isFinite(weight)) {
            throw new IllegalArgumentException("weight of style layer \"" + layer + "\" was " + weight + "; expected"
                    + " a finite number ≥ 0 (Gatys et al. weigh their five layers 1/5 each; 0 leaves a layer out)");
        }
        Map<String, Double> w = new LinkedHashMap<>(weights);
        w.put(layer, weight);
        return new StyleLayers(Collections.unmodifiableMap(w));
    }

    private static void checkName(String name) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("a style layer had a " + (name == null ? "null" : "blank")
                    + " name; name each layer as model.layers() does");
        }
    }

    /** The layers' names, in order. */
    List<String> names() {
        return List.copyOf(weights.keySet());
    }

    /** The layers' names as provenance text, {@code [a, b]}. */
    String describeNames() {
        return StyleImages.list(names());
    }

    /** The weights as provenance text, {@code {a=0.5, b=0.5}}. */
    String describeWeights() {
        return weights.toString();
    }

    /**
     * {@code Σ_l w_l · style(l, gram of image at l)} on {@code model}, over the layers of positive weight (a weight
     * of 1 writes no factor).
     *
     * @param fix how to name the layers, for the message when there are none
     * @throws IllegalArgumentException when no layer was given, a layer is not the model's, or every weight is 0
     */
    Objective objective(ExplainableModel model, StyleImages.Pixels image, String fix) {
        StyleImages.layers(model, names(), "style layers", fix);
        List<String> active = new ArrayList<>();
        weights.forEach((layer, w) -> {
            if (w > 0) {
                active.add(layer);
            }
        });
        if (active.isEmpty()) {
            throw new IllegalArgumentException("every style layer has weight 0 (" + describeWeights() + "); give at"
                    + " least one layer a positive weight");
        }
        Map<String, StyleImages.Activation> grams = StyleImages.targets(model, image, active, true);
        Objective sum = null;
        for (String layer : active) {
            Objective term = Objective.style(layer, grams.get(layer).values());
            double w = weights.get(layer);
            if (w != 1) {
                term = term.times(w);
            }
            sum = sum == null ? term : sum.plus(term);
        }
        return sum;
    }
}
