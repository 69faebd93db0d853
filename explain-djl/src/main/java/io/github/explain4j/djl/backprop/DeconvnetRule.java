package io.github.explain4j.djl.backprop;

import ai.djl.ndarray.NDArray;
import io.github.explain4j.djl.seam.LayerwiseBackward.Layer;
import io.github.explain4j.djl.seam.LayerwiseBackward.Weights;
import java.util.Map;

/**
 * Deconvnet's rule: at a ReLU, {@code g_in = max(g_out, 0)} whatever the ReLU's input was; elsewhere the
 * gradient (the transposed layers). Zeiler and Fergus, arXiv:1311.2901 (see {@link Deconvnet}).
 */
final class DeconvnetRule extends PropagationRule {

    static final DeconvnetRule INSTANCE = new DeconvnetRule();

    private DeconvnetRule() {}

    @Override
    public String name() {
        return "deconvnet";
    }

    @Override
    public Map<String, String> parameters() {
        return Map.of("rule", "deconvnet");
    }

    @Override
    protected NDArray relu(Layer relu, NDArray gradient) {
        return gradient.maximum(0);
    }

    @Override
    protected NDArray linear(Layer layer, NDArray gradient) {
        return layer.backward(Weights.UNCHANGED, gradient);
    }
}
