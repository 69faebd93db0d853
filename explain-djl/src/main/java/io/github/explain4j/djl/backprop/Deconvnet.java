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
 * Deconvnet: the target score's signal sent back to the input through the transposed layers, with every ReLU
 * applied to the backward signal itself, {@code g_in = max(g_out, 0)}, whatever the ReLU's input was (max-pooling
 * routes to the forward pass's winners, the "switches"). One map per input channel, shown as the largest absolute
 * value.
 *
 * <p>Applies its rule at every ReLU of the model or refuses the model, naming the layers that may hide one (see
 * {@link LayerwiseBackward}).
 *
 * <p>M. D. Zeiler, R. Fergus, "Visualizing and Understanding Convolutional Networks", ECCV 2014,
 * arXiv:1311.2901.
 */
public final class Deconvnet extends AttributionMethod {

    private Deconvnet() {}

    /** The method (it has no settings). */
    public static Deconvnet create() {
        return new Deconvnet();
    }

    @Override
    public String name() {
        return "Deconvnet";
    }

    @Override
    public MethodOutput attribute(ExplainableModel model, NDManager scope, NDArray input, ResolvedTarget target) {
        LayerwiseBackward.Result r = LayerwiseBackward.of(model.seam())
                .propagate(scope, input, target.scoreFunction(), LayerwiseBackward.Rule.deconvnet());
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
