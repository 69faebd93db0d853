package io.github.explain4j.djl.cam;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.github.explain4j.api.Attribution;
import io.github.explain4j.djl.ExplainableModel;
import io.github.explain4j.djl.attribution.AttributionMethod;
import io.github.explain4j.djl.attribution.MethodOutput;
import io.github.explain4j.djl.attribution.ResolvedTarget;
import io.github.explain4j.djl.seam.GradientResult;
import io.github.explain4j.render.Heatmaps;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The template of the class-activation-map family. It owns the generic work — choosing the layer (the last spatial
 * one by default), reaching its activations and their gradients, the ReLU, upsampling to the input's size, and
 * averaging several layers — so that a variant is one method: {@link #cam(float[], float[], int, int, int)}, the
 * map of one input from its activations {@code A} and gradients {@code G} ({@code K×h×w}, channel-first).
 * Variants that need no gradient or that run extra forward passes override {@link #layerMaps} instead.
 *
 * <p>With several layers, each layer's map is upsampled, scaled to a maximum of 1, and the maps are averaged.
 *
 * @param <S> the concrete variant, so that the settings' withers return it
 */
public abstract class CamMethod<S extends CamMethod<S>> extends AttributionMethod {

    /** The settings every variant has. */
    protected record Settings(List<String> layers, boolean relu, int batchSize) {
        /** Copies the layers. */
        public Settings {
            layers = List.copyOf(layers);
        }
    }

    private final Settings settings;

    /** A variant with these settings. */
    protected CamMethod(Settings settings) {
        this.settings = settings;
    }

    /** The default settings: last spatial layer, ReLU on, batches of 32 for perturbation variants. */
    protected static Settings defaults() {
        return new Settings(List.of(), true, 32);
    }

    /** Settings with these layers. */
    protected static Settings layers(String... paths) {
        if (paths.length == 0) {
            throw new IllegalArgumentException("no layer was given; name at least one, or use create() for the"
                    + " last spatial layer");
        }
        for (String p : paths) {
            if (p == null || p.isBlank()) {
                throw new IllegalArgumentException("layer path was " + (p == null ? "null" : "blank")
                        + "; expected a path from model.layers()");
            }
        }
        return new Settings(List.of(paths), true, 32);
    }

    /** The same variant with other settings. */
    protected abstract S with(Settings newSettings);

    /** The settings. */
    protected Settings settings() {
        return settings;
    }

    /** Whether to apply the ReLU to the map (on by default; off shows negative evidence too). */
    public S relu(boolean on) {
        return with(new Settings(settings.layers(), on, settings.batchSize()));
    }

    /** How many perturbed inputs go through the model in one pass (perturbation variants). */
    public S batchSize(int n) {
        return with(new Settings(settings.layers(), settings.relu(), positive("batch size", n)));
    }

    /**
     * The map of one input at one layer from its activations and gradients, before ReLU and upsampling.
     *
     * @param a activations, {@code K×h×w} channel-first
     * @param g gradients of the target score w.r.t. the activations, same layout
     * @param k channels
     * @param h height
     * @param w width
     * @return the {@code h×w} map
     */
    protected abstract float[] cam(float[] a, float[] g, int k, int h, int w);

    /** The per-input maps at one layer and the classes explained: by default from one gradient pass. */
    protected LayerMaps layerMaps(ExplainableModel model, NDManager scope, NDArray input, ResolvedTarget target,
            String layer) {
        GradientResult g = gradients(model, scope, input, layer, target.scoreFunction());
        long[] s = featureShape(layer, g.activation());
        int k = (int) s[1];
        int h = (int) s[2];
        int w = (int) s[3];
        float[][] acts = rows(g.activation());
        float[][] grads = rows(g.activationGradient());
        float[][] maps = new float[acts.length][];
        for (int i = 0; i < acts.length; i++) {
            maps[i] = cam(acts[i], grads[i], k, h, w);
        }
        return new LayerMaps(maps, h, w, classesOf(target, g.output()));
    }

    /** Maps of a batch at one layer's resolution, with the classes explained. */
    protected record LayerMaps(float[][] maps, int height, int width, int[] classes) {}

    /** Checks that a layer gives feature maps and returns the shape. */
    protected static long[] featureShape(String layer, NDArray activation) {
        long[] s = activation.getShape().getShape();
        if (s.length != 4) {
            throw new IllegalArgumentException("layer '" + layer + "' outputs shape " + java.util.Arrays.toString(s)
                    + "; class-activation maps need feature maps (N, C, H, W): pick a convolutional layer from"
                    + " model.layers()");
        }
        return s;
    }

    @Override
    public MethodOutput attribute(ExplainableModel model, NDManager scope, NDArray input, ResolvedTarget target) {
        List<String> paths = new ArrayList<>();
        if (settings.layers().isEmpty()) {
            paths.add(model.lastSpatialLayer().path());
        } else {
            for (String l : settings.layers()) {
                paths.add(model.seam().resolveLayer(l));
            }
        }
        int outH = model.spec().height();
        int outW = model.spec().width();
        int n = (int) input.getShape().get(0);
        float[][] total = new float[n][outH * outW];
        int[] classes = null;
        ResolvedTarget t = paths.size() > 1 ? target.fixed(model, scope, input) : target;
        for (String path : paths) {
            LayerMaps lm = layerMaps(model, scope, input, t, path);
            classes = lm.classes();
            for (int i = 0; i < n; i++) {
                float[] m = lm.maps()[i];
                if (settings.relu()) {
                    for (int j = 0; j < m.length; j++) {
                        m[j] = Math.max(0f, m[j]);
                    }
                }
                float[] up = Heatmaps.resize(m, lm.height(), lm.width(), outH, outW);
                float scale = 1f;
                if (paths.size() > 1) {
                    float max = 0f;
                    for (float v : up) {
                        max = Math.max(max, Math.abs(v));
                    }
                    scale = max > 0 ? 1f / (max * paths.size()) : 0f;
                }
                for (int j = 0; j < up.length; j++) {
                    total[i][j] += up[j] * scale;
                }
            }
        }
        return MethodOutput.of(total, 1, outH, outW, classes);
    }

    /** The weighted sum {@code Σ_k weights[k]·A_k} of a {@code K×plane} activation. */
    protected static float[] weightedSum(float[] a, double[] weights, int k, int plane) {
        float[] map = new float[plane];
        for (int c = 0; c < k; c++) {
            double wc = weights[c];
            if (wc == 0) {
                continue;
            }
            for (int j = 0; j < plane; j++) {
                map[j] += (float) (wc * a[c * plane + j]);
            }
        }
        return map;
    }

    @Override
    public Map<String, String> parameters() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("layers", settings.layers().isEmpty() ? "last spatial" : String.join(",", settings.layers()));
        p.put("relu", String.valueOf(settings.relu()));
        return p;
    }

    @Override
    public boolean signed() {
        return !settings.relu();
    }

    @Override
    public Attribution.Reduction display() {
        return Attribution.Reduction.SUM;
    }
}
