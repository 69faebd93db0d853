package io.github.explain4j.djl.cam;

/**
 * Grad-CAM++: channel weights from higher powers of the gradient, so that several instances of a class all count,
 * {@code w_k = Σ_ij α_ij^k ReLU(G^k_ij)} with
 * {@code α_ij^k = G²_ij / (2 G²_ij + Σ_ab A^k_ab · G³_ij)} (the closed form for an exponential of the score).
 *
 * <p>A. Chattopadhyay, A. Sarkar, P. Howlader, V. N. Balasubramanian, "Grad-CAM++: Improved Visual Explanations for
 * Deep Convolutional Networks", WACV 2018, arXiv:1710.11063.
 */
public final class GradCamPlusPlus extends GradientCamMethod<GradCamPlusPlus> {

    private GradCamPlusPlus(Settings settings) {
        super(settings, GradCamPlusPlus::new);
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
    public String name() {
        return "Grad-CAM++";
    }

    /** {@code w_k = Σ_ij α^k_ij ReLU(G^k_ij)}, {@code α^k_ij = G²/(2G² + Σ_ab A^k_ab · G³)} (0 where 0/0). */
    @Override
    protected double[] weights(FeatureMaps a, FeatureMaps g) {
        double[] sumA = a.spatialSum();
        return g.map((k, x) -> {
            double g2 = x * x;
            double denominator = 2 * g2 + sumA[k] * g2 * x;
            return denominator != 0 ? g2 / denominator * Math.max(0, x) : 0;
        }).spatialSum();
    }
}
