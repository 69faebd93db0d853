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
 * Input × Gradient: each input value times the gradient of the target score w.r.t. it (in the model's normalised
 * input space). On a linear model it is each feature's exact contribution to the score.
 *
 * <p>A. Shrikumar, P. Greenside, A. Shcherbina, A. Kundaje, "Not Just a Black Box: Learning Important Features
 * Through Propagating Activation Differences", arXiv:1605.01713, 2016.
 */
public final class InputXGradient extends AttributionMethod {

    private InputXGradient() {}

    /** The method (it has no settings). */
    public static InputXGradient create() {
        return new InputXGradient();
    }

    @Override
    public String name() {
        return "Input x Gradient";
    }

    @Override
    public MethodOutput attribute(ExplainableModel model, NDManager scope, NDArray input, ResolvedTarget target) {
        GradientResult g = gradients(model, scope, input, null, target.scoreFunction());
        return MethodOutput.of(rows(input.mul(g.inputGradient())), (int) input.getShape().get(1),
                (int) input.getShape().get(2), (int) input.getShape().get(3), classesOf(target, g.output()));
    }

    @Override
    public Map<String, String> parameters() {
        return Map.of();
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
