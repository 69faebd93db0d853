package io.github.explain4j.djl.backprop;

import ai.djl.ndarray.NDArray;
import io.github.explain4j.djl.ExplainableModel;
import io.github.explain4j.djl.seam.LayerwiseBackward;
import io.github.explain4j.djl.seam.LayerwiseBackward.Layer;
import io.github.explain4j.djl.seam.LayerwiseBackward.Weights;
import java.util.Map;

/**
 * A modified-backpropagation rule: how a signal — relevance for LRP, a gradient for guided backpropagation and
 * deconvnet — passes back through one layer. The layer-wise walk ({@link LayerwiseBackward}) records a forward
 * pass and hands the rule, from the output down, every affine layer ({@link #linear}: convolution, dense layer,
 * BatchNorm, average pooling, a residual sum) and every ReLU ({@link #relu}); max-pooling, flatten, padding and
 * Dropout pass the signal back to the values they took, whatever the rule.
 *
 * <p>A new rule is one class: extend this class, say how a linear layer shares the signal of its outputs among its
 * inputs (the layer offers its input, output, and forward and transposed passes with changed parameters,
 * {@link Weights}), and name it. LRP-0 written out ({@code z_k} is the layer's output, so its bias absorbs a share):
 * <pre>{@code
 * public final class ZeroRule extends PropagationRule {
 *     public String name() { return "LRP-0"; }
 *     public Map<String, String> parameters() { return Map.of("rule", "zero"); }
 *     protected NDArray linear(Layer layer, NDArray relevance) {
 *         NDArray s = relevance.div(stabilise(layer.output(), 0));            // s_k = R_k / z_k
 *         return layer.input().mul(layer.backward(Weights.UNCHANGED, s));     // R_j = x_j Σ_k w_jk s_k
 *     }
 * }
 * Lrp.of(new ZeroRule())                                                      // at every layer
 * Lrp.of(EpsilonRule.of(0.25)).first(ZBoxRule.fromSpec()).layers(1, 8, new ZeroRule())
 * }</pre>
 *
 * <p>Rules of this package: {@link EpsilonRule} (LRP-0 and LRP-ε), {@link GammaRule} (LRP-γ), {@link AlphaBetaRule}
 * (LRP-αβ), {@link ZBoxRule} (z^B, for the first layer); {@link GuidedBackprop} and {@link Deconvnet} apply their
 * own ReLU rules with the plain gradient elsewhere. Rules are immutable. Following Captum's {@code lrp_rules}, one
 * class per rule.
 *
 * <p>G. Montavon, A. Binder, S. Lapuschkin, W. Samek, K.-R. Müller, "Layer-Wise Relevance Propagation: An
 * Overview", in Explainable AI, LNCS 11700, Springer 2019 (the rules LRP-0, -ε and -γ as one generic form).
 */
public abstract class PropagationRule {

    /** {@code w⁺ = max(w, 0)}, bias left out. */
    protected static final Weights POSITIVE = Weights.withoutBias(w -> w.maximum(0));
    /** {@code w⁻ = min(w, 0)}, bias left out. */
    protected static final Weights NEGATIVE = Weights.withoutBias(w -> w.minimum(0));
    /** The weights as they are, bias left out. */
    protected static final Weights WITHOUT_BIAS = Weights.withoutBias(w -> w);

    /** For subclasses. */
    protected PropagationRule() {}

    /** The rule's name for messages, e.g. {@code "LRP-γ"}. */
    public abstract String name();

    /**
     * The rule's settings as a method reports them ({@code Attribution} provenance): {@code "rule"} and its
     * parameters, e.g. {@code {rule=gamma, gamma=0.25}}.
     */
    public abstract Map<String, String> parameters();

    /**
     * The signal at an affine layer's input given the signal at its output (shaped like {@link Layer#input()}
     * and {@link Layer#output()}).
     */
    protected abstract NDArray linear(Layer layer, NDArray signal);

    /**
     * The signal at a ReLU's input given the signal at its output; LRP's rules pass relevance unchanged (the
     * default), since a ReLU's output is its input where it carries relevance.
     */
    protected NDArray relu(Layer relu, NDArray signal) {
        return signal;
    }

    /**
     * The rule as it applies to {@code model}: a rule whose settings come from the model (z^B's bounds from its
     * input spec) resolves them here, once per explanation, before any pass. The default returns this rule.
     *
     * @throws IllegalArgumentException if the rule cannot apply to the model, naming why and the fix
     */
    protected PropagationRule forModel(ExplainableModel model) {
        return this;
    }

    /**
     * {@code z + ε·sign(z)} with {@code sign(0) = 1}, and 1 where that is still 0 ({@code ε = 0, z = 0}: a neuron
     * without contributions keeps its relevance out of the division). The usual denominator of LRP rules.
     */
    protected static NDArray stabilise(NDArray z, double epsilon) {
        NDArray sign = z.gte(0).toType(z.getDataType(), false).mul(2).sub(1);
        NDArray d = z.add(sign.mul(epsilon));
        return d.add(d.eq(0).toType(z.getDataType(), false));
    }

    @Override
    public String toString() {
        return name() + " " + parameters();
    }
}
