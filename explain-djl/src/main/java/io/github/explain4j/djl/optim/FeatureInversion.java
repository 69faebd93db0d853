package io.github.explain4j.djl.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.util.PairList;
import io.github.explain4j.api.InputSpec;
import io.github.explain4j.api.Inverter;
import io.github.explain4j.api.Provenance;
import io.github.explain4j.djl.ExplainableModel;
import io.github.explain4j.djl.core.MethodSettings;
import io.github.explain4j.djl.core.Normalization;
import io.github.explain4j.djl.internal.HeapArrays;
import io.github.explain4j.djl.seam.Trace;
import io.github.explain4j.djl.seam.TraceRequest;
import io.github.explain4j.optim.Inversion;
import io.github.explain4j.optim.Parameterization;
import io.github.explain4j.optim.Transform;
import io.github.explain4j.optim.Transforms;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.SplittableRandom;
import java.util.concurrent.CancellationException;

/**
 * Optimisation-based inversion of a representation (A. Mahendran, A. Vedaldi, "Understanding Deep Image
 * Representations by Inverting Them", CVPR 2015): from the features {@code Φ₀ = Φ(x₀)} of an image at one or more
 * layers, the image {@code x} that minimises
 *
 * <pre>
 *   Σ_layers ‖Φ(x) − Φ₀‖² / ‖Φ₀‖²  +  λ_α · R_α(x)  +  λ_TV · R_TV^β(x)
 *   R_α(x)    = mean over pixels and channels of |(x − ½) / B|^α,                 B = ½
 *   R_TV^β(x) = mean over pixels and channels of ((x[i, j+1] − x[i, j])² + (x[i+1, j] − x[i, j])²)^(β/2) / V^β
 * </pre>
 *
 * with pixel values {@code x} in [0, 1] before the model's normalisation, {@code B} the largest deviation of a valid
 * pixel from mid-grey and {@code V = B / 6.5} a typical step between neighbours (normalisations in the spirit of
 * the paper's, which divides each term by such typical sizes); the paper's exponents {@code α = 6}, {@code β = 2}.
 * Each step sees the image through a random jitter (a shift of up to {@code jitter} of the side, the paper's
 * jitter), is one {@link io.github.explain4j.djl.seam.ModelSeam#trace trace} that stops after the deepest layer
 * inverted, and updates the {@link Parameterization} with Adam, as {@link FeatureVisualization} does. The
 * parameters, Adam's moments, the image made from them, its jitter, the normalisation and the two penalties (in
 * closed form) are loops on the heap with their adjoints: the engine sees one input per step, computes the feature
 * loss and gives back the input's gradient, so that a step costs little more than the model's own forward and
 * backward pass.
 *
 * <pre>{@code
 * Inversion inv = FeatureInversion.of("stage2").steps(200).seed(1).invert(model, pixels);
 * inv.relativeFeatureError().get("stage2");   // ‖Φ(x) − Φ₀‖² / ‖Φ₀‖² of the reconstruction
 * }</pre>
 *
 * <p>The result's relative feature errors are those of the final image seen without jitter. Deterministic for a
 * seed on each engine, given the calling thread's intra-op settings: PyTorch may sum in another order on a thread
 * whose settings differ, and Adam's sign-normalised steps can grow that last-bit difference. Progress goes to the
 * model's listener; interrupting the calling thread cancels at the next step ({@link CancellationException}).
 */
public final class FeatureInversion implements Inverter<ExplainableModel, float[]> {

    /** The settings, checked once. */
    private record Settings(List<String> layers, double alphaWeight, double alpha, double tvWeight, double beta,
            double jitter, Parameterization parameterization, int steps, double learningRate, long seed)
            implements MethodSettings {
        Settings {
            Objects.requireNonNull(layers, "layers");
            if (layers.isEmpty()) {
                throw new IllegalArgumentException("no layer was given; name at least one layer to invert, as"
                        + " model.layers() lists it");
            }
            for (String layer : layers) {
                if (layer == null || layer.isBlank()) {
                    throw new IllegalArgumentException("layer name was " + (layer == null ? "null" : "blank")
                            + "; name a layer as model.layers() lists it");
                }
            }
            layers = List.copyOf(layers);
            nonNegative("α-norm weight λ_α", alphaWeight, "0 turns the penalty off");
            nonNegative("total-variation weight λ_TV", tvWeight, "0 turns the penalty off");
            if (!(alpha >= 1) || !Double.isFinite(alpha)) {
                throw new IllegalArgumentException("α was " + alpha + "; expected a finite exponent ≥ 1 (6 as"
                        + " Mahendran & Vedaldi)");
            }
            if (!(beta >= 1) || !Double.isFinite(beta)) {
                throw new IllegalArgumentException("β was " + beta + "; expected a finite exponent ≥ 1 (2 as"
                        + " Mahendran & Vedaldi)");
            }
            if (!(jitter >= 0 && jitter < 0.5)) {
                throw new IllegalArgumentException("jitter was " + jitter + "; expected a fraction of the side in"
                        + " [0, 0.5) (0 for none)");
            }
            Objects.requireNonNull(parameterization, "parameterization");
            if (parameterization.batch() != 1) {
                throw new IllegalArgumentException("the parameterisation holds " + parameterization.batch()
                        + " images; an inversion reconstructs one: use batch(1)");
            }
            if (steps < 1) {
                throw new IllegalArgumentException("steps was " + steps + "; expected 1 or more");
            }
            if (!(learningRate > 0) || !Double.isFinite(learningRate)) {
                throw new IllegalArgumentException("learning rate was " + learningRate + "; expected a positive"
                        + " finite number (0.05 with Adam)");
            }
        }

        private static void nonNegative(String name, double value, String hint) {
            if (!(value >= 0) || !Double.isFinite(value)) {
                throw new IllegalArgumentException(name + " was " + value + "; expected a finite weight ≥ 0 ("
                        + hint + ")");
            }
        }

        @Override
        public String describe(String component, Object value) {
            if (value instanceof Parameterization p) {
                return p.description();
            }
            if (value instanceof List<?>) {
                return null; // the provenance's target
            }
            return MethodSettings.super.describe(component, value);
        }

        Settings with(double aw, double a, double tw, double b, double j, Parameterization p, int n, double lr,
                long s) {
            return new Settings(layers, aw, a, tw, b, j, p, n, lr, s);
        }
    }

    /** {@code B}: the largest deviation of a valid pixel (in [0, 1]) from mid-grey. */
    static final double RANGE = 0.5;
    /** {@code V}: a typical step between neighbouring pixels, {@code B / 6.5}. */
    static final double VARIATION = RANGE / 6.5;

    private final Settings settings;

    private FeatureInversion(Settings settings) {
        this.settings = settings;
    }

    /**
     * Inverts the representation at these layers (their relative errors are summed) with the defaults: α = 6,
     * λ_α = 1e-5, β = 2, λ_TV = 1e-4, no jitter, pixels through a sigmoid, Adam with learning rate 0.1, 200 steps,
     * seed 0. Jitter ({@link #jitter}) makes the image smoother and less exact: the features of a shifted image
     * cannot all match the unshifted target, so the shallow layers, which keep almost everything, are then
     * reconstructed from a compromise; the paper uses it for deep layers.
     */
    public static FeatureInversion of(String... layers) {
        return new FeatureInversion(new Settings(layers == null ? null : java.util.Arrays.asList(layers), 1e-5, 6,
                1e-4, 2, 0, Parameterization.pixels(), 200, 0.1, 0));
    }

    /** The weight λ_α of the α-norm penalty. */
    public FeatureInversion alphaWeight(double weight) {
        Settings s = settings;
        return new FeatureInversion(s.with(weight, s.alpha(), s.tvWeight(), s.beta(), s.jitter(),
                s.parameterization(), s.steps(), s.learningRate(), s.seed()));
    }

    /** The exponent α of the α-norm penalty (6 as the paper). */
    public FeatureInversion alpha(double exponent) {
        Settings s = settings;
        return new FeatureInversion(s.with(s.alphaWeight(), exponent, s.tvWeight(), s.beta(), s.jitter(),
                s.parameterization(), s.steps(), s.learningRate(), s.seed()));
    }

    /** The weight λ_TV of the total-variation penalty. */
    public FeatureInversion tvWeight(double weight) {
        Settings s = settings;
        return new FeatureInversion(s.with(s.alphaWeight(), s.alpha(), weight, s.beta(), s.jitter(),
                s.parameterization(), s.steps(), s.learningRate(), s.seed()));
    }

    /** The exponent β of the total variation (2 as the paper). */
    public FeatureInversion beta(double exponent) {
        Settings s = settings;
        return new FeatureInversion(s.with(s.alphaWeight(), s.alpha(), s.tvWeight(), exponent, s.jitter(),
                s.parameterization(), s.steps(), s.learningRate(), s.seed()));
    }

    /** The largest random shift per step, a fraction of the side (0 for none). */
    public FeatureInversion jitter(double fraction) {
        Settings s = settings;
        return new FeatureInversion(s.with(s.alphaWeight(), s.alpha(), s.tvWeight(), s.beta(), fraction,
                s.parameterization(), s.steps(), s.learningRate(), s.seed()));
    }

    /** How the image is represented (one image). */
    public FeatureInversion parameterization(Parameterization p) {
        Settings s = settings;
        return new FeatureInversion(s.with(s.alphaWeight(), s.alpha(), s.tvWeight(), s.beta(), s.jitter(), p,
                s.steps(), s.learningRate(), s.seed()));
    }

    /** The number of Adam steps. */
    public FeatureInversion steps(int n) {
        Settings s = settings;
        return new FeatureInversion(s.with(s.alphaWeight(), s.alpha(), s.tvWeight(), s.beta(), s.jitter(),
                s.parameterization(), n, s.learningRate(), s.seed()));
    }

    /** Adam's learning rate. */
    public FeatureInversion learningRate(double lr) {
        Settings s = settings;
        return new FeatureInversion(s.with(s.alphaWeight(), s.alpha(), s.tvWeight(), s.beta(), s.jitter(),
                s.parameterization(), s.steps(), lr, s.seed()));
    }

    /** The seed of the random start and of the jitter. */
    public FeatureInversion seed(long seed) {
        Settings s = settings;
        return new FeatureInversion(s.with(s.alphaWeight(), s.alpha(), s.tvWeight(), s.beta(), s.jitter(),
                s.parameterization(), s.steps(), s.learningRate(), seed));
    }

    @Override
    public String name() {
        return "Feature Inversion";
    }

    /** The layers inverted, as given. */
    public List<String> layers() {
        return settings.layers();
    }

    /** The settings as provenance text, in a stable order. */
    public Map<String, String> parameters() {
        return settings.parameters();
    }

    /** Inverts {@code photo}, taken at the model's input size (its spec's resize policy). */
    public Inversion invert(ExplainableModel model, BufferedImage photo) {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(photo, "photo was null; pass a decoded image (Images.read(path))");
        return invert(model, model.spec().pixels(photo));
    }

    /**
     * Inverts an image in pixel space, {@code C×H×W} at the model's input size, values in [0, 1].
     *
     * @throws IllegalArgumentException for a layer the model cannot give, or an image of the wrong size or with
     *     values that are not finite
     */
    @Override
    public Inversion invert(ExplainableModel model, float[] chw) {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(chw, "image was null; pass C×H×W pixels in [0, 1]");
        InputSpec spec = model.spec();
        int c = spec.channels();
        int h = spec.height();
        int w = spec.width();
        checkImage(chw, c, h, w);
        for (String layer : settings.layers()) {
            model.seam().resolveLayer(layer);
        }
        ImageParameterization parameters = new ImageParameterization(settings.parameterization(), c, h, w);
        int pad = (int) Math.round(settings.jitter() * Math.max(h, w));
        ImageTransforms jitter = new ImageTransforms(pad == 0 ? Transforms.none()
                : Transforms.of(Transform.pad(pad / (double) Math.max(h, w)),
                        Transform.jitter(2 * pad / (double) Math.max(h, w))));
        List<String> layers = settings.layers();
        int steps = settings.steps();
        boolean penalised = settings.alphaWeight() > 0 || settings.tvWeight() > 0;
        Map<String, Double> errors = new LinkedHashMap<>();
        float[] image = model.call(scope -> {
            DataType type = model.seam().dataType();
            float[] normalized = chw.clone();
            Normalization.toModelInPlace(spec, normalized);
            NDArray original = HeapArrays.create(scope, normalized, new Shape(1, c, h, w)).toType(type, false);
            // Φ₀ and ‖Φ₀‖², held in the call's scope across the steps
            Trace target = model.seam().trace(scope, TraceRequest.of(original)
                    .capture(layers.toArray(String[]::new)).stopAfterCaptures());
            // the traced loss is the sum of squares of the first layer's error, each further layer's weighted by
            // ‖Φ₀‖² of the first over its own; the gradient read back is divided by the first's ‖Φ₀‖² on the heap
            List<NDArray> targets = new ArrayList<>();
            double[] weights = new double[layers.size()];
            double firstNorm = 0;
            for (int i = 0; i < layers.size(); i++) {
                String layer = layers.get(i);
                NDArray phi = target.activation(layer);
                double value = phi.square().sum().toType(DataType.FLOAT64, false).getDouble();
                if (!(value > 0)) {
                    throw new IllegalArgumentException("the image's representation at layer '" + layer + "' is all"
                            + " zeros (‖Φ₀‖² = " + value + "), so its relative error is undefined; invert another"
                            + " layer or image");
                }
                if (i == 0) {
                    firstNorm = value;
                }
                targets.add(phi);
                weights[i] = firstNorm / value;
            }
            float lossScale = (float) (1 / firstNorm);
            // the parameters, Adam's moments, the image made from them, its jitter, the normalisation and the
            // penalties live on the heap with their adjoints: the engine sees one input, computes the feature loss
            // and gives back one input gradient per step
            ImageParameterization.OnHeap onHeap = parameters.onHeap();
            float[] theta = parameters.initial(scope, settings.seed()).toType(DataType.FLOAT32, false).toFloatArray();
            float[] first = new float[theta.length];
            float[] second = new float[theta.length];
            // one image, input and gradient buffer and one staging buffer for the whole inversion: a step allocates
            // no array of the image's size on the heap or off it
            Shape shape = new Shape(1, c, h, w);
            String[] captures = layers.toArray(String[]::new);
            float[] pixels = new float[c * h * w];
            float[] input = new float[c * h * w];
            float[] g = new float[c * h * w];
            float[] priors = penalised ? new float[c * h * w] : null;
            HeapArrays.Staging staging = new HeapArrays.Staging(c * h * w);
            InversionPenalties penalties = new InversionPenalties(settings.alphaWeight(), settings.alpha(),
                    settings.tvWeight(), settings.beta(), c, h, w);
            for (int step = 1; step <= steps; step++) {
                if (Thread.currentThread().isInterrupted()) {
                    throw new CancellationException(name() + " of " + layers + " was cancelled at step " + step
                            + " of " + steps);
                }
                try (NDManager pass = scope.newSubManager()) {
                    onHeap.image(theta, pixels);
                    ImageTransforms.Drawn drawn = pad == 0 ? null : jitter.draw(1, c, h, w, h, w,
                            new SplittableRandom(settings.seed() * 1_000_003L + step));
                    float[] x;
                    if (drawn == null) {
                        Normalization.toModelInto(spec, pixels, input);
                        x = input;
                    } else {
                        x = drawn.apply(pixels);
                        Normalization.toModelInPlace(spec, x);
                    }
                    Trace t = model.seam().trace(pass, TraceRequest.of(staging.create(pass, x, shape)
                            .toType(type, false)).inputGradient().capture(captures).stopAfterCaptures()
                            .objective(traced -> featureLoss(traced, layers, targets, weights)));
                    if (penalised) {
                        // the priors' gradient needs the image alone: made while an engine that runs operators
                        // asynchronously (MXNet's default) may still be on the backward pass
                        java.util.Arrays.fill(priors, 0f);
                        penalties.addGradient(pixels, priors);
                    }
                    HeapArrays.read(t.inputGradient().toType(DataType.FLOAT32, false), g);
                    Normalization.gradientToPixelsInPlace(spec, g, lossScale);
                    float[] toPixels = drawn == null ? g : drawn.gradient(g);
                    if (penalised) {
                        for (int i = 0; i < toPixels.length; i++) {
                            toPixels[i] += priors[i];
                        }
                    }
                    float[] gradient = onHeap.gradientInPlace(toPixels);
                    checkFinite(gradient, step);
                    HeapAdam.step(theta, first, second, gradient, -settings.learningRate(), step);
                }
                model.progress().progress(name(), step, steps);
            }
            float[] result = onHeap.image(theta);
            float[] seenInput = result.clone();
            Normalization.toModelInPlace(spec, seenInput);
            Trace seen = model.seam().trace(scope, TraceRequest.of(HeapArrays.create(scope, seenInput,
                    new Shape(1, c, h, w)).toType(type, false)).capture(layers.toArray(String[]::new))
                    .stopAfterCaptures());
            for (int i = 0; i < layers.size(); i++) {
                errors.put(layers.get(i), relativeError(seen.activation(layers.get(i)), targets.get(i)));
            }
            return result;
        });
        return new Inversion(image, c, h, w, errors, new Provenance(name(), parameters(),
                OptionalLong.of(settings.seed()), model.engine(), model.name(), "invert " + String.join(", ", layers),
                -1));
    }

    /**
     * The traced part of the loss, {@code ‖Φ₀¹‖²} times Σ_layers ‖Φ(x) − Φ₀‖² / ‖Φ₀‖² ({@code ‖Φ₀¹‖²} the first
     * layer's), as far as its gradient goes: each layer's term is {@link #squaredError}, whose sum has the gradient
     * of {@code weight · ‖Φ − Φ₀‖²}, its first term with weight 1, one operation fewer forward and backward per step.
     * The held arrays (Φ₀) are always second operands: an op's result lands in its first operand's manager, and
     * only the pass's manager keeps PyTorch's number operands alive until the backward pass (see OperandPins).
     */
    private static NDArray featureLoss(TraceRequest.Traced traced, List<String> layers, List<NDArray> targets,
            double[] weights) {
        NDArray total = null;
        for (int i = 0; i < layers.size(); i++) {
            NDArray term = squaredError(traced.activation(layers.get(i)), targets.get(i), weights[i]);
            total = total == null ? term : total.add(term);
        }
        return total;
    }

    /**
     * A traced array whose sum has, with respect to {@code phi}, the gradient of {@code weight · ‖phi − target‖²},
     * {@code 2 · weight · (phi − target)}; only that gradient is read, not the value. On MXNet one operator, its
     * regression output {@code LinearRegressionOutput}, whose forward pass is {@code phi} itself and whose backward
     * pass is {@code (phi − target) · grad_scale / m} ({@code m} the values per batch item), whatever gradient
     * reaches it — so it must be summed directly: its sum has that gradient. Elsewhere the difference squared, summed
     * and scaled. Must stay the last operation before the sum.
     */
    static NDArray squaredError(NDArray phi, NDArray target, double weight) {
        if ("MXNet".equals(phi.getManager().getEngine().getEngineName())) {
            long perItem = phi.size() / phi.getShape().get(0);
            PairList<String, Object> params = new PairList<>();
            params.add("grad_scale", 2 * weight * perItem);
            return phi.getManager().invoke("LinearRegressionOutput", new NDList(phi, target), params)
                    .singletonOrThrow().sum();
        }
        NDArray term = phi.sub(target).square().sum();
        return weight == 1 ? term : term.mul(weight);
    }

    private void checkFinite(float[] gradient, int step) {
        boolean finite = true;
        for (int i = 0; finite && i < gradient.length; i++) {
            finite = Float.isFinite(gradient[i]);
        }
        if (!finite) {
            throw new IllegalStateException("the inversion loss or its gradient stopped being finite at step " + step
                    + "; lower the learning rate (" + settings.learningRate() + ")");
        }
    }

    /** {@code ‖a − b‖² / ‖b‖²} in double precision. */
    static double relativeError(NDArray a, NDArray b) {
        double num = a.sub(b).square().sum().toType(DataType.FLOAT64, false).getDouble();
        double den = b.square().sum().toType(DataType.FLOAT64, false).getDouble();
        return num / den;
    }

    static void checkImage(float[] chw, int c, int h, int w) {
        if (chw.length != c * h * w) {
            throw new IllegalArgumentException("the image has " + chw.length + " values; the model takes " + c + "×"
                    + h + "×" + w + " pixels (channel-first)");
        }
        for (int i = 0; i < chw.length; i++) {
            if (!Float.isFinite(chw[i])) {
                throw new IllegalArgumentException("the image holds " + chw[i] + " at index " + i + "; expected"
                        + " finite pixel values in [0, 1]");
            }
        }
    }

    @Override
    public String toString() {
        return name() + " " + settings.layers() + " " + parameters().toString().toLowerCase(Locale.ROOT);
    }
}
