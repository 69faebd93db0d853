package io.github.explain4j.djl.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.github.explain4j.api.InputSpec;
import io.github.explain4j.api.Provenance;
import io.github.explain4j.api.Resampling;
import io.github.explain4j.djl.ExplainableModel;
import io.github.explain4j.djl.core.MethodSettings;
import io.github.explain4j.djl.core.Normalization;
import io.github.explain4j.djl.core.Objectives;
import io.github.explain4j.djl.internal.HeapArrays;
import io.github.explain4j.djl.seam.Trace;
import io.github.explain4j.djl.seam.TraceRequest;
import io.github.explain4j.optim.FeatureImage;
import io.github.explain4j.optim.Objective;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.CancellationException;

/**
 * DeepDream: a photo changed by gradient ascent so that a layer (or any {@link Objective}) responds more, from the
 * coarsest of several octaves to the finest, with a random shift of the image at every step and a step normalised
 * by the gradient's mean magnitude — as the original (A. Mordvintsev, C. Olah, M. Tyka, "Inceptionism: Going
 * Deeper into Neural Networks", Google Research blog, 2015, and its notebook).
 *
 * <pre>{@code
 * FeatureImage dream = DeepDream.of("stage3").octaves(4).octaveScale(1.4).dream(model, photo);
 * }</pre>
 *
 * <p>The photo is taken at the model's input size (its spec's resize policy) and shrunk by {@code octaveScale}
 * for each coarser octave; the detail added at one octave is upsampled into the next. Defaults are the original's
 * in pixel units of [0, 1]: 4 octaves of scale 1.4, 10 steps per octave, step size 1.5/255, shifts of up to 32/224
 * of the side. The objective {@link Objective#layer} is the mean square of the layer (the original's L2 objective,
 * up to a constant the normalised step ignores). Octaves smaller than the input need the layers up to the
 * objective's to accept other sizes, as convolutional layers do. The step moves pixels by {@code stepSize} on
 * average, so an objective whose gradient sits on few pixels (one channel of a small network) moves those pixels far
 * and can overshoot: give it a smaller step.
 */
public final class DeepDream {

    private record Settings(Objective objective, int octaves, double octaveScale, int steps, double stepSize,
            double jitter, long seed) implements MethodSettings {
        Settings {
            Objects.requireNonNull(objective, "objective");
            if (octaves < 1) {
                throw new IllegalArgumentException("octaves was " + octaves + "; expected 1 or more (4 as the"
                        + " original)");
            }
            if (!(octaveScale > 1) || !Double.isFinite(octaveScale)) {
                throw new IllegalArgumentException("octave scale was " + octaveScale + "; expected a factor above 1"
                        + " (1.4 as the original)");
            }
            if (steps < 1) {
                throw new IllegalArgumentException("steps was " + steps + "; expected 1 or more per octave (10 as"
                        + " the original)");
            }
            if (!(stepSize > 0) || !Double.isFinite(stepSize)) {
                throw new IllegalArgumentException("step size was " + stepSize + "; expected a positive pixel step"
                        + " (1.5/255 as the original)");
            }
            if (!(jitter >= 0 && jitter < 0.5)) {
                throw new IllegalArgumentException("jitter was " + jitter + "; expected a fraction of the side in"
                        + " [0, 0.5) (32/224 as the original)");
            }
        }

        @Override
        public String describe(String component, Object value) {
            return value instanceof Objective ? null : MethodSettings.super.describe(component, value);
        }
    }

    private final Settings settings;

    private DeepDream(Settings settings) {
        this.settings = settings;
    }

    /** DeepDream of {@code objective} with the original's settings. */
    public static DeepDream of(Objective objective) {
        return new DeepDream(new Settings(objective, 4, 1.4, 10, 1.5 / 255, 32.0 / 224, 0));
    }

    /** DeepDream of a whole layer: the mean square of its activations. */
    public static DeepDream of(String layer) {
        return of(Objective.layer(layer));
    }

    /** The number of octaves. */
    public DeepDream octaves(int n) {
        Settings s = settings;
        return new DeepDream(new Settings(s.objective(), n, s.octaveScale(), s.steps(), s.stepSize(), s.jitter(),
                s.seed()));
    }

    /** The size ratio between one octave and the next. */
    public DeepDream octaveScale(double factor) {
        Settings s = settings;
        return new DeepDream(new Settings(s.objective(), s.octaves(), factor, s.steps(), s.stepSize(), s.jitter(),
                s.seed()));
    }

    /** Gradient steps per octave. */
    public DeepDream steps(int n) {
        Settings s = settings;
        return new DeepDream(new Settings(s.objective(), s.octaves(), s.octaveScale(), n, s.stepSize(), s.jitter(),
                s.seed()));
    }

    /** The mean change of a pixel per step (pixel values in [0, 1]). */
    public DeepDream stepSize(double size) {
        Settings s = settings;
        return new DeepDream(new Settings(s.objective(), s.octaves(), s.octaveScale(), s.steps(), size, s.jitter(),
                s.seed()));
    }

    /** The largest random shift per step, as a fraction of the side. */
    public DeepDream jitter(double fraction) {
        Settings s = settings;
        return new DeepDream(new Settings(s.objective(), s.octaves(), s.octaveScale(), s.steps(), s.stepSize(),
                fraction, s.seed()));
    }

    /** The seed of the shifts. */
    public DeepDream seed(long seed) {
        Settings s = settings;
        return new DeepDream(new Settings(s.objective(), s.octaves(), s.octaveScale(), s.steps(), s.stepSize(),
                s.jitter(), seed));
    }

    /** The method's name. */
    public String name() {
        return "DeepDream";
    }

    /** The settings as provenance text. */
    public Map<String, String> parameters() {
        return settings.parameters();
    }

    /** Dreams on {@code photo}, taken at the model's input size. */
    public FeatureImage dream(ExplainableModel model, BufferedImage photo) {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(photo, "photo was null; pass a decoded image (Images.read(path))");
        return dream(model, model.spec().pixels(photo));
    }

    /** Dreams on an image in pixel space, {@code C×H×W} at the model's input size, values in [0, 1]. */
    public FeatureImage dream(ExplainableModel model, float[] chw) {
        InputSpec spec = model.spec();
        int c = spec.channels();
        int h = spec.height();
        int w = spec.width();
        if (chw.length != c * h * w) {
            throw new IllegalArgumentException("the image has " + chw.length + " values; the model takes " + c + "×"
                    + h + "×" + w);
        }
        for (String layer : settings.objective().layers()) {
            model.seam().resolveLayer(layer);
        }
        int octaves = settings.octaves();
        int[][] sizes = new int[octaves][];
        float[][] bases = new float[octaves][];
        sizes[0] = new int[] {h, w};
        bases[0] = chw.clone();
        for (int o = 1; o < octaves; o++) {
            int oh = (int) Math.round(sizes[o - 1][0] / settings.octaveScale());
            int ow = (int) Math.round(sizes[o - 1][1] / settings.octaveScale());
            if (oh < 2 || ow < 2) {
                throw new IllegalArgumentException(octaves + " octaves of scale " + settings.octaveScale()
                        + " shrink the " + h + "×" + w + " input below 2×2 pixels; use fewer octaves");
            }
            sizes[o] = new int[] {oh, ow};
            bases[o] = resize(bases[o - 1], c, sizes[o - 1][0], sizes[o - 1][1], oh, ow);
        }
        int total = octaves * settings.steps();
        double[] history = new double[total];
        TreeMap<Integer, List<float[]>> intermediates = new TreeMap<>();
        SplittableRandom random = new SplittableRandom(settings.seed());
        float[] detail = new float[c * sizes[octaves - 1][0] * sizes[octaves - 1][1]];
        float[] image = null;
        int done = 0;
        for (int o = octaves - 1; o >= 0; o--) {
            int oh = sizes[o][0];
            int ow = sizes[o][1];
            if (o < octaves - 1) {
                detail = resize(detail, c, sizes[o + 1][0], sizes[o + 1][1], oh, ow);
            }
            image = bases[o].clone();
            for (int i = 0; i < image.length; i++) {
                image[i] += detail[i];
            }
            for (int step = 0; step < settings.steps(); step++) {
                if (Thread.currentThread().isInterrupted()) {
                    throw new CancellationException(name() + " was cancelled at step " + (done + 1) + " of " + total);
                }
                int j = (int) Math.round(settings.jitter() * Math.max(oh, ow));
                int dy = j == 0 ? 0 : random.nextInt(2 * j + 1) - j;
                int dx = j == 0 ? 0 : random.nextInt(2 * j + 1) - j;
                float[] rolled = roll(image, c, oh, ow, dy, dx);
                double[] value = new double[1];
                float[] gradient = model.call(scope -> gradient(model, scope, rolled, c, oh, ow, value));
                history[done] = value[0];
                gradient = roll(gradient, c, oh, ow, -dy, -dx);
                double mean = 0;
                for (float g : gradient) {
                    mean += Math.abs(g);
                }
                mean /= gradient.length;
                if (mean > 0) {
                    double scale = settings.stepSize() / mean;
                    for (int i = 0; i < image.length; i++) {
                        image[i] = (float) Math.min(1, Math.max(0, image[i] + scale * gradient[i]));
                    }
                }
                done++;
                model.progress().progress(name(), done, total);
            }
            intermediates.put(done, List.of(resize(image, c, oh, ow, h, w)));
            detail = new float[image.length];
            for (int i = 0; i < image.length; i++) {
                detail[i] = image[i] - bases[o][i];
            }
        }
        return new FeatureImage(List.of(image), c, h, w, history, intermediates, new Provenance(name(),
                parameters(), OptionalLong.of(settings.seed()), model.engine(), model.name(),
                settings.objective().description(), -1));
    }

    /** The objective's gradient w.r.t. the pixels of one image {@code C×h×w}; its value into {@code value[0]}. */
    private float[] gradient(ExplainableModel model, NDManager scope, float[] pixels, int c, int h, int w,
            double[] value) {
        InputSpec spec = model.spec();
        DataType type = model.seam().dataType();
        NDArray x = HeapArrays.create(scope, pixels, new Shape(1, c, h, w)).toType(type, false);
        Normalization.Columns normalization = Normalization.columns(scope, spec, type);
        NDArray[] image = new NDArray[1];
        TraceRequest request = Objectives.request(TraceRequest.fromParameters(List.of(x), q -> {
            image[0] = q.head();
            return normalization.normalize(q.head());
        }), settings.objective(), () -> image[0]);
        Trace t = model.seam().trace(scope, request);
        value[0] = t.objectiveValue();
        return t.parameterGradients().get(0).toType(DataType.FLOAT32, false).toFloatArray();
    }

    /** Shifts each channel by {@code (dy, dx)} with wrap-around, as {@code numpy.roll}. */
    static float[] roll(float[] chw, int c, int h, int w, int dy, int dx) {
        float[] out = new float[chw.length];
        for (int ch = 0; ch < c; ch++) {
            for (int y = 0; y < h; y++) {
                int ty = Math.floorMod(y + dy, h);
                for (int x = 0; x < w; x++) {
                    out[(ch * h + ty) * w + Math.floorMod(x + dx, w)] = chw[(ch * h + y) * w + x];
                }
            }
        }
        return out;
    }

    private static float[] resize(float[] chw, int c, int h, int w, int nh, int nw) {
        float[] out = new float[c * nh * nw];
        for (int ch = 0; ch < c; ch++) {
            float[] plane = java.util.Arrays.copyOfRange(chw, ch * h * w, (ch + 1) * h * w);
            System.arraycopy(Resampling.bilinear(plane, h, w, nh, nw), 0, out, ch * nh * nw, nh * nw);
        }
        return out;
    }

    @Override
    public String toString() {
        return name() + " " + settings.objective().description() + " " + parameters();
    }
}
