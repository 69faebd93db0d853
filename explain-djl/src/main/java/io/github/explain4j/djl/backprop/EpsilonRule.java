package io.github.explain4j.djl.backprop;

import ai.djl.ndarray.NDArray;
import io.github.explain4j.djl.seam.LayerwiseBackward.Layer;
import io.github.explain4j.djl.seam.LayerwiseBackward.Weights;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * LRP-ε: {@code R_j = Σ_k x_j w_jk / (z_k + ε·sign(z_k)) · R_k}, with {@code z_k} the layer's output (biases
 * included, so a bias absorbs its share, and ε absorbs some of weak or contradictory neurons' relevance);
 * {@code ε = 0} is LRP-0, which on a ReLU network equals Input × Gradient. Montavon et al. recommend it for the
 * upper and middle layers.
 *
 * <p>S. Bach, A. Binder, G. Montavon, F. Klauschen, K.-R. Müller, W. Samek, "On Pixel-Wise Explanations for
 * Non-Linear Classifier Decisions by Layer-Wise Relevance Propagation", PLoS ONE 10(7), 2015; G. Montavon et al.,
 * "Layer-Wise Relevance Propagation: An Overview", LNCS 11700, 2019.
 */
public final class EpsilonRule extends PropagationRule {

    private final double epsilon;

    private EpsilonRule(double epsilon) {
        this.epsilon = epsilon;
    }

    /** LRP-ε with stabiliser {@code epsilon ≥ 0} (0 gives LRP-0). */
    public static EpsilonRule of(double epsilon) {
        if (!(epsilon >= 0) || Double.isInfinite(epsilon)) {
            throw new IllegalArgumentException("epsilon was " + epsilon + "; expected a finite number ≥ 0 (e.g."
                    + " 1e-6, or 0 for LRP-0)");
        }
        return new EpsilonRule(epsilon);
    }

    /** The stabiliser ε. */
    public double epsilon() {
        return epsilon;
    }

    @Override
    public String name() {
        return "LRP-ε";
    }

    @Override
    public Map<String, String> parameters() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("rule", "epsilon");
        p.put("epsilon", String.valueOf(epsilon));
        return p;
    }

    @Override
    protected NDArray linear(Layer layer, NDArray relevance) {
        NDArray s = relevance.div(stabilise(layer.output(), epsilon));
        return layer.input().mul(layer.backward(Weights.UNCHANGED, s));
    }
}
