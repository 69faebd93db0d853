package io.github.explain4j.djl.cam;

/**
 * XGrad-CAM: channel weights that make the map satisfy the sensitivity and conservation axioms,
 * {@code w_k = Σ_ij A^k_ij G^k_ij / Σ_ij A^k_ij}.
 *
 * <p>R. Fu, Q. Hu, X. Dong, Y. Guo, Y. Gao, B. Li, "Axiom-based Grad-CAM: Towards Accurate Visualization and
 * Explanation of CNNs", BMVC 2020, arXiv:2008.02312.
 */
public final class XGradCam extends GradientCamMethod<XGradCam> {

    private XGradCam(Settings settings) {
        super(settings, XGradCam::new);
    }

    /** At the last spatial layer. */
    public static XGradCam create() {
        return new XGradCam(defaults());
    }

    /** At one or more layers. */
    public static XGradCam at(String... layers) {
        return new XGradCam(layers(layers));
    }

    @Override
    public String name() {
        return "XGrad-CAM";
    }

    /** {@code w_k = Σ_ij A^k_ij G^k_ij / Σ_ij A^k_ij} (a tiny constant keeps an all-zero channel finite). */
    @Override
    protected double[] weights(FeatureMaps a, FeatureMaps g) {
        double[] w = a.times(g).spatialSum();
        double[] sumA = a.spatialSum();
        for (int k = 0; k < w.length; k++) {
            w[k] /= sumA[k] + 1e-7;
        }
        return w;
    }
}
