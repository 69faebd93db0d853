package io.github.explain4j.djl.backprop;

import ai.djl.ndarray.NDArray;
import io.github.explain4j.djl.seam.LayerwiseBackward;
import io.github.explain4j.djl.seam.LayerwiseBackward.Layer;
import java.util.List;

/**
 * A method's rules as the layer-wise walk applies them: a default rule, and rules assigned to layers (the last
 * assignment that covers a layer wins), each already resolved for the model ({@link PropagationRule#forModel}).
 */
final class AppliedRules implements LayerwiseBackward.Rule {

    /**
     * A rule for the layers under {@code path} (the layer itself, or every layer inside a block), or for the
     * layers with weights numbered {@code from} to {@code to − 1}.
     */
    record Assignment(String path, int from, int to, PropagationRule rule) {

        boolean covers(Layer layer) {
            if (path != null) {
                return layer.path().equals(path) || layer.path().startsWith(path + "/");
            }
            return layer.index() >= from && layer.index() < to;
        }

        String describe() {
            return path != null ? "layer '" + path + "'" : "layers with weights " + from + ".." + (to - 1);
        }
    }

    private final String method;
    private final boolean relevance;
    private final PropagationRule fallback;
    private final List<Assignment> assignments;

    AppliedRules(String method, boolean relevance, PropagationRule fallback, List<Assignment> assignments) {
        this.method = method;
        this.relevance = relevance;
        this.fallback = fallback;
        this.assignments = List.copyOf(assignments);
    }

    /** A gradient method with one rule at every layer (guided backpropagation, deconvnet). */
    static AppliedRules gradient(PropagationRule rule) {
        return new AppliedRules(rule.name(), false, rule, List.of());
    }

    private PropagationRule ruleAt(Layer layer) {
        for (int i = assignments.size() - 1; i >= 0; i--) {
            if (assignments.get(i).covers(layer)) {
                return assignments.get(i).rule();
            }
        }
        return fallback;
    }

    @Override
    public String method() {
        return method;
    }

    @Override
    public boolean relevance() {
        return relevance;
    }

    @Override
    public NDArray relu(Layer relu, NDArray signal) {
        return ruleAt(relu).relu(relu, signal);
    }

    @Override
    public NDArray linear(Layer layer, NDArray signal) {
        return ruleAt(layer).linear(layer, signal);
    }
}
