package io.github.explain4j.djl.cam;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.github.explain4j.api.Attribution;
import io.github.explain4j.djl.ExplainableModel;
import io.github.explain4j.djl.attribution.AttributionMethod;
import io.github.explain4j.djl.attribution.MethodOutput;
import io.github.explain4j.djl.attribution.ResolvedTarget;
import io.github.explain4j.render.Heatmaps;
import io.github.explain4j.djl.seam.GradientResult;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Grad-CAM: the feature maps {@code A^k} of a convolutional layer weighted by the spatial mean of the target
 * score's gradient w.r.t. them, summed over channels and passed through a ReLU,
 * {@code L = ReLU(Σ_k α_k A^k)} with {@code α_k = mean_ij ∂y/∂A^k_ij}, then upsampled bilinearly to the input's
 * size. One forward pass and the backward pass of the layers after the chosen one.
 *
 * <pre>{@code
 * GradCam.create()               // the last spatial layer (for a ResNet, its last stage)
 * GradCam.at("stage4")           // a named layer
 * }</pre>
 *
 * <p>R. R. Selvaraju, M. Cogswell, A. Das, R. Vedantam, D. Parikh, D. Batra, "Grad-CAM: Visual Explanations from
 * Deep Networks via Gradient-based Localization", ICCV 2017, arXiv:1610.02391.
 */
public final class GradCam extends AttributionMethod {

    private final String layer;
    private final boolean relu;

    private GradCam(String layer, boolean relu) {
        this.layer = layer;
        this.relu = relu;
    }

    /** Grad-CAM at the model's last spatial layer. */
    public static GradCam create() {
        return new GradCam(null, true);
    }

    /** Grad-CAM at a layer path (see {@link ExplainableModel#layers()}). */
    public static GradCam at(String layerPath) {
        if (layerPath == null || layerPath.isBlank()) {
            throw new IllegalArgumentException("layer path was " + (layerPath == null ? "null" : "blank")
                    + "; expected a path from model.layers(), or GradCam.create() for the last spatial layer");
        }
        return new GradCam(layerPath, true);
    }

    /** Whether to apply the ReLU (on by default; off shows negative evidence too). */
    public GradCam relu(boolean on) {
        return new GradCam(layer, on);
    }

    @Override
    public String name() {
        return "Grad-CAM";
    }

    @Override
    public MethodOutput attribute(ExplainableModel model, NDManager scope, NDArray input, ResolvedTarget target) {
        String path = layer == null ? model.lastSpatialLayer().path() : model.seam().resolveLayer(layer);
        GradientResult g = gradients(model, scope, input, path, target.scoreFunction());
        long[] s = g.activation().getShape().getShape();
        if (s.length != 4) {
            throw new IllegalArgumentException("layer '" + path + "' outputs shape "
                    + java.util.Arrays.toString(s) + "; Grad-CAM needs feature maps (N, C, H, W): pick a"
                    + " convolutional layer from model.layers()");
        }
        int n = (int) s[0];
        int k = (int) s[1];
        int h = (int) s[2];
        int w = (int) s[3];
        float[][] acts = rows(g.activation());
        float[][] grads = rows(g.activationGradient());
        int outH = model.spec().height();
        int outW = model.spec().width();
        float[][] maps = new float[n][];
        for (int i = 0; i < n; i++) {
            maps[i] = Heatmaps.resize(cam(acts[i], grads[i], k, h * w), h, w, outH, outW);
        }
        return MethodOutput.of(maps, 1, outH, outW, classesOf(target, g.output()));
    }

    private float[] cam(float[] a, float[] grad, int k, int plane) {
        float[] map = new float[plane];
        for (int c = 0; c < k; c++) {
            double alpha = 0;
            for (int j = 0; j < plane; j++) {
                alpha += grad[c * plane + j];
            }
            alpha /= plane;
            for (int j = 0; j < plane; j++) {
                map[j] += (float) (alpha * a[c * plane + j]);
            }
        }
        if (relu) {
            for (int j = 0; j < plane; j++) {
                map[j] = Math.max(0f, map[j]);
            }
        }
        return map;
    }

    @Override
    public Map<String, String> parameters() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("layer", layer == null ? "last spatial" : layer);
        p.put("relu", String.valueOf(relu));
        return p;
    }

    @Override
    public boolean signed() {
        return !relu;
    }

    @Override
    public Attribution.Reduction display() {
        return Attribution.Reduction.SUM;
    }
}
