package io.github.explain4j.djl.backprop;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.github.explain4j.api.Attribution;
import io.github.explain4j.djl.ExplainableModel;
import io.github.explain4j.djl.attribution.AttributionMethod;
import io.github.explain4j.djl.attribution.MethodOutput;
import io.github.explain4j.djl.attribution.ResolvedTarget;
import io.github.explain4j.djl.seam.LayerwiseBackward;
import java.util.Map;

/**
 * Guided backpropagation: the gradient of the target score w.r.t. the input, except that at every ReLU only
 * positive signal passes back, and only where the ReLU's input was positive,
 * {@code g_in = g_out·[x > 0]·[g_out > 0]}. One map per input channel, shown as the largest absolute value.
 *
 * <p>Applies its rule at every ReLU of the model — inside residual units too — or refuses the model with an
 * {@link IllegalArgumentException} naming the layers that may hide one (see {@link LayerwiseBackward}).
 *
 * <p>J. T. Springenberg, A. Dosovitskiy, T. Brox, M. Riedmiller, "Striving for Simplicity: The All Convolutional
 * Net", ICLR workshop 2015, arXiv:1412.6806.
 */
public final class GuidedBackprop extends AttributionMethod {

    private GuidedBackprop() {}

    /** The method (it has no settings). */
    public static GuidedBackprop create() {
        return new GuidedBackprop();
    }

    @Override
    public String name() {
        return "Guided Backpropagation";
    }

    @Override
    public MethodOutput attribute(ExplainableModel model, NDManager scope, NDArray input, ResolvedTarget target) {
        LayerwiseBackward.Result r = LayerwiseBackward.of(model.seam())
                .propagate(scope, input, target.scoreFunction(), LayerwiseBackward.Rule.guided());
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
