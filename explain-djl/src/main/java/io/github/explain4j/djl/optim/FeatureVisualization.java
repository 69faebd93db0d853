package io.github.explain4j.djl.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.github.explain4j.api.FeatureOptimizer;
import io.github.explain4j.api.InputSpec;
import io.github.explain4j.api.Provenance;
import io.github.explain4j.djl.ExplainableModel;
import io.github.explain4j.djl.core.MethodSettings;
import io.github.explain4j.djl.core.Normalization;
import io.github.explain4j.djl.core.Objectives;
import io.github.explain4j.djl.internal.HeapArrays;
import io.github.explain4j.djl.seam.Trace;
import io.github.explain4j.djl.seam.TraceRequest;
import io.github.explain4j.optim.FeatureImage;
import io.github.explain4j.optim.Objective;
import io.github.explain4j.optim.Parameterization;
import io.github.explain4j.optim.Transforms;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.SortedMap;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.CancellationException;
import java.util.function.UnaryOperator;

/**
 * Feature visualisation by optimisation: the image that maximises an {@link Objective} — a class, a channel, a
 * neuron, a layer — found by gradient ascent through the model, with the image represented by a
 * {@link Parameterization} and seen through random {@link Transforms} at each step (Olah, Mordvintsev, Schubert,
 * "Feature Visualization", Distill 2017; Erhan et al. 2009; Simonyan et al. 2014; Yosinski et al. 2015).
 *
 * <pre>{@code
 * FeatureImage img = FeatureVisualization.of(Objective.channel("stage3", 7))
 *         .parameterization(Parameterization.fft().decorrelated())
 *         .transforms(Transforms.standard())
 *         .steps(512).seed(1).optimize(model);
 * }</pre>
 *
 * <p>Defaults are Lucid's {@code render_vis}: Adam with learning rate 0.05, 512 steps, a 1/f Fourier spectrum with
 * decorrelated colours (for three-channel models) and sigmoid range, the standard transforms. Each step builds the
 * image from the parameters, transforms it and normalises it as the model's input spec says on the heap
 * ({@link ImageParameterization#onHeap}, {@link ImageTransforms}), runs one
 * {@link io.github.explain4j.djl.seam.ModelSeam#trace trace} of that input (one that stops after the objective's
 * layers when it reads only inner ones), and carries the input's gradient back to the parameters through the
 * stages' adjoints; penalties on the image get their gradient from the trace, the image being a second leaf of it.
 * Deterministic for a seed on each engine; progress goes to the model's listener; interrupting the calling thread
 * cancels at the next step ({@link CancellationException}).
 */
public final class FeatureVisualization implements FeatureOptimizer<ExplainableModel> {

    /** The update rule. */
    public enum Optimizer {
        /** Adam (Kingma &amp; Ba 2015) with β₁ = 0.9, β₂ = 0.999, ε = 1e-8, as Lucid. */
        ADAM,
        /** Plain gradient ascent: {@code θ += lr · g}. */
        SGD
    }

    /** How the learning rate changes over the steps. */
    public enum Schedule {
        /** The same rate at every step (Lucid). */
        CONSTANT,
        /** Falling linearly to zero at the last step: {@code lr · (1 − (t − 1)/T)}. */
        LINEAR,
        /** A half cosine to zero: {@code lr · ½(1 + cos(π (t − 1)/T))}. */
        COSINE;

        double factor(int step, int steps) {
            double t = (step - 1) / (double) steps;
            return switch (this) {
                case CONSTANT -> 1;
                case LINEAR -> 1 - t;
                case COSINE -> 0.5 * (1 + Math.cos(Math.PI * t));
            };
        }
    }

    /** The settings, checked once. */
    private record Settings(Objective objective, Parameterization parameterization, Transforms transforms, int steps,
            double learningRate, Optimizer optimizer, long seed, int[] thresholds, Schedule schedule,
            int[] imageSize, int redirectedRelu, float[] start)
            implements MethodSettings {
        Settings {
            if (redirectedRelu < 0) {
                throw new IllegalArgumentException("redirected-ReLU steps was " + redirectedRelu + "; expected 0 (off)"
                        + " or the number of first steps that use it (Lucid uses 16)");
            }
            Objects.requireNonNull(objective, "objective");
            Objects.requireNonNull(parameterization, "parameterization");
            Objects.requireNonNull(transforms, "transforms");
            Objects.requireNonNull(optimizer, "optimizer");
            Objects.requireNonNull(schedule, "schedule");
            if (imageSize.length != 0 && (imageSize.length != 2 || imageSize[0] < 2 || imageSize[1] < 2)) {
                throw new IllegalArgumentException("image size was " + Arrays.toString(imageSize) + "; expected a"
                        + " height and a width of at least 2 pixels each");
            }
            imageSize = imageSize.clone();
            start = start.clone();
            for (int i = 0; i < start.length; i++) {
                if (!(start[i] >= 0 && start[i] <= 1)) {
                    throw new IllegalArgumentException("the start image has the value " + start[i] + " at index " + i
                            + "; expected pixel values in [0, 1] (divide 0–255 values by 255)");
                }
            }
            if (steps < 1) {
                throw new IllegalArgumentException("steps was " + steps + "; expected 1 or more (Lucid uses 512)");
            }
            if (!(learningRate > 0) || !Double.isFinite(learningRate)) {
                throw new IllegalArgumentException("learning rate was " + learningRate + "; expected a positive"
                        + " finite number (Lucid uses 0.05 with Adam)");
            }
            thresholds = thresholds.clone();
            for (int t : thresholds) {
                if (t < 1 || t > steps) {
                    throw new IllegalArgumentException("threshold " + t + " is not a step of 1.." + steps
                            + "; give steps at which to keep the image");
                }
            }
        }

        @Override
        public String describe(String component, Object value) {
            if (value instanceof Objective) {
                return null; // the provenance's target
            }
            if (value instanceof Parameterization p) {
                return p.description();
            }
            if (value instanceof Transforms t) {
                return t.description();
            }
            if (value instanceof Optimizer o) {
                return o.name().toLowerCase(Locale.ROOT);
            }
            if (value instanceof Schedule sc) {
                return sc == Schedule.CONSTANT ? null : sc.name().toLowerCase(Locale.ROOT);
            }
            if (value instanceof int[] t) {
                return t.length == 0 ? null : Arrays.toString(t);
            }
            if (value instanceof float[] f) {
                return f.length == 0 ? null : "image";
            }
            if ("redirectedRelu".equals(component)) {
                return (Integer) value == 0 ? null : value + " steps";
            }
            return MethodSettings.super.describe(component, value);
        }

        Settings with(Parameterization p, Transforms t, int n, double lr, Optimizer o, long s, int[] th) {
            return new Settings(objective, p, t, n, lr, o, s, th, schedule, imageSize, redirectedRelu, start);
        }
    }

    private final Settings settings;

    private FeatureVisualization(Settings settings) {
        this.settings = settings;
    }

    /** Visualises {@code objective} with Lucid's defaults. */
    public static FeatureVisualization of(Objective objective) {
        return new FeatureVisualization(new Settings(objective, Parameterization.fft().decorrelated(),
                Transforms.standard(), 512, 0.05, Optimizer.ADAM, 0, new int[0], Schedule.CONSTANT, new int[0], 0,
                new float[0]));
    }

    /**
     * The same settings for another objective (e.g. one whose targets are computed from images on the model, as
     * {@link TextureSynthesis} and {@link StyleTransfer} do).
     */
    public FeatureVisualization objective(Objective objective) {
        Settings s = settings;
        return new FeatureVisualization(new Settings(objective, s.parameterization(), s.transforms(), s.steps(),
                s.learningRate(), s.optimizer(), s.seed(), s.thresholds(), s.schedule(), s.imageSize(),
                s.redirectedRelu(), s.start()));
    }

    /** How the image is represented. */
    public FeatureVisualization parameterization(Parameterization p) {
        Settings s = settings;
        return new FeatureVisualization(s.with(p, s.transforms(), s.steps(), s.learningRate(), s.optimizer(),
                s.seed(), s.thresholds()));
    }

    /** The random transforms applied at each step ({@link Transforms#none()} for none). */
    public FeatureVisualization transforms(Transforms t) {
        Settings s = settings;
        return new FeatureVisualization(s.with(s.parameterization(), t, s.steps(), s.learningRate(), s.optimizer(),
                s.seed(), s.thresholds()));
    }

    /** The number of optimisation steps. */
    public FeatureVisualization steps(int n) {
        Settings s = settings;
        return new FeatureVisualization(s.with(s.parameterization(), s.transforms(), n, s.learningRate(),
                s.optimizer(), s.seed(), s.thresholds()));
    }

    /** The learning rate. */
    public FeatureVisualization learningRate(double lr) {
        Settings s = settings;
        return new FeatureVisualization(s.with(s.parameterization(), s.transforms(), s.steps(), lr, s.optimizer(),
                s.seed(), s.thresholds()));
    }

    /** How the learning rate changes over the steps (constant by default). */
    public FeatureVisualization schedule(Schedule schedule) {
        Settings s = settings;
        return new FeatureVisualization(new Settings(s.objective(), s.parameterization(), s.transforms(), s.steps(),
                s.learningRate(), s.optimizer(), s.seed(), s.thresholds(), schedule, s.imageSize(),
                s.redirectedRelu(), s.start()));
    }

    /**
     * Optimises an image of this size instead of the model's input size; each step stretches it (through the
     * transforms' resampling) to the model's input. Opt-in: by default the image has the model's size, so a 28×28
     * model is not shown an upsampled, washed-out image.
     */
    public FeatureVisualization imageSize(int height, int width) {
        Settings s = settings;
        return new FeatureVisualization(new Settings(s.objective(), s.parameterization(), s.transforms(), s.steps(),
                s.learningRate(), s.optimizer(), s.seed(), s.thresholds(), s.schedule(), new int[] {height, width},
                s.redirectedRelu(), s.start()));
    }

    /**
     * Uses the redirected-ReLU gradient for the first {@code steps} steps (0, the default, for never): where a
     * ReLU passes no gradient for an image, the gradient goes through its inactive units where it pushes them up
     * (see {@link RedirectedRelu}; Lucid uses it for its first 16 steps). It lets an objective whose units are all
     * off at the random start get going. It needs a model built from DJL blocks (not TorchScript) with ReLU/ReLU6
     * activations and an objective whose model terms read one layer or the output; each such step costs two
     * passes (the layer-by-layer backward and one through the parameterisation).
     */
    public FeatureVisualization redirectedRelu(int steps) {
        Settings s = settings;
        return new FeatureVisualization(new Settings(s.objective(), s.parameterization(), s.transforms(), s.steps(),
                s.learningRate(), s.optimizer(), s.seed(), s.thresholds(), s.schedule(), s.imageSize(), steps,
                s.start()));
    }

    /**
     * Starts from this image instead of random parameters (style transfer starts from its content photo, DeepDream
     * and inversion may start from a photo): {@code C×H×W} pixel values in [0, 1], channel-first, at the optimised
     * image's size (the model's input size, or {@link #imageSize}); every image of the batch starts from it. Needs
     * a parameterisation that can be inverted, {@link Parameterization#pixels()}; the seed still draws the
     * transforms. An empty array starts from random parameters again.
     */
    public FeatureVisualization start(float[] chw) {
        Objects.requireNonNull(chw, "start image was null; pass C×H×W pixels in [0, 1], or an empty array for a"
                + " random start");
        Settings s = settings;
        return new FeatureVisualization(new Settings(s.objective(), s.parameterization(), s.transforms(), s.steps(),
                s.learningRate(), s.optimizer(), s.seed(), s.thresholds(), s.schedule(), s.imageSize(),
                s.redirectedRelu(), chw));
    }

    /** The update rule. */
    public FeatureVisualization optimizer(Optimizer o) {
        Settings s = settings;
        return new FeatureVisualization(s.with(s.parameterization(), s.transforms(), s.steps(), s.learningRate(), o,
                s.seed(), s.thresholds()));
    }

    /** The seed of the random start and of the transforms' draws. */
    public FeatureVisualization seed(long seed) {
        Settings s = settings;
        return new FeatureVisualization(s.with(s.parameterization(), s.transforms(), s.steps(), s.learningRate(),
                s.optimizer(), seed, s.thresholds()));
    }

    /** Also keeps the images at these steps ({@link FeatureImage#intermediates()}). */
    public FeatureVisualization thresholds(int... steps) {
        Settings s = settings;
        return new FeatureVisualization(s.with(s.parameterization(), s.transforms(), s.steps(), s.learningRate(),
                s.optimizer(), s.seed(), steps));
    }

    @Override
    public String name() {
        return "Feature Visualization";
    }

    @Override
    public Objective objective() {
        return settings.objective();
    }

    /** The settings as provenance text, in a stable order (derived from the settings record). */
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
        int ih = settings.imageSize().length == 0 ? h : settings.imageSize()[0];
        int iw = settings.imageSize().length == 0 ? w : settings.imageSize()[1];
        ImageParameterization parameters = new ImageParameterization(settings.parameterization(), c, ih, iw);
        ImageTransforms transforms = new ImageTransforms(settings.transforms());
        float[] start = settings.start();
        if (start.length != 0) {
            if (start.length != c * ih * iw) {
                throw new IllegalArgumentException("the start image has " + start.length + " values; the optimised"
                        + " image is " + c + "×" + ih + "×" + iw + " = " + c * ih * iw + " (channels × height × width"
                        + " of the model's input, or of imageSize)");
            }
            if (settings.parameterization().space() != Parameterization.Space.PIXELS) {
                throw new IllegalArgumentException("starting from an image needs the pixel parameterisation, not "
                        + settings.parameterization().description() + "; use Parameterization.pixels()");
            }
        }
        // the objective's layers, resolved before any work so a wrong name fails at once
        for (String layer : settings.objective().layers()) {
            model.seam().resolveLayer(layer);
        }
        RedirectedRelu redirect = settings.redirectedRelu() == 0 ? null
                : RedirectedRelu.of(model.seam(), settings.objective());
        int steps = settings.steps();
        double[] history = new double[steps];
        SortedMap<Integer, List<float[]>> intermediates = new TreeMap<>();
        ImageParameterization.OnHeap onHeap = parameters.onHeap();
        boolean penalties = Objectives.readsImage(settings.objective());
        int batch = settings.parameterization().batch();
        DataType type = model.seam().dataType();
        List<float[]> images = model.call(scope -> {
            // the parameters and Adam's moments live on the heap, and so do the image, its transforms and the
            // normalisation with their adjoints: the engine sees one input and gives back one gradient per step
            float[] theta = (start.length == 0 ? parameters.initial(scope, settings.seed())
                    : parameters.parametersOf(HeapArrays.create(scope, start, new Shape(1, c, ih, iw))
                            .repeat(0, batch))).toType(DataType.FLOAT32, false).toFloatArray();
            float[] first = new float[theta.length];
            float[] second = new float[theta.length];
            // the redirected steps build the image on the engine, where the layer-by-layer backward needs it
            ImageParameterization.Bound bound = redirect == null ? null : parameters.bind(scope, type);
            Normalization.Columns normalization = redirect == null ? null : Normalization.columns(scope, spec, type);
            for (int step = 1; step <= steps; step++) {
                if (Thread.currentThread().isInterrupted()) {
                    throw new CancellationException(name() + " of " + settings.objective().description()
                            + " was cancelled at step " + step + " of " + steps);
                }
                try (NDManager pass = scope.newSubManager()) {
                    // the step's random draws; a fresh stream per call, so that every build of the input sees them
                    long drawSeed = settings.seed() * 1_000_003L + step;
                    double value;
                    float[] gradient;
                    if (redirect != null && step <= settings.redirectedRelu()) {
                        UnaryOperator<NDArray> toInput = pixels -> normalization.normalize(transforms.apply(pixels, h,
                                w, new SplittableRandom(drawSeed)));
                        NDArray at = HeapArrays.create(pass, theta, parameters.parameterShape()).toType(type, false);
                        RedirectedRelu.Step r = redirect.step(pass, at, q -> {
                            NDArray pixels = bound.image(q);
                            return new RedirectedRelu.Built(pixels, toInput.apply(pixels));
                        });
                        value = r.value();
                        gradient = r.gradient().toType(DataType.FLOAT32, false).toFloatArray();
                    } else {
                        float[] pixels = onHeap.image(theta);
                        ImageTransforms.Drawn drawn = transforms.draw(batch, c, ih, iw, h, w,
                                new SplittableRandom(drawSeed));
                        float[] input = drawn.apply(pixels);
                        Normalization.toModelInPlace(spec, input);
                        NDArray x = HeapArrays.create(pass, input, new Shape(batch, c, h, w)).toType(type, false);
                        TraceRequest request = penalties
                                // the image as a parameter of its own: the penalties' gradient comes back as its
                                ? Objectives.requestReading(TraceRequest.fromParameters(List.of(HeapArrays.create(pass,
                                        pixels, new Shape(batch, c, ih, iw)).toType(type, false), x), q -> q.get(1)),
                                        settings.objective(), t -> t.parameters().get(0))
                                : Objectives.request(TraceRequest.of(x).inputGradient(), settings.objective(),
                                        () -> null);
                        Trace t = model.seam().trace(pass, request);
                        value = t.objectiveValue();
                        float[] g = (penalties ? t.parameterGradients().get(1) : t.inputGradient())
                                .toType(DataType.FLOAT32, false).toFloatArray();
                        Normalization.gradientToPixelsInPlace(spec, g);
                        float[] toPixels = drawn.gradient(g);
                        if (penalties) {
                            float[] direct = t.parameterGradients().get(0).toType(DataType.FLOAT32, false)
                                    .toFloatArray();
                            for (int i = 0; i < toPixels.length; i++) {
                                toPixels[i] += direct[i];
                            }
                        }
                        gradient = onHeap.gradient(toPixels);
                    }
                    history[step - 1] = finite(value, step);
                    update(theta, first, second, gradient, step);
                    int current = step;
                    if (Arrays.stream(settings.thresholds()).anyMatch(s -> s == current)) {
                        intermediates.put(step, rows(onHeap.image(theta), batch));
                    }
                }
                model.progress().progress(name(), step, steps);
            }
            return rows(onHeap.image(theta), batch);
        });
        return new FeatureImage(images, c, ih, iw, history, intermediates, new Provenance(name(), parameters(),
                OptionalLong.of(settings.seed()), model.engine(), model.name(), settings.objective().description(),
                classOf(settings.objective())));
    }

    private double finite(double value, int step) {
        if (!Double.isFinite(value)) {
            throw new IllegalStateException("the objective " + settings.objective().description() + " became "
                    + value + " at step " + step + "; lower the learning rate (" + settings.learningRate()
                    + ") or bound the image (a sigmoid range)");
        }
        return value;
    }

    /** One ascent step on {@code theta} in place (Adam's moments in {@code first}, {@code second}). */
    private void update(float[] theta, float[] first, float[] second, float[] gradient, int step) {
        double lr = settings.learningRate() * settings.schedule().factor(step, settings.steps());
        if (settings.optimizer() == Optimizer.SGD) {
            float rate = (float) lr;
            for (int i = 0; i < theta.length; i++) {
                theta[i] += rate * gradient[i];
            }
            return;
        }
        HeapAdam.step(theta, first, second, gradient, lr, step);
    }

    /** The images {@code (N, C, H, W)} one per row. */
    private static List<float[]> rows(float[] images, int n) {
        int per = images.length / n;
        List<float[]> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(Arrays.copyOfRange(images, i * per, (i + 1) * per));
        }
        return out;
    }

    private static int classOf(Objective o) {
        if (o instanceof Objective.ClassLogit l) {
            return l.index();
        }
        if (o instanceof Objective.ClassProbability p) {
            return p.index();
        }
        return -1;
    }

    @Override
    public String toString() {
        return name() + " " + settings.objective().description() + " " + parameters();
    }
}
