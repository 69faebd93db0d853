package io.github.explain4j.djl.core;

import ai.djl.modality.cv.Image;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import io.github.explain4j.api.Attribution;
import io.github.explain4j.api.Attributor;
import io.github.explain4j.api.Images;
import io.github.explain4j.api.Provenance;
import io.github.explain4j.api.Target;
import io.github.explain4j.djl.ExplainableModel;
import io.github.explain4j.djl.seam.GradientResult;
import io.github.explain4j.djl.seam.ScoreFunction;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * The template every attribution method of the DJL binding extends. It owns the generic work — opening and
 * releasing the call's native scope, turning images into normalised inputs, checking inputs and targets, holding
 * the engine's gradient lock, and turning heap maps into {@link Attribution}s with provenance — so that a method
 * is one method, {@link #attribute}.
 *
 * <p>Methods are immutable settings values; each call leaves no native array behind.
 */
public abstract class AttributionMethod implements Attributor<ExplainableModel, BufferedImage> {

    private static final String NO_MODEL = "model was null; wrap a DJL model with ExplainableModel.of(model, spec)";

    /**
     * The method itself: maps for a batch of model inputs {@code (N, C, H, W)}, all native work in {@code scope}.
     * Composable: wrappers such as {@code SmoothGrad} call it with their own inputs and targets.
     *
     * @param model the model
     * @param scope the scope every array of the call belongs to
     * @param input normalised model inputs
     * @param target the checked target, possibly a lazy top prediction
     */
    public abstract MethodOutput attribute(ExplainableModel model, NDManager scope, NDArray input,
            ResolvedTarget target);

    /** The method's settings for provenance, in a stable order. */
    public abstract Map<String, String> parameters();

    /** Whether the displayed map is signed (positive and negative evidence). */
    public abstract boolean signed();

    /** How the channels of a map are folded for display. */
    public abstract Attribution.Reduction display();

    /** The random seed, for methods that draw random numbers. */
    public OptionalLong seed() {
        return OptionalLong.empty();
    }

    @Override
    public List<Attribution> explain(ExplainableModel model, List<BufferedImage> images, Target target) {
        Objects.requireNonNull(model, NO_MODEL);
        return model.call(scope -> run(model, scope, model.toInput(scope, images), target));
    }

    /** Explains an image file. */
    public Attribution explain(ExplainableModel model, Path image, Target target) {
        return explain(model, Images.read(image), target);
    }

    /** Explains a DJL image. */
    public Attribution explain(ExplainableModel model, Image image, Target target) {
        Objects.requireNonNull(model, NO_MODEL);
        Objects.requireNonNull(image, "image was null; pass a DJL image (ImageFactory.getInstance().fromFile(path))");
        return model.call(scope -> run(model, scope, model.toInputFromDjl(scope, List.of(image)), target).get(0));
    }

    /**
     * Explains a batch of already-normalised model inputs {@code (N, C, H, W)}. The array stays the caller's: it
     * is copied, checked and never modified, so one input may be explained from several threads.
     */
    public List<Attribution> explainTensor(ExplainableModel model, NDArray input, Target target) {
        Objects.requireNonNull(model, NO_MODEL);
        return model.call(scope -> run(model, scope, model.copyInput(scope, input), target));
    }

    private List<Attribution> run(ExplainableModel model, NDManager scope, NDArray input, Target target) {
        ResolvedTarget resolved = ResolvedTarget.of(model, target, (int) input.getShape().get(0));
        MethodOutput out = attribute(model, scope, input, resolved);
        List<Attribution> result = new ArrayList<>(out.maps().length);
        for (int n = 0; n < out.maps().length; n++) {
            Provenance p = new Provenance(name(), parameters(), seed(), model.engine(), model.name(),
                    describeTarget(resolved, out.classes()[n], model), out.classes()[n]);
            result.add(new Attribution(out.maps()[n], out.channels(), out.height(), out.width(), signed(), display(),
                    p, out.diagnostics().get(n)));
        }
        return result;
    }

    private static String describeTarget(ResolvedTarget target, int cls, ExplainableModel model) {
        if (cls < 0) {
            return target.describe();
        }
        List<String> labels = model.spec().labels();
        String label = cls < labels.size() ? " '" + labels.get(cls) + "'" : "";
        return target.isCustom() ? target.describe() : target.describe() + " → class " + cls + label;
    }

    /** One forward and backward pass (the seam takes the engine's gradient lock). */
    protected static GradientResult gradients(ExplainableModel model, NDManager scope, NDArray input, String layer,
            ScoreFunction score) {
        return model.seam().gradients(scope, input, layer, score);
    }

    /** The classes a pass explained: the target's, or those read off the pass's output for a lazy target. */
    protected static int[] classesOf(ResolvedTarget target, NDArray output) {
        return target.isLazy() ? ResolvedTarget.argMax(output)
                : target.classesOrNone((int) output.getShape().get(0));
    }

    /** Splits an {@code (N, …)} array into one heap array per row. */
    protected static float[][] rows(NDArray batch) {
        int n = (int) batch.getShape().get(0);
        float[] all = batch.toType(DataType.FLOAT32, false).toFloatArray();
        int per = all.length / n;
        float[][] out = new float[n][];
        for (int i = 0; i < n; i++) {
            out[i] = java.util.Arrays.copyOfRange(all, i * per, (i + 1) * per);
        }
        return out;
    }

    /** Checks a positive integer setting. */
    protected static int positive(String what, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException(what + " was " + value + "; expected a positive number");
        }
        return value;
    }

    @Override
    public String toString() {
        return name() + parameters();
    }
}
