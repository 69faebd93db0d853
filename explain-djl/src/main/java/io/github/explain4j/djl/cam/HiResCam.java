package io.github.explain4j.djl.cam;

/**
 * HiResCAM: the element-wise product of gradients and activations summed over channels,
 * {@code L_ij = Σ_k G^k_ij A^k_ij} — without Grad-CAM's spatial averaging of the gradient, so the map shows where
 * the model actually looked (for a global-average-pooling head it equals CAM exactly).
 *
 * <p>R. L. Draelos, L. Carin, "Use HiResCAM instead of Grad-CAM for faithful explanations of convolutional neural
 * networks", arXiv:2011.08891, 2020.
 */
public final class HiResCam extends GradientCamMethod<HiResCam> {

    private HiResCam(Settings settings) {
        super(settings, HiResCam::new);
    }

    /** At the last spatial layer. */
    public static HiResCam create() {
        return new HiResCam(defaults());
    }

    /** At one or more layers. */
    public static HiResCam at(String... layers) {
        return new HiResCam(layers(layers));
    }

    @Override
    public String name() {
        return "HiResCAM";
    }

    /** {@code L = Σ_k A^k ⊙ G^k}. */
    @Override
    protected float[] image(FeatureMaps a, FeatureMaps g) {
        return a.times(g).channelSum();
    }
}
