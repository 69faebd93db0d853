package io.github.explain4j.djl.backprop;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.github.explain4j.api.Attribution;
import io.github.explain4j.djl.ExplainableModel;
import io.github.explain4j.djl.core.AttributionMethod;
import io.github.explain4j.djl.core.MethodOutput;
import io.github.explain4j.djl.core.ResolvedTarget;
import io.github.explain4j.djl.seam.LayerwiseBackward;
import java.util.Map;

/**
 * The template of the methods that send the target's gradient back to the input with their own rule at every
 * ReLU (guided backpropagation, deconvnet): a variant names its {@link PropagationRule}, which changes the ReLU
 * step and keeps the gradient elsewhere. One map per input channel, shown as the largest absolute value. Models
 * whose ReLUs cannot all be reached are refused (see {@link LayerwiseBackward}).
 */
public abstract class ReluRuleBackprop extends AttributionMethod {

    /** Only subclasses in this package. */
    ReluRuleBackprop() {}

    /** The rule applied at every ReLU. */
    abstract PropagationRule rule();

    @Override
    public MethodOutput attribute(ExplainableModel model, NDManager scope, NDArray input, ResolvedTarget target) {
        LayerwiseBackward.Result r = LayerwiseBackward.of(model.seam())
                .propagate(scope, input, target.scoreFunction(), AppliedRules.gradient(rule()));
        return MethodOutput.of(rows(r.inputSignal()), (int) input.getShape().get(1), (int) input.getShape().get(2),
                (int) input.getShape().get(3), classesOf(target, r.output()));
    }

    @Override
    public Map<String, String> parameters() {
        return Map.of();
    }

    @Override
    public boolean signed() {
        return false;
    }

    @Override
    public Attribution.Reduction display() {
        return Attribution.Reduction.MAX_ABS;
    }
}
