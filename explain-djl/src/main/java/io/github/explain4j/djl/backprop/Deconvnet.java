package io.github.explain4j.djl.backprop;

import io.github.explain4j.djl.seam.LayerwiseBackward;

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
public final class Deconvnet extends ReluRuleBackprop {

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
    PropagationRule rule() {
        return DeconvnetRule.INSTANCE;
    }
}
