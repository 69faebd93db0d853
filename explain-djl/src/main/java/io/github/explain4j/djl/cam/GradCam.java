package io.github.explain4j.djl.cam;

/**
 * Grad-CAM: the feature maps {@code A^k} of a convolutional layer weighted by the spatial mean of the target
 * score's gradient w.r.t. them, {@code L = ReLU(Σ_k α_k A^k)} with {@code α_k = mean_ij ∂y/∂A^k_ij}, upsampled to
 * the input. One forward pass and the backward pass of the layers after the chosen one.
 *
 * <pre>{@code
 * GradCam.create()                    // the last spatial layer (for a ResNet, its last stage)
 * GradCam.at("stage4")                // a named layer
 * GradCam.at("stage3", "stage4")      // several layers, averaged
 * }</pre>
 *
 * <p>R. R. Selvaraju, M. Cogswell, A. Das, R. Vedantam, D. Parikh, D. Batra, "Grad-CAM: Visual Explanations from
 * Deep Networks via Gradient-based Localization", ICCV 2017, arXiv:1610.02391.
 */
public final class GradCam extends GradientCamMethod<GradCam> {

    private GradCam(Settings settings) {
        super(settings, GradCam::new);
    }

    /** Grad-CAM at the model's last spatial layer. */
    public static GradCam create() {
        return new GradCam(defaults());
    }

    /** Grad-CAM at one or more layers (paths from {@code model.layers()}). */
    public static GradCam at(String... layers) {
        return new GradCam(layers(layers));
    }

    @Override
    public String name() {
        return "Grad-CAM";
    }

    /** {@code α_k = mean_ij G^k_ij}. */
    @Override
    protected double[] weights(FeatureMaps a, FeatureMaps g) {
        return g.spatialMean();
    }
}
