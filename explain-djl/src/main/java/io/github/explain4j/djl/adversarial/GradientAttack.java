package io.github.explain4j.djl.adversarial;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import io.github.explain4j.adversarial.AdversarialExamples;
import io.github.explain4j.adversarial.Norm;
import io.github.explain4j.api.InputSpec;
import io.github.explain4j.api.Provenance;
import io.github.explain4j.djl.ExplainableModel;
import io.github.explain4j.djl.core.Normalization;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * What the gradient attacks ({@link Fgsm}, {@link Bim}, {@link Pgd}) share: a budget ε in a {@link Norm}, in pixel
 * units of the unnormalised image; steps along the gradient of the cross-entropy taken with respect to the pixel
 * image through the model's normalisation; after each step a projection onto the ε-ball around the clean image
 * and onto the pixel range [0, 1]. Images go through the model {@code batchSize} at a time, each batch in a
 * scope of its own; progress (steps of all batches) goes to the model's listener and interrupting the calling
 * thread cancels at the next step ({@link java.util.concurrent.CancellationException}).
 *
 * <p>An untargeted attack ascends the cross-entropy of each image's label; a targeted one descends the
 * cross-entropy of its target. The results are heap values ({@link AdversarialExamples}).
 */
public abstract sealed class GradientAttack permits Fgsm, Bim, Pgd {

    GradientAttack() {}

    /** The method's name as papers write it, e.g. {@code "PGD"}. */
    public abstract String name();

    /** The norm of the budget. */
    public abstract Norm norm();

    /** The budget, in pixel units. */
    public abstract double epsilon();

    /** The same attack with another budget (the other settings kept; derived defaults follow the budget). */
    public abstract GradientAttack epsilon(double epsilon);

    /** The settings as provenance text, in a stable order. */
    public abstract Map<String, String> parameters();

    /** The loop this attack runs. */
    abstract Plan plan();

    /**
     * Untargeted attack on each image: a nearby image (within ε) that the model does not classify as its label.
     *
     * @param images pixel images, each {@code C × H × W} channel-first with values in [0, 1], as the model's spec
     * @param labels each image's true class
     * @throws IllegalArgumentException for images of the wrong size or outside [0, 1], labels out of range, or a
     *     count mismatch
     */
    public AdversarialExamples attack(ExplainableModel model, List<float[]> images, int[] labels) {
        return run(model, images, labels, null);
    }

    /**
     * Targeted attack on each image: a nearby image (within ε) that the model classifies as {@code targets[i]}.
     *
     * @throws IllegalArgumentException in addition, when a target is out of range or equals its image's label
     */
    public AdversarialExamples attack(ExplainableModel model, List<float[]> images, int[] labels, int[] targets) {
        Objects.requireNonNull(targets, "targets was null; pass one target class per image, or call attack(model,"
                + " images, labels) for an untargeted attack");
        return run(model, images, labels, targets);
    }

    private AdversarialExamples run(ExplainableModel model, List<float[]> images, int[] labels, int[] targets) {
        Objects.requireNonNull(model, "model");
        InputSpec spec = model.spec();
        int classes = model.numClasses();
        checkImages(images, spec);
        checkClasses(labels, images.size(), classes, "label", "labels");
        if (targets != null) {
            checkClasses(targets, images.size(), classes, "target", "targets");
            for (int i = 0; i < targets.length; i++) {
                if (targets[i] == labels[i]) {
                    throw new IllegalArgumentException("target of image " + i + " was " + targets[i] + ", its own"
                            + " label; a targeted attack needs another class (or call attack(model, images, labels)"
                            + " for an untargeted one)");
                }
            }
        }
        Plan plan = plan();
        int n = images.size();
        int per = images.get(0).length;
        int batch = plan.batchSize();
        int chunks = (n + batch - 1) / batch;
        long total = (long) chunks * plan.steps();
        List<float[]> adversarial = new ArrayList<>(n);
        int[] predictions = new int[n];
        float[] confidences = new float[n];
        model.call(scope -> {
            for (int c = 0; c < chunks; c++) {
                int first = c * batch;
                int count = Math.min(batch, n - first);
                long done = (long) c * plan.steps();
                try (NDManager chunk = scope.newSubManager()) {
                    int[] wanted = java.util.Arrays.copyOfRange(targets != null ? targets : labels, first,
                            first + count);
                    NDArray x = ProjectedSteps.run(model, chunk, heap(images, first, count), wanted,
                            targets != null, plan, range(first, count), name(),
                            step -> model.progress().progress(name(), done + step, total), new ProjectedSteps.Work());
                    NDArray p = probabilities(model, chunk, x);
                    int[] best = p.argMax(1).toType(DataType.INT32, false).toIntArray();
                    float[] probs = p.toType(DataType.FLOAT32, false).toFloatArray();
                    float[] values = x.toType(DataType.FLOAT32, false).toFloatArray();
                    for (int i = 0; i < count; i++) {
                        predictions[first + i] = best[i];
                        confidences[first + i] = probs[i * classes + best[i]];
                        float[] row = new float[per];
                        System.arraycopy(values, i * per, row, 0, per);
                        adversarial.add(row);
                    }
                }
            }
            return null;
        });
        int[] t = new int[n];
        java.util.Arrays.fill(t, -1);
        if (targets != null) {
            System.arraycopy(targets, 0, t, 0, n);
        }
        return new AdversarialExamples(adversarial, images, spec.channels(), spec.height(), spec.width(), labels, t,
                predictions, confidences, norm(), epsilon(), provenance(model, targets));
    }

    private Provenance provenance(ExplainableModel model, int[] targets) {
        int same = -1;
        if (targets != null && java.util.Arrays.stream(targets).distinct().count() == 1) {
            same = targets[0];
        }
        String target = targets == null ? "untargeted (each image's label)"
                : same >= 0 ? "class " + same : "targeted (a class per image)";
        Plan plan = plan();
        return new Provenance(name(), parameters(), plan.randomStart() ? OptionalLong.of(plan.seed())
                : OptionalLong.empty(), model.engine(), model.name(), target, same);
    }

    /** The model's softmax for a pixel batch {@code x}, in {@code scope}, without gradient history. */
    static NDArray probabilities(ExplainableModel model, NDManager scope, NDArray x) {
        InputSpec spec = model.spec();
        NDArray input = Normalization.columns(scope, spec, x.getDataType()).normalize(x);
        return model.seam().forward(scope, input).softmax(1);
    }

    /** {@code first, first + 1, …, first + count − 1}. */
    static int[] range(int first, int count) {
        int[] out = new int[count];
        for (int i = 0; i < count; i++) {
            out[i] = first + i;
        }
        return out;
    }

    /** Images {@code first … first + count − 1} one after the other. */
    static float[] heap(List<float[]> images, int first, int count) {
        int per = images.get(first).length;
        float[] values = new float[count * per];
        for (int i = 0; i < count; i++) {
            System.arraycopy(images.get(first + i), 0, values, i * per, per);
        }
        return values;
    }

    /** One-hot rows of {@code classes[first … first + count − 1]}. */
    static float[] oneHot(int[] classes, int first, int count, int k) {
        float[] out = new float[count * k];
        for (int i = 0; i < count; i++) {
            out[i * k + classes[first + i]] = 1;
        }
        return out;
    }

    /**
     * Checks pixel images against a spec: at least one, each of {@code C·H·W} values, all finite in [0, 1].
     *
     * @throws IllegalArgumentException naming the image, the value and the fix
     */
    static void checkImages(List<float[]> images, InputSpec spec) {
        if (images == null || images.isEmpty()) {
            throw new IllegalArgumentException("images were " + (images == null ? "null" : "empty") + "; pass at"
                    + " least one pixel image (C×H×W values in [0, 1])");
        }
        int per = spec.channels() * spec.height() * spec.width();
        for (int i = 0; i < images.size(); i++) {
            float[] image = images.get(i);
            if (image == null || image.length != per) {
                throw new IllegalArgumentException("image " + i + " has " + (image == null ? "no" : image.length)
                        + " values; expected " + spec.channels() + "×" + spec.height() + "×" + spec.width() + " = "
                        + per + " (channel-first, as the model's spec)");
            }
            for (int j = 0; j < per; j++) {
                if (!(image[j] >= 0 && image[j] <= 1)) {
                    throw new IllegalArgumentException("image " + i + " holds " + image[j] + " at index " + j
                            + "; expected unnormalised pixel values in [0, 1] (divide bytes by 255; the model's"
                            + " normalisation is applied by the attack)");
                }
            }
        }
    }

    /** Checks one class per image, each in {@code [0, classes)}. */
    static void checkClasses(int[] values, int images, int classes, String what, String plural) {
        Objects.requireNonNull(values, plural + " was null; pass one class index per image");
        if (values.length != images) {
            throw new IllegalArgumentException(values.length + " " + plural + " for " + images + " images; pass one"
                    + " per image");
        }
        for (int i = 0; i < values.length; i++) {
            if (values[i] < 0 || values[i] >= classes) {
                throw new IllegalArgumentException(what + " of image " + i + " was " + values[i] + "; expected a"
                        + " class of the model's output, 0 to " + (classes - 1));
            }
        }
    }

    @Override
    public String toString() {
        return name() + " " + norm().symbol() + " " + parameters();
    }
}
