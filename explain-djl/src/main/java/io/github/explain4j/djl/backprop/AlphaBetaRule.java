package io.github.explain4j.djl.backprop;

import ai.djl.ndarray.NDArray;
import io.github.explain4j.djl.seam.LayerwiseBackward.Layer;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * LRP-αβ: {@code R_j = Σ_k (α z⁺_jk / Z⁺_k − β z⁻_jk / Z⁻_k) R_k} over the positive and negative contributions
 * {@code z_jk = x_j w_jk}, biases left out; {@code α − β = 1}. The positive contributions are
 * {@code x⁺·w⁺ + x⁻·w⁻}, computed by forward passes of the layer with clamped weights, the negative ones
 * {@code x⁺·w⁻ + x⁻·w⁺}. A neuron whose contributions all have one sign hands its relevance to them alone, so that
 * every neuron conserves relevance. αβ(1, 0) on non-negative inputs is the z⁺ rule.
 *
 * <p>S. Bach, A. Binder, G. Montavon, F. Klauschen, K.-R. Müller, W. Samek, "On Pixel-Wise Explanations for
 * Non-Linear Classifier Decisions by Layer-Wise Relevance Propagation", PLoS ONE 10(7), 2015; G. Montavon et al.,
 * "Layer-Wise Relevance Propagation: An Overview", LNCS 11700, 2019.
 */
public final class AlphaBetaRule extends PropagationRule {

    private final double alpha;
    private final double beta;

    private AlphaBetaRule(double alpha, double beta) {
        this.alpha = alpha;
        this.beta = beta;
    }

    /** LRP-αβ with {@code alpha ≥ 1}, {@code beta ≥ 0} and {@code alpha − beta = 1} (e.g. (1, 0) or (2, 1)). */
    public static AlphaBetaRule of(double alpha, double beta) {
        if (!Double.isFinite(alpha) || !Double.isFinite(beta) || alpha < 1 || beta < 0
                || Math.abs(alpha - beta - 1) > 1e-9) {
            throw new IllegalArgumentException("alpha was " + alpha + " and beta " + beta + "; expected alpha ≥ 1,"
                    + " beta ≥ 0 and alpha − beta = 1 (e.g. alphaBeta(1, 0) or alphaBeta(2, 1)), which conserves"
                    + " relevance");
        }
        return new AlphaBetaRule(alpha, beta);
    }

    /** The weight α of the positive contributions. */
    public double alpha() {
        return alpha;
    }

    /** The weight β of the negative contributions. */
    public double beta() {
        return beta;
    }

    @Override
    public String name() {
        return "LRP-αβ";
    }

    @Override
    public Map<String, String> parameters() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("rule", "alpha-beta");
        p.put("alpha", String.valueOf(alpha));
        p.put("beta", String.valueOf(beta));
        return p;
    }

    @Override
    protected NDArray linear(Layer layer, NDArray relevance) {
        NDArray a = layer.input().maximum(0);
        NDArray b = layer.input().minimum(0);
        NDArray zp = layer.forward(a, POSITIVE).add(layer.forward(b, NEGATIVE));
        NDArray zn = layer.forward(b, POSITIVE).add(layer.forward(a, NEGATIVE));
        NDArray[] s = shares(zp, zn, relevance);
        // L = Σ (pos(a) + neg(b))·s⁺ − Σ (pos(b) + neg(a))·s⁻; R = a ⊙ ∂L/∂a + b ⊙ ∂L/∂b
        NDArray[] g = layer.gradients(v -> layer.forward(v[0], POSITIVE).add(layer.forward(v[1], NEGATIVE))
                .mul(s[0]).sum().sub(layer.forward(v[1], POSITIVE).add(layer.forward(v[0], NEGATIVE)).mul(s[1])
                        .sum()), a, b);
        return a.mul(g[0]).add(b.mul(g[1]));
    }

    /**
     * The per-neuron multipliers {s⁺, s⁻}, {@code s⁺ = α_k R / Z⁺}, {@code s⁻ = β_k R / Z⁻}. A neuron with
     * contributions of one sign only hands all its relevance to them ({@code α_k = 1, β_k = 0}, or
     * {@code α_k = 0, β_k = −1}).
     */
    private NDArray[] shares(NDArray zp, NDArray zn, NDArray relevance) {
        NDArray hasP = zp.gt(0).toType(zp.getDataType(), false);
        NDArray hasN = zn.lt(0).toType(zp.getDataType(), false);
        NDArray both = hasP.mul(hasN);
        NDArray a = both.mul(alpha).add(hasP.sub(both));
        NDArray b = both.mul(beta).sub(hasN.sub(both));
        NDArray sp = relevance.mul(a).div(zp.add(hasP.neg().add(1)));
        NDArray sn = relevance.mul(b).div(zn.add(hasN.neg().add(1)));
        return new NDArray[] {sp, sn};
    }
}
