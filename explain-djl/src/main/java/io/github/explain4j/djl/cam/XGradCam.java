package io.github.explain4j.djl.cam;

/**
 * XGrad-CAM: channel weights that make the map satisfy the sensitivity and conservation axioms,
 * {@code w_k = Σ_ij A^k_ij G^k_ij / Σ_ij A^k_ij}.
 *
 * <p>R. Fu, Q. Hu, X. Dong, Y. Guo, Y. Gao, B. Li, "Axiom-based Grad-CAM: Towards Accurate Visualization and
 * Explanation of CNNs", BMVC 2020, arXiv:2008.02312.
 */
public final class XGradCam extends CamMethod<XGradCam> {

    private XGradCam(Settings settings) {
        super(settings);
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
    protected XGradCam with(Settings s) {
        return new XGradCam(s);
    }

    @Override
    public String name() {
        return "XGrad-CAM";
    }

    @Override
    protected float[] cam(float[] a, float[] g, int k, int h, int w) {
        int plane = h * w;
        double[] weights = new double[k];
        for (int c = 0; c < k; c++) {
            double ag = 0;
            double sumA = 0;
            for (int j = 0; j < plane; j++) {
                ag += (double) a[c * plane + j] * g[c * plane + j];
                sumA += a[c * plane + j];
            }
            weights[c] = ag / (sumA + 1e-7);
        }
        return weightedSum(a, weights, k, plane);
    }
}
