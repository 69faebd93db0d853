package io.github.explain4j.djl.backprop;

import ai.djl.ndarray.NDArray;
import io.github.explain4j.djl.seam.LayerwiseBackward.Layer;
import io.github.explain4j.djl.seam.LayerwiseBackward.Weights;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * LRP-γ: positive weights boosted by γ,
 * {@code R_j = Σ_k x_j (w_jk + γ w_jk⁺) / Σ_{0,j} x_j (w_jk + γ w_jk⁺) · R_k}, where the sum over {@code j} includes
 * the bias ({@code x_0 = 1}, {@code w_0k = b_k}, boosted alike). Positive contributions dominate, which gives
 * steadier maps than LRP-0 in the lower layers, as Montavon et al. recommend. {@code γ = 0} is LRP-0; as
 * {@code γ → ∞} it tends to the z⁺ rule (LRP-αβ with α = 1, β = 0 on non-negative inputs). BatchNorm scales and
 * shifts are boosted like weights and biases; average pooling and residual sums, whose weights are positive, share
 * relevance in proportion to their inputs.
 *
 * <p>G. Montavon, A. Binder, S. Lapuschkin, W. Samek, K.-R. Müller, "Layer-Wise Relevance Propagation: An
 * Overview", in Explainable AI, LNCS 11700, Springer 2019.
 */
public final class GammaRule extends PropagationRule {

    private final double gamma;
    private final Weights boosted;

    private GammaRule(double gamma) {
        this.gamma = gamma;
        this.boosted = new Weights(w -> w.add(w.maximum(0).mul(gamma)), b -> b.add(b.maximum(0).mul(gamma)));
    }

    /** LRP-γ with {@code gamma ≥ 0} (e.g. 0.25; 0 gives LRP-0). */
    public static GammaRule of(double gamma) {
        if (!(gamma >= 0) || Double.isInfinite(gamma)) {
            throw new IllegalArgumentException("gamma was " + gamma + "; expected a finite number ≥ 0 (e.g. 0.25,"
                    + " or 0 for LRP-0)");
        }
        return new GammaRule(gamma);
    }

    /** The boost γ of positive weights. */
    public double gamma() {
        return gamma;
    }

    @Override
    public String name() {
        return "LRP-γ";
    }

    @Override
    public Map<String, String> parameters() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("rule", "gamma");
        p.put("gamma", String.valueOf(gamma));
        return p;
    }

    @Override
    protected NDArray linear(Layer layer, NDArray relevance) {
        NDArray z = layer.forward(layer.input(), boosted);
        NDArray s = relevance.div(stabilise(z, 0));
        return layer.input().mul(layer.backward(boosted, s));
    }
}
