package io.github.explain4j.djl.backprop;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import io.github.explain4j.api.Attribution;
import io.github.explain4j.djl.ExplainableModel;
import io.github.explain4j.djl.core.AttributionMethod;
import io.github.explain4j.djl.core.MethodOutput;
import io.github.explain4j.djl.core.ResolvedTarget;
import io.github.explain4j.djl.seam.LayerwiseBackward;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Layer-wise relevance propagation: the target score is handed back to the input layer by layer, each layer
 * sharing the relevance of its outputs among its inputs in proportion to their contributions. The map is the
 * signed relevance of each input value ({@code C×H×W}).
 *
 * <ul>
 *   <li>{@link #epsilon(double)}, LRP-ε: {@code R_j = Σ_k x_j w_jk / (z_k + ε·sign(z_k)) · R_k}, with {@code z_k}
 *       the layer's output (biases included, so a bias absorbs its share); {@code ε = 0} is LRP-0.</li>
 *   <li>{@link #alphaBeta(double, double)}, LRP-αβ:
 *       {@code R_j = Σ_k (α z⁺_jk / Z⁺_k − β z⁻_jk / Z⁻_k) R_k} over the positive and negative contributions
 *       {@code z_jk = x_j w_jk}, biases left out, computed with the weights clamped to {@code w⁺ = max(w, 0)} and
 *       {@code w⁻ = min(w, 0)}; {@code α − β = 1}. A neuron whose contributions all have one sign hands its
 *       relevance to them alone, so relevance is conserved at every neuron.</li>
 * </ul>
 * ReLUs pass relevance unchanged; max-pooling, flatten and Dropout route it to the values they took; average
 * pooling and BatchNorm (the affine map of its running statistics) are linear layers; a residual sum shares it
 * among its branches by their contributions. Relevance starts as {@code output ⊙ ∂score/∂output} — for a class
 * score, that class's output.
 *
 * <p>Each attribution carries the diagnostics {@code "conservation"} = Σ input relevance / explained score (1 for
 * a bias-free network; biases and ε absorb part of it), {@code "relevance"} and {@code "score"}.
 *
 * <p>Refuses models whose layers it cannot vouch for (see {@link LayerwiseBackward}).
 *
 * <p>S. Bach, A. Binder, G. Montavon, F. Klauschen, K.-R. Müller, W. Samek, "On Pixel-Wise Explanations for
 * Non-Linear Classifier Decisions by Layer-Wise Relevance Propagation", PLoS ONE 10(7), 2015; G. Montavon,
 * A. Binder, S. Lapuschkin, W. Samek, K.-R. Müller, "Layer-Wise Relevance Propagation: An Overview", in
 * Explainable AI, LNCS 11700, Springer 2019.
 */
public final class Lrp extends AttributionMethod {

    private final LayerwiseBackward.Rule rule;
    private final Map<String, String> parameters;

    private Lrp(LayerwiseBackward.Rule rule, Map<String, String> parameters) {
        this.rule = rule;
        this.parameters = java.util.Collections.unmodifiableMap(parameters);
    }

    /** LRP-ε with stabiliser {@code epsilon ≥ 0} (0 gives LRP-0). */
    public static Lrp epsilon(double epsilon) {
        if (!(epsilon >= 0) || Double.isInfinite(epsilon)) {
            throw new IllegalArgumentException("epsilon was " + epsilon + "; expected a finite number ≥ 0 (e.g."
                    + " 1e-6, or 0 for LRP-0)");
        }
        Map<String, String> p = new LinkedHashMap<>();
        p.put("rule", "epsilon");
        p.put("epsilon", String.valueOf(epsilon));
        return new Lrp(LayerwiseBackward.Rule.epsilon(epsilon), p);
    }

    /** LRP-αβ with {@code alpha ≥ 1}, {@code beta ≥ 0} and {@code alpha − beta = 1} (e.g. (1, 0) or (2, 1)). */
    public static Lrp alphaBeta(double alpha, double beta) {
        if (!Double.isFinite(alpha) || !Double.isFinite(beta) || alpha < 1 || beta < 0
                || Math.abs(alpha - beta - 1) > 1e-9) {
            throw new IllegalArgumentException("alpha was " + alpha + " and beta " + beta + "; expected alpha ≥ 1,"
                    + " beta ≥ 0 and alpha − beta = 1 (e.g. alphaBeta(1, 0) or alphaBeta(2, 1)), which conserves"
                    + " relevance");
        }
        Map<String, String> p = new LinkedHashMap<>();
        p.put("rule", "alpha-beta");
        p.put("alpha", String.valueOf(alpha));
        p.put("beta", String.valueOf(beta));
        return new Lrp(LayerwiseBackward.Rule.alphaBeta(alpha, beta), p);
    }

    @Override
    public String name() {
        return "LRP";
    }

    @Override
    public MethodOutput attribute(ExplainableModel model, NDManager scope, NDArray input, ResolvedTarget target) {
        LayerwiseBackward.Result r = LayerwiseBackward.of(model.seam())
                .propagate(scope, input, target.scoreFunction(), rule);
        float[][] maps = rows(r.inputSignal());
        double[] scores = r.scores().toType(DataType.FLOAT64, false).toDoubleArray();
        double[] relevance = perRow(r.inputSignal());
        List<Map<String, Double>> diagnostics = new ArrayList<>();
        for (int n = 0; n < maps.length; n++) {
            Map<String, Double> d = new LinkedHashMap<>();
            d.put("conservation", relevance[n] / scores[n]);
            d.put("relevance", relevance[n]);
            d.put("score", scores[n]);
            diagnostics.add(d);
        }
        return new MethodOutput(maps, (int) input.getShape().get(1), (int) input.getShape().get(2),
                (int) input.getShape().get(3), classesOf(target, r.output()), diagnostics);
    }

    /** The sum of each row of {@code (N, …)}, in double precision. */
    private static double[] perRow(NDArray batch) {
        int n = (int) batch.getShape().get(0);
        double[] all = batch.toType(DataType.FLOAT64, false).toDoubleArray();
        int per = all.length / n;
        double[] out = new double[n];
        for (int i = 0; i < all.length; i++) {
            out[i / per] += all[i];
        }
        return out;
    }

    @Override
    public Map<String, String> parameters() {
        return parameters;
    }

    @Override
    public boolean signed() {
        return true;
    }

    @Override
    public Attribution.Reduction display() {
        return Attribution.Reduction.SUM;
    }
}
