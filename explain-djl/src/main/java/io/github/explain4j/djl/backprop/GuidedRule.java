package io.github.explain4j.djl.backprop;

import ai.djl.ndarray.NDArray;
import io.github.explain4j.djl.seam.LayerwiseBackward.Layer;
import io.github.explain4j.djl.seam.LayerwiseBackward.Weights;
import java.util.Map;

/**
 * Guided backpropagation's rule: at a ReLU with input {@code x}, {@code g_in = g_out·[x > 0]·[g_out > 0]};
 * elsewhere the gradient. Springenberg et al., arXiv:1412.6806 (see {@link GuidedBackprop}).
 */
final class GuidedRule extends PropagationRule {

    static final GuidedRule INSTANCE = new GuidedRule();

    private GuidedRule() {}

    @Override
    public String name() {
        return "guided backpropagation";
    }

    @Override
    public Map<String, String> parameters() {
        return Map.of("rule", "guided");
    }

    @Override
    protected NDArray relu(Layer relu, NDArray gradient) {
        return gradient.maximum(0).mul(relu.input().gt(0).toType(gradient.getDataType(), false));
    }

    @Override
    protected NDArray linear(Layer layer, NDArray gradient) {
        return layer.backward(Weights.UNCHANGED, gradient);
    }
}
