package io.github.explain4j.djl.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.github.explain4j.api.FeatureOptimizer;
import io.github.explain4j.api.InputSpec;
import io.github.explain4j.api.Provenance;
import io.github.explain4j.djl.ExplainableModel;
import io.github.explain4j.djl.core.MethodSettings;
import io.github.explain4j.djl.core.Objectives;
import io.github.explain4j.djl.internal.Blur;
import io.github.explain4j.djl.internal.HeapArrays;
import io.github.explain4j.djl.seam.Trace;
import io.github.explain4j.djl.seam.TraceRequest;
import io.github.explain4j.optim.FeatureImage;
import io.github.explain4j.optim.Objective;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.CancellationException;

/**
 * Activation maximisation by gradient ascent on the pixels with the classic regularisers applied between steps —
 * the recipes before Fourier parameterisations: Simonyan et al.'s class images as cs231n teaches them, and Yosinski
 * et al.'s regularised optimisation.
 *
 * <p>Each step: shift the image by a random offset with wrap-around (jitter), take the objective's gradient
 * through the model, undo the shift, step ({@link Step}), then decay ({@code x ← (1 − decay)·x}), blur every
 * {@code k} steps (Gaussian, σ in pixels), zero the pixels whose norm over channels is below a percentile
 * (small-norm clipping) or whose contribution {@code |Σ_c x·g|} is (small-contribution clipping), and clamp to the
 * valid pixel range. The image lives in the model's normalised input units, {@code x = (pixel − mean) / std} per
 * channel, where both sources' settings apply (their networks took their input directly).
 *
 * <ul>
 *   <li>{@link #cs231n(int)}: K. Simonyan, A. Vedaldi, A. Zisserman, "Deep Inside Convolutional Networks", ICLR
 *       workshop 2014, with Stanford cs231n's recipe — L2 penalty 1e-3 (here on the image in pixel units), 100
 *       steps, step 25 along the normalised gradient, jitter 16 of 224 pixels, blur σ 0.5 every 10 steps, clamp;
 *       in the model's normalised input units.</li>
 *   <li>{@link #yosinski(Objective, int)}: J. Yosinski, J. Clune, A. Nguyen, T. Fuchs, H. Lipson, "Understanding
 *       Neural Networks Through Deep Visualization", ICML Deep Learning workshop 2015, Table 1's four settings
 *       (the paper's Caffe network took 0–255 mean-subtracted pixels as its input; here the settings apply to the
 *       model's input the same way).</li>
 * </ul>
 */
public final class RegularizedAscent implements FeatureOptimizer<ExplainableModel> {

    /** How a step is sized. */
    public enum Step {
        /** {@code x += lr · g}. */
        CONSTANT,
        /** {@code x += lr · g / ‖g‖₂} (cs231n). */
        NORMALIZED,
        /**
         * Yosinski's "progress" policy: the step that would raise a linear objective by {@code lr} (the desired
         * progress), {@code x += min(lr / ‖g‖², maxLr) · g}.
         */
        PROGRESS
    }

    private record Settings(Objective objective, int steps, Step step, double learningRate, double maxLearningRate,
            double jitter, double decay, int blurEvery, double blurSigma, double smallNormPercentile,
            double smallContributionPercentile, boolean clamp, long seed, String recipe) implements MethodSettings {
        Settings {
            Objects.requireNonNull(objective, "objective");
            if (steps < 1) {
                throw new IllegalArgumentException("steps was " + steps + "; expected 1 or more");
            }
            positive("learning rate", learningRate);
            positive("largest learning rate", maxLearningRate);
            if (!(jitter >= 0 && jitter < 0.5)) {
                throw new IllegalArgumentException("jitter was " + jitter + "; expected a fraction of the side in"
                        + " [0, 0.5)");
            }
            if (!(decay >= 0 && decay < 1)) {
                throw new IllegalArgumentException("decay was " + decay + "; expected a fraction in [0, 1)");
            }
            if (blurEvery < 0 || !(blurSigma >= 0) || !Double.isFinite(blurSigma)) {
                throw new IllegalArgumentException("blur every " + blurEvery + " steps with σ " + blurSigma
                        + "; expected steps ≥ 0 (0: never) and σ ≥ 0 pixels");
            }
            for (double p : new double[] {smallNormPercentile, smallContributionPercentile}) {
                if (!(p >= 0 && p < 100)) {
                    throw new IllegalArgumentException("clipping percentile was " + p + "; expected [0, 100)");
                }
            }
        }

        private static void positive(String what, double v) {
            if (!(v > 0) || !Double.isFinite(v)) {
                throw new IllegalArgumentException(what + " was " + v + "; expected a positive finite number");
            }
        }

        @Override
        public String describe(String component, Object value) {
            if (value instanceof Objective) {
                return null;
            }
            if (component.equals("maxLearningRate") && step != Step.PROGRESS) {
                return null;
            }
            return MethodSettings.super.describe(component, value);
        }
    }

    private final Settings settings;

    private RegularizedAscent(Settings settings) {
        this.settings = settings;
    }

    /** cs231n's class visualisation of class {@code classIndex} (see the class comment for its settings). */
    public static RegularizedAscent cs231n(int classIndex) {
        return new RegularizedAscent(new Settings(Objective.classLogit(classIndex)
                .minus(Objective.alphaNorm(2).times(1e-3)), 100, Step.NORMALIZED, 25, 25,
                16.0 / 224, 0, 10, 0.5, 0, 0, true, 0, "cs231n"));
    }

    /**
     * Yosinski et al.'s regularised optimisation of {@code objective} with the settings of row {@code row} (1–4)
     * of their Table 1: (1) blur σ 0.5 every 4 steps, small-norm clipping at the 50th percentile, 500 steps,
     * progress 2 capped at 100; (2) decay 0.3, small-norm clipping at 20, 750 steps, constant 100; (3) decay 1e-4,
     * blur σ 1 every 4 steps, 1000 steps, constant 100 — the paper's most used; (4) blur σ 0.5 every 4 steps,
     * contribution clipping at 90, 1000 steps, progress 2 capped at 1e8.
     */
    public static RegularizedAscent yosinski(Objective objective, int row) {
        Settings s = switch (row) {
            case 1 -> new Settings(objective, 500, Step.PROGRESS, 2, 100, 0, 0, 4, 0.5, 50, 0, false,
                    0, "yosinski-1");
            case 2 -> new Settings(objective, 750, Step.CONSTANT, 100, 100, 0, 0.3, 0, 0, 20, 0, false,
                    0, "yosinski-2");
            case 3 -> new Settings(objective, 1000, Step.CONSTANT, 100, 100, 0, 1e-4, 4, 1.0, 0, 0,
                    false, 0, "yosinski-3");
            case 4 -> new Settings(objective, 1000, Step.PROGRESS, 2, 1e8, 0, 0, 4, 0.5, 0, 90, false,
                    0, "yosinski-4");
            default -> throw new IllegalArgumentException("row was " + row + "; Yosinski et al.'s Table 1 has rows"
                    + " 1 to 4 (3 is the one most of the paper's images use)");
        };
        return new RegularizedAscent(s);
    }

    /** The same recipe with another number of steps. */
    public RegularizedAscent steps(int n) {
        Settings s = settings;
        return new RegularizedAscent(new Settings(s.objective(), n, s.step(), s.learningRate(), s.maxLearningRate(),
                s.jitter(), s.decay(), s.blurEvery(), s.blurSigma(), s.smallNormPercentile(),
                s.smallContributionPercentile(), s.clamp(), s.seed(), s.recipe()));
    }

    /** The same recipe with another seed (the random start and the jitter). */
    public RegularizedAscent seed(long seed) {
        Settings s = settings;
        return new RegularizedAscent(new Settings(s.objective(), s.steps(), s.step(), s.learningRate(),
                s.maxLearningRate(), s.jitter(), s.decay(), s.blurEvery(), s.blurSigma(),
                s.smallNormPercentile(), s.smallContributionPercentile(), s.clamp(), seed, s.recipe()));
    }

    @Override
    public String name() {
        return "Regularized Ascent";
    }

    @Override
    public Objective objective() {
        return settings.objective();
    }

    /** The settings as provenance text. */
    public Map<String, String> parameters() {
        return settings.parameters();
    }

    @Override
    public FeatureImage optimize(ExplainableModel model) {
        Objects.requireNonNull(model, "model");
        InputSpec spec = model.spec();
        int c = spec.channels();
        int h = spec.height();
        int w = spec.width();
        int plane = h * w;
        for (String layer : settings.objective().layers()) {
            model.seam().resolveLayer(layer);
        }
        float[] mean = spec.mean();
        float[] std = spec.std();
        double[] scale = new double[c];
        double[] lo = new double[c];
        double[] hi = new double[c];
        for (int ch = 0; ch < c; ch++) {
            scale[ch] = 1 / std[ch];
            lo[ch] = -mean[ch] * scale[ch];
            hi[ch] = (1 - mean[ch]) * scale[ch];
        }
        SplittableRandom random = new SplittableRandom(settings.seed());
        // a small random start around the mean (pixels 0.5 ± 0.02)
        float[] x = new float[c * plane];
        for (int ch = 0; ch < c; ch++) {
            for (int i = 0; i < plane; i++) {
                x[ch * plane + i] = (float) ((0.5 - mean[ch] + (random.nextDouble() - 0.5) * 0.04) * scale[ch]);
            }
        }
        int steps = settings.steps();
        double[] history = new double[steps];
        for (int step = 1; step <= steps; step++) {
            if (Thread.currentThread().isInterrupted()) {
                throw new CancellationException(name() + " was cancelled at step " + step + " of " + steps);
            }
            int j = (int) Math.round(settings.jitter() * Math.max(h, w));
            int dy = j == 0 ? 0 : random.nextInt(2 * j + 1) - j;
            int dx = j == 0 ? 0 : random.nextInt(2 * j + 1) - j;
            float[] rolled = DeepDream.roll(x, c, h, w, dy, dx);
            double[] value = new double[1];
            float[] g = DeepDream.roll(model.call(scope -> {
                DataType type = model.seam().dataType();
                NDArray p = HeapArrays.create(scope, rolled, new Shape(1, c, h, w)).toType(type, false);
                double[] inv = new double[c];
                double[] m = new double[c];
                for (int ch = 0; ch < c; ch++) {
                    inv[ch] = 1 / (scale[ch] * std[ch]);
                    m[ch] = mean[ch];
                }
                NDArray toInput = HeapArrays.create(scope, inv, new Shape(1, c, 1, 1)).toType(type, false);
                NDArray pixelMean = HeapArrays.create(scope, m, new Shape(1, c, 1, 1)).toType(type, false);
                NDArray toPixel = HeapArrays.create(scope, invert(scale), new Shape(1, c, 1, 1)).toType(type, false);
                NDArray[] image = new NDArray[1];
                Trace t = model.seam().trace(scope, Objectives.request(TraceRequest.fromParameters(List.of(p), q -> {
                    image[0] = q.head().mul(toPixel).add(pixelMean);
                    return q.head().mul(toInput);
                }), settings.objective(), () -> image[0]));
                value[0] = t.objectiveValue();
                return t.parameterGradients().get(0).toType(DataType.FLOAT32, false).toFloatArray();
            }), c, h, w, -dy, -dx);
            history[step - 1] = value[0];
            double norm2 = 0;
            for (float v : g) {
                norm2 += (double) v * v;
            }
            double lr = switch (settings.step()) {
                case CONSTANT -> settings.learningRate();
                case NORMALIZED -> norm2 == 0 ? 0 : settings.learningRate() / Math.sqrt(norm2);
                case PROGRESS -> norm2 == 0 ? 0 : Math.min(settings.learningRate() / norm2, settings.maxLearningRate());
            };
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) ((x[i] + lr * g[i]) * (1 - settings.decay()));
            }
            if (settings.blurEvery() > 0 && settings.blurSigma() > 0 && step % settings.blurEvery() == 0) {
                x = Blur.gaussian(x, c, h, w, settings.blurSigma());
            }
            if (settings.smallNormPercentile() > 0) {
                double[] norms = new double[plane];
                for (int i = 0; i < plane; i++) {
                    for (int ch = 0; ch < c; ch++) {
                        norms[i] += (double) x[ch * plane + i] * x[ch * plane + i];
                    }
                }
                zeroBelow(x, norms, settings.smallNormPercentile(), c, plane);
            }
            if (settings.smallContributionPercentile() > 0) {
                double[] contribution = new double[plane];
                for (int i = 0; i < plane; i++) {
                    double s = 0;
                    for (int ch = 0; ch < c; ch++) {
                        s += (double) x[ch * plane + i] * g[ch * plane + i];
                    }
                    contribution[i] = Math.abs(s);
                }
                zeroBelow(x, contribution, settings.smallContributionPercentile(), c, plane);
            }
            if (settings.clamp()) {
                for (int ch = 0; ch < c; ch++) {
                    for (int i = 0; i < plane; i++) {
                        int k = ch * plane + i;
                        x[k] = (float) Math.min(hi[ch], Math.max(lo[ch], x[k]));
                    }
                }
            }
            model.progress().progress(name(), step, steps);
        }
        float[] pixels = new float[x.length];
        for (int ch = 0; ch < c; ch++) {
            for (int i = 0; i < plane; i++) {
                pixels[ch * plane + i] = (float) Math.min(1, Math.max(0, x[ch * plane + i] / scale[ch] + mean[ch]));
            }
        }
        return new FeatureImage(List.of(pixels), c, h, w, history, new TreeMap<>(), new Provenance(name(),
                parameters(), OptionalLong.of(settings.seed()), model.engine(), model.name(),
                settings.objective().description(), -1));
    }

    private static double[] invert(double[] v) {
        double[] out = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = 1 / v[i];
        }
        return out;
    }

    /** Zeroes every pixel (all channels) whose measure is below the percentile of the measures. */
    private static void zeroBelow(float[] x, double[] measure, double percentile, int c, int plane) {
        double[] sorted = measure.clone();
        Arrays.sort(sorted);
        double threshold = sorted[(int) Math.floor(percentile / 100 * (plane - 1))];
        for (int i = 0; i < plane; i++) {
            if (measure[i] < threshold) {
                for (int ch = 0; ch < c; ch++) {
                    x[ch * plane + i] = 0;
                }
            }
        }
    }

    @Override
    public String toString() {
        return name() + " (" + settings.recipe() + ") " + settings.objective().description() + " " + parameters();
    }
}
