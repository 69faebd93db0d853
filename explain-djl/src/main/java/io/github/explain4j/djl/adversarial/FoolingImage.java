package io.github.explain4j.djl.adversarial;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.github.explain4j.adversarial.AdversarialExamples;
import io.github.explain4j.adversarial.Norm;
import io.github.explain4j.api.InputSpec;
import io.github.explain4j.api.Provenance;
import io.github.explain4j.djl.ExplainableModel;
import io.github.explain4j.djl.core.MethodSettings;
import io.github.explain4j.djl.core.Normalization;
import io.github.explain4j.djl.internal.HeapArrays;
import io.github.explain4j.djl.seam.Trace;
import io.github.explain4j.djl.seam.TraceRequest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.SplittableRandom;
import java.util.concurrent.CancellationException;

/**
 * Fooling images: images of noise that the model classifies as a chosen class with high confidence (Nguyen,
 * Yosinski &amp; Clune, "Deep Neural Networks are Easily Fooled: High Confidence Predictions for Unrecognizable
 * Images", CVPR 2015, whose gradient-ascent variant this is), grown by normalised-gradient ascent as in Stanford's
 * CS231n assignment: {@code x ← clip₀¹(x + λ·g / ‖g‖₂)}, with {@code g} the gradient of the target's log-probability
 * with respect to the pixel image (through the model's normalisation). Each image starts from uniform noise in
 * [0, 1] and stops at the first iterate whose target probability reaches the confidence.
 *
 * <pre>{@code
 * AdversarialExamples fooling = FoolingImage.toClasses(0, 1, 2).confidence(0.99).steps(200).seed(1)
 *         .generate(model);
 * fooling.fooled(0);   // the model gives class 0
 * }</pre>
 *
 * <p>λ, the step's L2 length in pixel units, is by default {@code 0.05·√(C·H·W)}: a root-mean-square change of
 * 0.05 per value whatever the image size. The result's labels are −1 (noise has none); its norm is L2 with an
 * unbounded budget. Progress goes to the model's listener; interrupting the thread cancels at the next step.
 */
public final class FoolingImage {

    private record Settings(int[] targets, double confidence, int steps, double learningRate, long seed)
            implements MethodSettings {
        Settings {
            if (targets == null || targets.length == 0) {
                throw new IllegalArgumentException("no target classes were given; pass one class per image to grow");
            }
            targets = targets.clone();
            if (!(confidence > 0 && confidence < 1)) {
                throw new IllegalArgumentException("confidence was " + confidence + "; expected a probability in"
                        + " (0, 1), e.g. 0.99");
            }
            Plan.checkSteps(steps);
            if (!Double.isNaN(learningRate)) {
                Plan.checkStepSize(learningRate);
            }
        }

        @Override
        public String describe(String component, Object value) {
            if (value instanceof int[] t) {
                return Arrays.toString(t);
            }
            if (component.equals("learningRate") && Double.isNaN(learningRate)) {
                return "0.05·√(C·H·W)";
            }
            return MethodSettings.super.describe(component, value);
        }
    }

    private final Settings settings;

    private FoolingImage(Settings settings) {
        this.settings = settings;
    }

    /** One fooling image per target class, in order: confidence 0.99, at most 200 steps, seed 0. */
    public static FoolingImage toClasses(int... targets) {
        return new FoolingImage(new Settings(targets, 0.99, 200, Double.NaN, 0));
    }

    /** The target probability at which an image stops. */
    public FoolingImage confidence(double p) {
        Settings s = settings;
        return new FoolingImage(new Settings(s.targets(), p, s.steps(), s.learningRate(), s.seed()));
    }

    /** The most steps an image takes. */
    public FoolingImage steps(int steps) {
        Settings s = settings;
        return new FoolingImage(new Settings(s.targets(), s.confidence(), steps, s.learningRate(), s.seed()));
    }

    /** The L2 length of each step, in pixel units. */
    public FoolingImage learningRate(double lambda) {
        Plan.checkStepSize(lambda);
        Settings s = settings;
        return new FoolingImage(new Settings(s.targets(), s.confidence(), s.steps(), lambda, s.seed()));
    }

    /** The seed of the noise the images start from. */
    public FoolingImage seed(long seed) {
        Settings s = settings;
        return new FoolingImage(new Settings(s.targets(), s.confidence(), s.steps(), s.learningRate(), seed));
    }

    /** The method's name. */
    public String name() {
        return "Fooling Image";
    }

    /** The settings as provenance text, in a stable order. */
    public Map<String, String> parameters() {
        return settings.parameters();
    }

    /**
     * Grows the images.
     *
     * @throws IllegalArgumentException when a target is not a class of the model
     */
    public AdversarialExamples generate(ExplainableModel model) {
        java.util.Objects.requireNonNull(model, "model");
        int k = model.numClasses();
        int[] targets = settings.targets();
        GradientAttack.checkClasses(targets, targets.length, k, "target", "targets");
        InputSpec spec = model.spec();
        int n = targets.length;
        int per = spec.channels() * spec.height() * spec.width();
        double lambda = Double.isNaN(settings.learningRate()) ? 0.05 * Math.sqrt(per) : settings.learningRate();
        float[] noise = new float[n * per];
        for (int i = 0; i < n; i++) {
            SplittableRandom random = new SplittableRandom(settings.seed() * 0x9E3779B97F4A7C15L + i);
            for (int j = 0; j < per; j++) {
                noise[i * per + j] = (float) random.nextDouble();
            }
        }
        float[] hot = GradientAttack.oneHot(targets, 0, n, k);
        List<float[]> images = new ArrayList<>(n);
        int[] predictions = new int[n];
        float[] confidences = new float[n];
        model.call(scope -> {
            DataType type = model.seam().dataType();
            Normalization.Columns normalization = Normalization.columns(scope, spec, type);
            NDArray oneHot = HeapArrays.create(scope, hot, new Shape(n, k)).toType(type, false);
            NDArray x = ProjectedSteps.batch(scope, model, noise, n);
            for (int step = 1; step <= settings.steps(); step++) {
                if (Thread.currentThread().isInterrupted()) {
                    throw new CancellationException(name() + " was cancelled at step " + step + " of "
                            + settings.steps());
                }
                NDArray next;
                try (NDManager pass = scope.newSubManager()) {
                    Trace t = model.seam().trace(pass, TraceRequest.fromParameters(List.of(x),
                            q -> normalization.normalize(q.head())).objective(v -> v.output().logSoftmax(1).mul(oneHot)));
                    // the images whose iterate already reaches the confidence stay as they are
                    float[] p = t.output().softmax(1).mul(oneHot).sum(new int[] {1})
                            .toType(DataType.FLOAT32, false).toFloatArray();
                    float[] go = new float[n];
                    boolean any = false;
                    for (int i = 0; i < n; i++) {
                        go[i] = p[i] < settings.confidence() ? 1 : 0;
                        any |= go[i] > 0;
                    }
                    if (!any) {
                        break;
                    }
                    NDArray g = t.parameterGradients().get(0).reshape(n, per);
                    NDArray length = g.square().sum(new int[] {1}, true).sqrt().add(1e-12);
                    NDArray active = HeapArrays.create(pass, go, new Shape(n, 1)).toType(type, false);
                    next = g.div(length).mul(active).mul(lambda).reshape(x.getShape()).add(x).clip(0, 1);
                    next.attach(scope);
                }
                x.close();
                x = next;
                model.progress().progress(name(), step, settings.steps());
            }
            NDArray probs = GradientAttack.probabilities(model, scope, x);
            int[] best = probs.argMax(1).toType(DataType.INT32, false).toIntArray();
            float[] all = probs.toType(DataType.FLOAT32, false).toFloatArray();
            float[] values = x.toType(DataType.FLOAT32, false).toFloatArray();
            for (int i = 0; i < n; i++) {
                predictions[i] = best[i];
                confidences[i] = all[i * k + best[i]];
                images.add(Arrays.copyOfRange(values, i * per, (i + 1) * per));
            }
            return null;
        });
        List<float[]> starts = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            starts.add(Arrays.copyOfRange(noise, i * per, (i + 1) * per));
        }
        int[] none = new int[n];
        Arrays.fill(none, -1);
        int same = Arrays.stream(targets).distinct().count() == 1 ? targets[0] : -1;
        Provenance provenance = new Provenance(name(), parameters(), OptionalLong.of(settings.seed()), model.engine(),
                model.name(), same >= 0 ? "class " + same : "classes " + Arrays.toString(targets), same);
        return new AdversarialExamples(images, starts, spec.channels(), spec.height(), spec.width(), none, targets,
                predictions, confidences, Norm.L2, Double.POSITIVE_INFINITY, provenance);
    }

    @Override
    public String toString() {
        return name() + " " + parameters();
    }
}
