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
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Layer-wise relevance propagation: the target score is handed back to the input layer by layer, each layer
 * sharing the relevance of its outputs among its inputs by a {@link PropagationRule}. The map is the signed
 * relevance of each input value ({@code C×H×W}).
 *
 * <ul>
 *   <li>{@link #epsilon(double)}, LRP-ε ({@link EpsilonRule}): {@code R_j = Σ_k x_j w_jk / (z_k + ε·sign(z_k)) · R_k},
 *       with {@code z_k} the layer's output (biases included, so a bias absorbs its share); {@code ε = 0} is
 *       LRP-0.</li>
 *   <li>{@link #alphaBeta(double, double)}, LRP-αβ ({@link AlphaBetaRule}):
 *       {@code R_j = Σ_k (α z⁺_jk / Z⁺_k − β z⁻_jk / Z⁻_k) R_k} over the positive and negative contributions,
 *       biases left out; {@code α − β = 1}.</li>
 *   <li>{@link #gamma(double)}, LRP-γ ({@link GammaRule}): positive weights boosted,
 *       {@code R_j = Σ_k x_j (w_jk + γw_jk⁺) / Σ_{0,j} x_j (w_jk + γw_jk⁺) · R_k}.</li>
 *   <li>{@link #of(PropagationRule)}: any rule at every layer, and per-layer rules on top of it —
 *       {@link #first}, {@link #layers(int, int, PropagationRule)} (by the position of a layer with weights) and
 *       {@link #layer(String, PropagationRule)} (by path). The composite Montavon et al. recommend for image
 *       models: z^B ({@link ZBoxRule}) at the first layer, LRP-γ in the lower layers, LRP-ε above:
 *       <pre>{@code
 * Lrp.of(EpsilonRule.of(0.25)).first(ZBoxRule.fromSpec()).layers(1, 8, GammaRule.of(0.25))
 *       }</pre></li>
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

    private final PropagationRule rule;
    private final List<AppliedRules.Assignment> assignments;

    private Lrp(PropagationRule rule, List<AppliedRules.Assignment> assignments) {
        this.rule = rule;
        this.assignments = List.copyOf(assignments);
    }

    /** LRP-ε with stabiliser {@code epsilon ≥ 0} (0 gives LRP-0) at every layer. */
    public static Lrp epsilon(double epsilon) {
        return of(EpsilonRule.of(epsilon));
    }

    /**
     * LRP-αβ with {@code alpha ≥ 1}, {@code beta ≥ 0} and {@code alpha − beta = 1} (e.g. (1, 0) or (2, 1)) at every
     * layer.
     */
    public static Lrp alphaBeta(double alpha, double beta) {
        return of(AlphaBetaRule.of(alpha, beta));
    }

    /** LRP-γ with {@code gamma ≥ 0} (e.g. 0.25; 0 gives LRP-0) at every layer. */
    public static Lrp gamma(double gamma) {
        return of(GammaRule.of(gamma));
    }

    /** LRP with {@code rule} at every layer not given another rule by {@link #first}, {@link #layers} or {@link #layer}. */
    public static Lrp of(PropagationRule rule) {
        return new Lrp(checked(rule), List.of());
    }

    /** The same method with {@code rule} at the first layer with weights (e.g. {@link ZBoxRule#fromSpec()}). */
    public Lrp first(PropagationRule rule) {
        return layers(0, 1, rule);
    }

    /**
     * The same method with {@code rule} at the layers with weights (convolutions and dense layers) numbered
     * {@code from} to {@code to − 1} in execution order, from 0; layers without weights keep the other rules.
     * Later assignments win where they overlap.
     */
    public Lrp layers(int from, int to, PropagationRule rule) {
        if (from < 0 || to <= from) {
            throw new IllegalArgumentException("layers were " + from + " to " + to + "; expected 0 ≤ from < to, to"
                    + " exclusive, counting the layers with weights from 0 (e.g. layers(1, 8, rule) for the second to"
                    + " the eighth)");
        }
        return with(new AppliedRules.Assignment(null, from, to, checked(rule)));
    }

    /**
     * The same method with {@code rule} at the layer {@code path} (see {@link ExplainableModel#layers()}), or at
     * every layer inside it when it is a block of layers (a residual unit, a stage) — its ReLUs, BatchNorms and
     * sums included. Later assignments win where they overlap.
     */
    public Lrp layer(String path, PropagationRule rule) {
        if (path == null || path.isBlank()) {
            throw new IllegalArgumentException("layer path was " + (path == null ? "null" : "blank") + "; expected a"
                    + " layer path such as '01Conv2d' or a block's path (list them with model.layers())");
        }
        return with(new AppliedRules.Assignment(path, -1, -1, checked(rule)));
    }

    private Lrp with(AppliedRules.Assignment assignment) {
        List<AppliedRules.Assignment> all = new ArrayList<>(assignments);
        all.add(assignment);
        return new Lrp(rule, all);
    }

    private static PropagationRule checked(PropagationRule rule) {
        if (rule == null) {
            throw new IllegalArgumentException("rule was null; expected a PropagationRule such as"
                    + " EpsilonRule.of(1e-6), GammaRule.of(0.25) or ZBoxRule.fromSpec()");
        }
        if (rule instanceof GuidedRule || rule instanceof DeconvnetRule) {
            throw new IllegalArgumentException(rule.name() + "'s rule sends gradients, not relevance; use "
                    + (rule instanceof GuidedRule ? "GuidedBackprop" : "Deconvnet") + ".create()");
        }
        return rule;
    }

    @Override
    public String name() {
        return "LRP";
    }

    /** The rules resolved for {@code model}: assigned layers checked against the model's layers. */
    private AppliedRules bind(ExplainableModel model, LayerwiseBackward walk) {
        List<AppliedRules.Assignment> bound = new ArrayList<>();
        List<String> weighted = assignments.isEmpty() ? List.of() : walk.weightedLayers();
        for (AppliedRules.Assignment a : assignments) {
            String path = null;
            if (a.path() != null) {
                try {
                    path = model.seam().resolveLayer(a.path());
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("LRP assigns " + a.rule().name() + " to a layer the model does"
                            + " not have: " + e.getMessage(), e);
                }
            } else if (a.to() > weighted.size()) {
                throw new IllegalArgumentException("LRP assigns " + a.rule().name() + " to " + a.describe()
                        + " but the model has " + weighted.size() + " layers with weights before its output, numbered"
                        + " 0.." + (weighted.size() - 1) + " " + preview(weighted) + "; assign within that range");
            }
            bound.add(new AppliedRules.Assignment(path, a.from(), a.to(), a.rule().forModel(model)));
        }
        String method = assignments.isEmpty() ? rule.name() : "composite LRP";
        return new AppliedRules(method, true, rule.forModel(model), bound);
    }

    private static String preview(List<String> paths) {
        int shown = Math.min(paths.size(), 4);
        return "(" + String.join(", ", paths.subList(0, shown)) + (paths.size() > shown ? ", …" : "") + ")";
    }

    @Override
    public MethodOutput attribute(ExplainableModel model, NDManager scope, NDArray input, ResolvedTarget target) {
        LayerwiseBackward walk = LayerwiseBackward.of(model.seam());
        LayerwiseBackward.Result r = walk.propagate(scope, input, target.scoreFunction(), bind(model, walk));
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

    /**
     * The rule's settings ({@code rule} and its parameters, e.g. {@code {rule=epsilon, epsilon=1.0E-6}}); for a
     * composite, {@code rule=composite}, the default rule and one entry per assignment in order.
     */
    @Override
    public Map<String, String> parameters() {
        if (assignments.isEmpty()) {
            return Collections.unmodifiableMap(new LinkedHashMap<>(rule.parameters()));
        }
        Map<String, String> p = new LinkedHashMap<>();
        p.put("rule", "composite");
        p.put("default", rule.toString());
        for (AppliedRules.Assignment a : assignments) {
            p.put(a.describe(), a.rule().toString());
        }
        return Collections.unmodifiableMap(p);
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
