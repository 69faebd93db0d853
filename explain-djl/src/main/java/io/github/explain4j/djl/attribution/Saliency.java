package io.github.explain4j.djl.attribution;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.github.explain4j.api.Attribution;
import io.github.explain4j.djl.ExplainableModel;
import io.github.explain4j.djl.core.AttributionMethod;
import io.github.explain4j.djl.core.MethodOutput;
import io.github.explain4j.djl.core.ResolvedTarget;
import io.github.explain4j.djl.seam.GradientResult;
import java.util.Map;

/**
 * Vanilla gradient: the gradient of the target score w.r.t. each input value, one map per input channel; shown as
 * the largest absolute value over channels.
 *
 * <p>K. Simonyan, A. Vedaldi, A. Zisserman, "Deep Inside Convolutional Networks: Visualising Image
 * Classification Models and Saliency Maps", ICLR workshop 2014, arXiv:1312.6034.
 */
public final class Saliency extends AttributionMethod {

    private Saliency() {}

    /** The method (it has no settings). */
    public static Saliency create() {
        return new Saliency();
    }

    @Override
    public String name() {
        return "Saliency";
    }

    @Override
    public MethodOutput attribute(ExplainableModel model, NDManager scope, NDArray input, ResolvedTarget target) {
        GradientResult g = gradients(model, scope, input, null, target.scoreFunction());
        return MethodOutput.of(rows(g.inputGradient()), (int) input.getShape().get(1), (int) input.getShape().get(2),
                (int) input.getShape().get(3), classesOf(target, g.output()));
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
