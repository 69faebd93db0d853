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
public final class Cam extends GradientCamMethod<Cam> {

    private Cam(Settings settings) {
        super(settings, Cam::new);
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
    public String name() {
        return "CAM";
    }

    /** {@code w_k = h·w·G^k = Σ_ij G^k_ij}, after checking that {@code G^k} is constant over positions. */
    @Override
    protected double[] weights(FeatureMaps a, FeatureMaps g) {
        requireConstantOverPositions(g);
        return g.spatialSum();
    }

    private static void requireConstantOverPositions(FeatureMaps g) {
        for (int k = 0; k < g.channels(); k++) {
            float first = g.get(k, 0);
            double scale = 0;
            for (int p = 0; p < g.positions(); p++) {
                scale = Math.max(scale, Math.abs(g.get(k, p)));
            }
            for (int p = 1; p < g.positions(); p++) {
                if (Math.abs(g.get(k, p) - first) > 1e-4 * scale + 1e-12) {
                    throw new IllegalArgumentException("CAM needs the layer to be followed by global average pooling"
                            + " and a linear layer only, but the gradient w.r.t. channel " + k + " varies over"
                            + " positions (" + first + " vs " + g.get(k, p) + "); use Grad-CAM for this model");
                }
            }
        }
    }
}
