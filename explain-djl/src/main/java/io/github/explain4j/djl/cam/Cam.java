package io.github.explain4j.djl.cam;

/**
 * CAM, the original class activation map, for networks whose head is global average pooling followed by a linear
 * layer: {@code L = Σ_k w^c_k A^k}, with {@code w^c} the linear layer's weights for class {@code c}.
 *
 * <p>The weights are read off the gradient: behind such a head, {@code ∂y_c/∂A^k_ij = w^c_k / (h·w)} at every
 * position, so {@code w^c_k = h·w·G^k_ij}. The method checks that the gradient is indeed constant over positions
 * and refuses other heads (use Grad-CAM for them).
 *
 * <p>B. Zhou, A. Khosla, A. Lapedriza, A. Oliva, A. Torralba, "Learning Deep Features for Discriminative
 * Localization", CVPR 2016, arXiv:1512.04150.
 */
public final class Cam extends CamMethod<Cam> {

    private Cam(Settings settings) {
        super(settings);
    }

    /** At the last spatial layer (the one the global average pooling reads). */
    public static Cam create() {
        return new Cam(defaults());
    }

    /** At a layer followed by global average pooling and a linear layer. */
    public static Cam at(String... layers) {
        return new Cam(layers(layers));
    }

    @Override
    protected Cam with(Settings s) {
        return new Cam(s);
    }

    @Override
    public String name() {
        return "CAM";
    }

    @Override
    protected float[] cam(float[] a, float[] g, int k, int h, int w) {
        int plane = h * w;
        double[] weights = new double[k];
        for (int c = 0; c < k; c++) {
            double first = g[c * plane];
            double scale = 0;
            for (int j = 0; j < plane; j++) {
                scale = Math.max(scale, Math.abs(g[c * plane + j]));
            }
            for (int j = 1; j < plane; j++) {
                if (Math.abs(g[c * plane + j] - first) > 1e-4 * scale + 1e-12) {
                    throw new IllegalArgumentException("CAM needs the layer to be followed by global average pooling"
                            + " and a linear layer only, but the gradient w.r.t. channel " + c + " varies over"
                            + " positions (" + first + " vs " + g[c * plane + j] + "); use Grad-CAM for this model");
                }
            }
            weights[c] = first * plane;
        }
        return weightedSum(a, weights, k, plane);
    }
}
