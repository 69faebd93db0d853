package io.github.explain4j.djl.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
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
 * the paper's, which divides each term by such typical sizes); the paper's exponents {@code α = 6}, {@code β = 2}. Each step sees the image through a random jitter
 * (a shift of up to {@code jitter} of the side, the paper's jitter), is one {@link
 * io.github.explain4j.djl.seam.ModelSeam#trace trace} that stops after the deepest layer inverted, and updates the
 * {@link Parameterization} with Adam, as {@link FeatureVisualization} does. The parameters and Adam's moments are
 * kept on the heap; with pixel parameters (the default) the two penalties and their gradient are computed there
 * too, in closed form, so that a step costs little more than the model's own forward and backward pass; other
 * parameterisations (Fourier, decorrelated colours) keep the penalties in the traced loss.
 *
 * <pre>{@code
 * Inversion inv = FeatureInversion.of("stage2").steps(200).seed(1).invert(model, pixels);
 * inv.relativeFeatureError().get("stage2");   // ‖Φ(x) − Φ₀‖² / ‖Φ₀‖² of the reconstruction
 * }</pre>
 *
 * <p>The result's relative feature errors are those of the final image seen without jitter. Deterministic for a
 * seed on each engine; progress goes to the model's listener; interrupting the calling thread cancels at the next
 * step ({@link CancellationException}).
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
        Map<String, Double> errors = new LinkedHashMap<>();
        float[] image = model.call(scope -> {
            DataType type = model.seam().dataType();
            Normalization.Columns normalization = Normalization.columns(scope, spec, type);
            NDArray original = HeapArrays.create(scope, chw, new Shape(1, c, h, w)).toType(type, false);
            // Φ₀ and ‖Φ₀‖², held in the call's scope across the steps
            Trace target = model.seam().trace(scope, TraceRequest.of(normalization.normalize(original))
                    .capture(layers.toArray(String[]::new)).stopAfterCaptures());
            List<NDArray> targets = new ArrayList<>();
            List<NDArray> norms = new ArrayList<>();
            for (String layer : layers) {
                NDArray phi = target.activation(layer);
                double norm = phi.square().sum().toType(DataType.FLOAT64, false).getDouble();
                if (!(norm > 0)) {
                    throw new IllegalArgumentException("the image's representation at layer '" + layer + "' is all"
                            + " zeros (‖Φ₀‖² = " + norm + "), so its relative error is undefined; invert another"
                            + " layer or image");
                }
                targets.add(phi);
                norms.add(phi.square().sum());
            }
            // the parameters and Adam's moments live on the heap: the update is a loop, not a dozen engine ops
            Shape shape = parameters.parameterShape();
            float[] theta = parameters.initial(scope, settings.seed()).toType(DataType.FLOAT32, false).toFloatArray();
            double[] first = new double[theta.length];
            double[] second = new double[theta.length];
            NDArray kernel = differenceKernel(scope, c, type);
            boolean onHeap = settings.parameterization().space() == Parameterization.Space.PIXELS
                    && !(settings.parameterization().isDecorrelated() && c == 3)
                    && (settings.alphaWeight() > 0 || settings.tvWeight() > 0);
            for (int step = 1; step <= steps; step++) {
                if (Thread.currentThread().isInterrupted()) {
                    throw new CancellationException(name() + " of " + layers + " was cancelled at step " + step
                            + " of " + steps);
                }
                try (NDManager pass = scope.newSubManager()) {
                    SplittableRandom draws = new SplittableRandom(settings.seed() * 1_000_003L + step);
                    // pixel parameters: the penalties and their gradient on the heap (a dozen small engine ops
                    // fewer per step); other parameterisations: in the traced loss
                    double[] penaltyGradient = onHeap ? new double[theta.length] : null;
                    double penalty = onHeap ? penalties(theta, settings.parameterization().range(), c, h, w,
                            penaltyGradient) : 0;
                    NDArray[] pixels = new NDArray[1];
                    TraceRequest request = TraceRequest.fromParameters(List.of(HeapArrays.create(pass, theta, shape)
                            .toType(type, false)), q -> {
                                pixels[0] = parameters.image(q.head());
                                NDArray seen = pad == 0 ? pixels[0] : jitter.apply(pixels[0], h, w, draws);
                                return normalization.normalize(seen);
                            }).capture(layers.toArray(String[]::new)).stopAfterCaptures()
                            .objective(t -> loss(t, onHeap ? null : pixels[0], layers, targets, norms, kernel));
                    Trace t = model.seam().trace(pass, request);
                    float[] gradient = t.parameterGradients().get(0).toType(DataType.FLOAT32, false).toFloatArray();
                    // the loss's value is not kept; a loss that is not finite shows in its gradient (read anyway)
                    checkFinite(gradient, penalty, step);
                    HeapAdam.step(theta, first, second, gradient, penaltyGradient, -settings.learningRate(), step);
                }
                model.progress().progress(name(), step, steps);
            }
            NDArray result = parameters.image(HeapArrays.create(scope, theta, shape).toType(type, false));
            Trace seen = model.seam().trace(scope, TraceRequest.of(normalization.normalize(result))
                    .capture(layers.toArray(String[]::new)).stopAfterCaptures());
            for (int i = 0; i < layers.size(); i++) {
                errors.put(layers.get(i), relativeError(seen.activation(layers.get(i)), targets.get(i)));
            }
            return result.toType(DataType.FLOAT32, false).toFloatArray();
        });
        return new Inversion(image, c, h, w, errors, new Provenance(name(), parameters(),
                OptionalLong.of(settings.seed()), model.engine(), model.name(), "invert " + String.join(", ", layers),
                -1));
    }

    /**
     * The loss: relative feature errors summed over the layers, plus the two penalties of the pixels. The held
     * arrays (Φ₀, ‖Φ₀‖²) are always second operands: an op's result lands in its first operand's manager, and only
     * the pass's manager keeps PyTorch's number operands alive until the backward pass (see OperandPins).
     */
    private NDArray loss(TraceRequest.Traced traced, NDArray pixels, List<String> layers, List<NDArray> targets,
            List<NDArray> norms, NDArray kernel) {
        NDArray total = null;
        for (int i = 0; i < layers.size(); i++) {
            NDArray term = traced.activation(layers.get(i)).sub(targets.get(i)).square().sum().div(norms.get(i));
            total = total == null ? term : total.add(term);
        }
        if (pixels == null) {
            return total;
        }
        long values = pixels.size();
        if (settings.alphaWeight() > 0) {
            double scale = settings.alphaWeight() / (values * Math.pow(RANGE, settings.alpha()));
            total = total.add(powerOfDistance(pixels.sub(0.5f), settings.alpha()).sum().mul((float) scale));
        }
        if (settings.tvWeight() > 0) {
            total = total.add(totalVariation(pixels, settings.beta(), kernel).mul((float) settings.tvWeight()));
        }
        return total;
    }

    /**
     * The two penalties of the pixels made from pixel parameters {@code theta} {@code (1, C, H, W)} through
     * {@code range}, computed on the heap in double precision: returns {@code λ_α·R_α + λ_TV·R_TV^β} and writes its
     * gradient with respect to {@code theta} into {@code gradient} — the same values and derivatives as the traced
     * loss's penalty terms (see {@link #loss}).
     */
    double penalties(float[] theta, Parameterization.Range range, int c, int h, int w, double[] gradient) {
        int n = theta.length;
        double[] p = new double[n];
        double[] slope = new double[n]; // dp/dθ
        switch (range) {
            case SIGMOID -> {
                for (int i = 0; i < n; i++) {
                    double s = 1 / (1 + Math.exp(-theta[i]));
                    p[i] = s;
                    slope[i] = s * (1 - s);
                }
            }
            case CLIP -> {
                for (int i = 0; i < n; i++) {
                    double t = theta[i] + 0.5;
                    p[i] = Math.min(1, Math.max(0, t));
                    slope[i] = t >= 0 && t <= 1 ? 1 : 0;
                }
            }
            case NONE -> {
                for (int i = 0; i < n; i++) {
                    p[i] = theta[i];
                    slope[i] = 1;
                }
            }
        }
        double[] dp = new double[n];
        double value = 0;
        double alpha = settings.alpha();
        if (settings.alphaWeight() > 0) {
            double scale = settings.alphaWeight() / (n * Math.pow(RANGE, alpha));
            int whole = alpha == Math.rint(alpha) && alpha <= 16 ? (int) alpha : -1; // products, not Math.pow
            double sum = 0;
            if (whole >= 2 && whole % 2 == 0) {
                // an even α: |d|^α = d^α and sign(d)·|d|^(α−1) = d^(α−1), by products
                for (int i = 0; i < n; i++) {
                    double d = p[i] - 0.5;
                    double below = d; // d^(α−1)
                    for (int k = 2; k < whole; k++) {
                        below *= d;
                    }
                    sum += below * d;
                    dp[i] = scale * alpha * below;
                }
            } else {
                for (int i = 0; i < n; i++) {
                    double d = p[i] - 0.5;
                    double a = Math.abs(d);
                    double below; // a^(α−1)
                    if (whole > 0) {
                        below = 1;
                        for (int k = 1; k < whole; k++) {
                            below *= a;
                        }
                    } else {
                        below = Math.pow(a, alpha - 1);
                    }
                    sum += below * a;
                    dp[i] = scale * alpha * below * Math.signum(d);
                }
            }
            value += scale * sum;
        }
        if (settings.tvWeight() > 0) {
            double beta = settings.beta();
            double count = (double) c * (h - 1) * (w - 1);
            double scale = settings.tvWeight() / (count * Math.pow(VARIATION, beta));
            double epsilon = 1e-8 * VARIATION * VARIATION;
            double sum = 0;
            for (int ch = 0; ch < c; ch++) {
                for (int y = 0; y < h - 1; y++) {
                    int row = (ch * h + y) * w;
                    for (int o = row; o < row + w - 1; o++) {
                        double dx = p[o + 1] - p[o];
                        double dy = p[o + w] - p[o];
                        double sq = dx * dx + dy * dy;
                        double ds; // d(term)/d(sq), over the scale
                        if (beta == 2) {
                            sum += sq;
                            ds = 2;
                        } else {
                            double term = Math.pow(sq + epsilon, beta / 2);
                            sum += term;
                            ds = beta * term / (sq + epsilon);
                        }
                        dp[o + 1] += scale * ds * dx;
                        dp[o + w] += scale * ds * dy;
                        dp[o] -= scale * ds * (dx + dy);
                    }
                }
            }
            value += scale * sum;
        }
        for (int i = 0; i < n; i++) {
            gradient[i] = dp[i] * slope[i];
        }
        return value;
    }

    /**
     * {@code |d|^α}: for an even α up to 8 as products of {@code d²} (cheaper than a power, forward and backward),
     * otherwise {@code pow(|d|, α)}.
     */
    static NDArray powerOfDistance(NDArray d, double alpha) {
        if (alpha % 2 == 0 && alpha <= 8) {
            NDArray square = d.square();
            NDArray out = square;
            for (int k = 2; k <= alpha / 2; k++) {
                out = out.mul(square);
            }
            return out;
        }
        return d.abs().pow((float) alpha);
    }

    /**
     * The differences of {@link #totalVariation} as one grouped convolution: for each channel {@code c}, filter
     * {@code 2c} gives {@code x[i, j+1] − x[i, j]} and filter {@code 2c+1} gives {@code x[i+1, j] − x[i, j]}, at every
     * pixel that has a right and a lower neighbour. Shape {@code (2C, 1, 2, 2)}, in {@code manager} at {@code type}.
     */
    static NDArray differenceKernel(NDManager manager, int channels, DataType type) {
        float[] k = new float[channels * 2 * 4];
        for (int c = 0; c < channels; c++) {
            int dx = (2 * c) * 4;
            k[dx] = -1; // (0, 0)
            k[dx + 1] = 1; // (0, 1)
            int dy = (2 * c + 1) * 4;
            k[dy] = -1; // (0, 0)
            k[dy + 2] = 1; // (1, 0)
        }
        return HeapArrays.create(manager, k, new Shape(2L * channels, 1, 2, 2)).toType(type, false);
    }

    /**
     * {@code R_TV^β}: the mean over the pixels that have a right and a lower neighbour, and over channels, of
     * {@code ((Δ_x)² + (Δ_y)²)^(β/2) / V^β}. For β below 2 a tiny constant under the power keeps the gradient
     * finite on flat images.
     */
    static NDArray totalVariation(NDArray pixels, double beta) {
        return totalVariation(pixels, beta, differenceKernel(pixels.getManager(), (int) pixels.getShape().get(1),
                pixels.getDataType()));
    }

    private static NDArray totalVariation(NDArray pixels, double beta, NDArray kernel) {
        long[] s = pixels.getShape().getShape();
        NDArray differences = Conv2d.conv2d(pixels, kernel, null, new Shape(1, 1), new Shape(0, 0), new Shape(1, 1),
                (int) s[1]).singletonOrThrow();
        double count = s[0] * s[1] * (s[2] - 1) * (s[3] - 1);
        if (beta == 2) {
            return differences.square().sum().mul((float) (1 / (count * VARIATION * VARIATION)));
        }
        NDArray squared = differences.square().reshape(s[0], s[1], 2, s[2] - 1, s[3] - 1).sum(new int[] {2});
        return squared.add(1e-8f * (float) (VARIATION * VARIATION)).pow((float) (beta / 2)).sum()
                .mul((float) (1 / (count * Math.pow(VARIATION, beta))));
    }

    private void checkFinite(float[] gradient, double penalty, int step) {
        boolean finite = Double.isFinite(penalty);
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
