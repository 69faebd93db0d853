package io.github.explain4j.djl.cam;

/**
 * Grad-CAM++: channel weights from higher powers of the gradient, so that several instances of a class all count,
 * {@code w_k = Σ_ij α_ij^k ReLU(G^k_ij)} with
 * {@code α_ij^k = G²_ij / (2 G²_ij + Σ_ab A^k_ab · G³_ij)} (the closed form for an exponential of the score).
 *
 * <p>A. Chattopadhyay, A. Sarkar, P. Howlader, V. N. Balasubramanian, "Grad-CAM++: Improved Visual Explanations for
 * Deep Convolutional Networks", WACV 2018, arXiv:1710.11063.
 */
public final class GradCamPlusPlus extends CamMethod<GradCamPlusPlus> {

    private GradCamPlusPlus(Settings settings) {
        super(settings);
    }

    /** At the last spatial layer. */
    public static GradCamPlusPlus create() {
        return new GradCamPlusPlus(defaults());
    }

    /** At one or more layers. */
    public static GradCamPlusPlus at(String... layers) {
        return new GradCamPlusPlus(layers(layers));
    }

    @Override
    protected GradCamPlusPlus with(Settings s) {
        return new GradCamPlusPlus(s);
    }

    @Override
    public String name() {
        return "Grad-CAM++";
    }

    @Override
    protected float[] cam(float[] a, float[] g, int k, int h, int w) {
        int plane = h * w;
        double[] weights = new double[k];
        for (int c = 0; c < k; c++) {
            double sumA = 0;
            for (int j = 0; j < plane; j++) {
                sumA += a[c * plane + j];
            }
            double wc = 0;
            for (int j = 0; j < plane; j++) {
                double gj = g[c * plane + j];
                double g2 = gj * gj;
                double denominator = 2 * g2 + sumA * g2 * gj;
                double alpha = denominator != 0 ? g2 / denominator : 0;
                wc += alpha * Math.max(0, gj);
            }
            weights[c] = wc;
        }
        return weightedSum(a, weights, k, plane);
    }
}
