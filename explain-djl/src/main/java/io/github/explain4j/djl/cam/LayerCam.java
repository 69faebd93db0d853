package io.github.explain4j.djl.cam;

/**
 * Layer-CAM: activations weighted element-wise by their positive gradients, {@code L_ij = Σ_k ReLU(G^k_ij) A^k_ij};
 * reliable at shallow layers too, where Grad-CAM's averaged weights blur.
 *
 * <p>P.-T. Jiang, C.-B. Zhang, Q. Hou, M.-M. Cheng, Y. Wei, "LayerCAM: Exploring Hierarchical Class Activation Maps
 * for Localization", IEEE TIP 30, 2021.
 */
public final class LayerCam extends GradientCamMethod<LayerCam> {

    private LayerCam(Settings settings) {
        super(settings, LayerCam::new);
    }

    /** At the last spatial layer. */
    public static LayerCam create() {
        return new LayerCam(defaults());
    }

    /** At one or more layers. */
    public static LayerCam at(String... layers) {
        return new LayerCam(layers(layers));
    }

    @Override
    public String name() {
        return "Layer-CAM";
    }

    /** {@code L = Σ_k A^k ⊙ ReLU(G^k)}. */
    @Override
    protected float[] image(FeatureMaps a, FeatureMaps g) {
        return a.times(g.relu()).channelSum();
    }
}
