package io.github.explain4j.djl.cam;

/**
 * Layer-CAM: activations weighted element-wise by their positive gradients, {@code L_ij = Σ_k ReLU(G^k_ij) A^k_ij};
 * reliable at shallow layers too, where Grad-CAM's averaged weights blur.
 *
 * <p>P.-T. Jiang, C.-B. Zhang, Q. Hou, M.-M. Cheng, Y. Wei, "LayerCAM: Exploring Hierarchical Class Activation Maps
 * for Localization", IEEE TIP 30, 2021.
 */
public final class LayerCam extends CamMethod<LayerCam> {

    private LayerCam(Settings settings) {
        super(settings);
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
    protected LayerCam with(Settings s) {
        return new LayerCam(s);
    }

    @Override
    public String name() {
        return "Layer-CAM";
    }

    @Override
    protected float[] cam(float[] a, float[] g, int k, int h, int w) {
        int plane = h * w;
        float[] map = new float[plane];
        for (int c = 0; c < k; c++) {
            for (int j = 0; j < plane; j++) {
                map[j] += Math.max(0f, g[c * plane + j]) * a[c * plane + j];
            }
        }
        return map;
    }
}
