package io.github.explain4j.djl.cam;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.github.explain4j.api.Attribution;
import io.github.explain4j.api.Resampling;
import io.github.explain4j.djl.ExplainableModel;
import io.github.explain4j.djl.core.AttributionMethod;
import io.github.explain4j.djl.core.MethodOutput;
import io.github.explain4j.djl.core.MethodSettings;
import io.github.explain4j.djl.core.ResolvedTarget;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The template of the class-activation-map family. It owns the generic work — the settings and their withers,
 * choosing the layer (the last spatial one by default), the ReLU, upsampling to the input's size, and averaging
 * several layers — so that a family only says how it gets one layer's maps ({@link #layerMaps}):
 *
 * <ul>
 *   <li>{@link GradientCamMethod}: from the activations and their gradients, one backward pass (Grad-CAM,
 *       Grad-CAM++, XGrad-CAM, HiResCAM, Layer-CAM, CAM); a variant is its formula.
 *   <li>{@link PerturbationCamMethod}: channel weights from forward passes (Score-CAM, Ablation-CAM).
 *   <li>{@link EigenCam} reads the activations alone.
 * </ul>
 *
 * <p>With several layers, each layer's map is upsampled, scaled to a maximum of 1, and the maps are averaged.
 *
 * @param <S> the concrete variant, so that the settings' withers return it
 */
public abstract class CamMethod<S extends CamMethod<S>> extends AttributionMethod {

    /** The settings every variant has; the parameters name the layers and the ReLU. */
    protected record Settings(List<String> layers, boolean relu, int batchSize) implements MethodSettings {
        /** Copies the layers. */
        public Settings {
            layers = List.copyOf(layers);
        }

        @Override
        public String describe(String component, Object value) {
            return switch (component) {
                case "layers" -> layers.isEmpty() ? "last spatial" : String.join(",", layers);
                case "batchSize" -> null;
                default -> MethodSettings.super.describe(component, value);
            };
        }
    }

    private final Settings settings;
    private final Function<Settings, S> copy;

    /**
     * A variant with these settings.
     *
     * @param settings the settings, from {@link #defaults()} or {@link #layers}
     * @param copy the variant's constructor, which the withers call with new settings ({@code GradCam::new})
     */
    protected CamMethod(Settings settings, Function<Settings, S> copy) {
        this.settings = settings;
        this.copy = copy;
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

    /** The settings. */
    protected Settings settings() {
        return settings;
    }

    /** Whether to apply the ReLU to the map (on by default; off shows negative evidence too). */
    public S relu(boolean on) {
        return copy.apply(new Settings(settings.layers(), on, settings.batchSize()));
    }

    /** How many perturbed inputs go through the model in one pass (perturbation variants; others ignore it). */
    public S batchSize(int n) {
        return copy.apply(new Settings(settings.layers(), settings.relu(), positive("batch size", n)));
    }

    /**
     * The per-input maps at one layer, before ReLU and upsampling, and the classes explained.
     *
     * @param model the model
     * @param scope the call's scope
     * @param input the model inputs {@code (N, C, H, W)}
     * @param target the target; fixed to classes already when several layers are averaged
     * @param layer a resolved layer path
     */
    protected abstract LayerMaps layerMaps(ExplainableModel model, NDManager scope, NDArray input,
            ResolvedTarget target, String layer);

    /** Maps of a batch at one layer's resolution, with the classes explained. */
    protected record LayerMaps(float[][] maps, int height, int width, int[] classes) {}

    /**
     * One layer's output for each input of the batch, as heap feature maps.
     *
     * @throws IllegalArgumentException if the layer does not output {@code (N, C, H, W)} feature maps
     */
    protected static FeatureMaps[] featureMaps(String layer, NDArray activation) {
        long[] s = activation.getShape().getShape();
        if (s.length != 4) {
            throw new IllegalArgumentException("layer '" + layer + "' outputs shape " + Arrays.toString(s)
                    + "; class-activation maps need feature maps (N, C, H, W): pick a convolutional layer from"
                    + " model.layers()");
        }
        float[][] rows = rows(activation);
        FeatureMaps[] out = new FeatureMaps[rows.length];
        for (int i = 0; i < rows.length; i++) {
            out[i] = FeatureMaps.wrap(rows[i], (int) s[1], (int) s[2], (int) s[3]);
        }
        return out;
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
                float[] up = Resampling.bilinear(m, lm.height(), lm.width(), outH, outW);
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

    @Override
    public Map<String, String> parameters() {
        return settings.parameters();
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
