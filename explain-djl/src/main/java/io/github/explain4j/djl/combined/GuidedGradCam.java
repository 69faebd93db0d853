package io.github.explain4j.djl.combined;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.github.explain4j.api.Attribution;
import io.github.explain4j.djl.ExplainableModel;
import io.github.explain4j.djl.backprop.GuidedBackprop;
import io.github.explain4j.djl.cam.GradCam;
import io.github.explain4j.djl.core.AttributionMethod;
import io.github.explain4j.djl.core.MethodOutput;
import io.github.explain4j.djl.core.ResolvedTarget;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Guided Grad-CAM: the guided-backpropagation map multiplied, pixel by pixel and in every input channel, by the
 * Grad-CAM map upsampled to the input's size — fine detail from the first, class discrimination from the second.
 * Both explain the same class (a top-prediction target is fixed once on the input).
 *
 * <pre>{@code
 * GuidedGradCam.create()          // Grad-CAM at the last spatial layer
 * GuidedGradCam.at("stage3")      // at a named layer
 * }</pre>
 *
 * <p>R. R. Selvaraju, M. Cogswell, A. Das, R. Vedantam, D. Parikh, D. Batra, "Grad-CAM: Visual Explanations from
 * Deep Networks via Gradient-based Localization", ICCV 2017, arXiv:1610.02391 (section 3.1).
 */
public final class GuidedGradCam extends AttributionMethod {

    private final String layer;
    private final GradCam cam;

    private GuidedGradCam(String layer, GradCam cam) {
        this.layer = layer;
        this.cam = cam;
    }

    /** Guided Grad-CAM with Grad-CAM at the model's last spatial layer. */
    public static GuidedGradCam create() {
        return new GuidedGradCam(null, GradCam.create());
    }

    /** Guided Grad-CAM with Grad-CAM at a layer path (see {@link ExplainableModel#layers()}). */
    public static GuidedGradCam at(String layerPath) {
        return new GuidedGradCam(layerPath, GradCam.at(layerPath));
    }

    @Override
    public String name() {
        return "Guided Grad-CAM";
    }

    @Override
    public MethodOutput attribute(ExplainableModel model, NDManager scope, NDArray input, ResolvedTarget target) {
        ResolvedTarget fixed = target.fixed(model, scope, input);
        MethodOutput guided = GuidedBackprop.create().attribute(model, scope, input, fixed);
        MethodOutput map = cam.attribute(model, scope, input, fixed);
        int plane = guided.height() * guided.width();
        float[][] out = new float[guided.maps().length][];
        for (int n = 0; n < out.length; n++) {
            float[] g = guided.maps()[n];
            float[] c = map.maps()[n];
            out[n] = new float[g.length];
            for (int i = 0; i < g.length; i++) {
                out[n][i] = g[i] * c[i % plane];
            }
        }
        return MethodOutput.of(out, guided.channels(), guided.height(), guided.width(), guided.classes());
    }

    @Override
    public Map<String, String> parameters() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("layer", layer == null ? "last spatial" : layer);
        return p;
    }

    @Override
    public boolean signed() {
        return false;
    }

    @Override
    public Attribution.Reduction display() {
        return Attribution.Reduction.MAX_ABS;
    }
}
