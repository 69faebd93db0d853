package io.github.explain4j.djl.perturbation;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import io.github.explain4j.api.Baseline;
import io.github.explain4j.api.InputSpec;
import io.github.explain4j.djl.ExplainableModel;
import io.github.explain4j.djl.core.AttributionMethod;
import io.github.explain4j.djl.core.Baselines;
import io.github.explain4j.djl.core.Batches;
import io.github.explain4j.djl.core.Normalization;
import io.github.explain4j.djl.core.ResolvedTarget;
import io.github.explain4j.djl.core.Tally;

/**
 * The template of perturbation methods: they alter copies of an input in <b>pixel space</b> (values in [0, 1]
 * before the model's normalisation), score every copy with forward passes in batches of {@link #batchSize()},
 * and turn the scores into a map. This class owns the conversions and the batched scoring. What the altered
 * pixels become — the fill — is a {@link Baseline}, realised for each input by {@link Baselines#pixels}.
 */
public abstract class PerturbationMethod extends AttributionMethod {

    /** How many perturbed copies go through the model in one pass. */
    protected abstract int batchSize();

    /** The pixel-space {@code C×H×W} values of each input of a normalised batch. */
    protected static float[][] pixels(InputSpec spec, NDArray input) {
        float[][] rows = rows(input);
        for (int i = 0; i < rows.length; i++) {
            rows[i] = Normalization.toPixels(spec, rows[i]);
        }
        return rows;
    }

    /**
     * The target scores of {@code count} pixel-space copies produced by {@code copies}, batched.
     *
     * @param copies writes copy {@code i} into the given buffer (one {@code C×H×W} image)
     */
    protected float[] scores(ExplainableModel model, NDManager scope, ResolvedTarget one, int count, Copies copies) {
        InputSpec spec = model.spec();
        float[] out = new float[count];
        float[] buffer = new float[spec.channels() * spec.height() * spec.width()];
        Batches.inChunks(scope, model.inputShape(1).slice(1), model.seam().dataType(), count, batchSize(),
                Tally.of(model, name(), count), (k, batch, offset) -> {
                    copies.write(k, buffer);
                    Normalization.toModel(spec, buffer, batch, offset);
                }, (chunk, in, first, b) -> {
                    NDArray y = one.repeatEach(b).scoreFunction().scores(model.seam().forward(chunk, in));
                    System.arraycopy(y.toType(DataType.FLOAT32, false).toFloatArray(), 0, out, first, b);
                });
        return out;
    }

    /**
     * The provenance text of a fill: a constant's value ({@code "0.5"}), as the perturbation methods have always
     * reported it, else the baseline's {@link Baseline#describe() description}.
     */
    protected static String describeFill(Baseline fill) {
        return fill instanceof Baseline.Constant k ? String.valueOf(k.value()) : fill.describe();
    }

    /**
     * Checks the pixel value of a constant fill, naming it the way the {@code fill(float)} shorthands always have.
     *
     * @return {@link Baseline#constant(float)} of the value
     */
    protected static Baseline constantFill(float pixel) {
        if (!(pixel >= 0f && pixel <= 1f)) {
            throw new IllegalArgumentException("fill was " + pixel + "; expected a pixel value in [0, 1]");
        }
        return Baseline.constant(pixel);
    }

    /** Writes perturbed copies of an input. */
    @FunctionalInterface
    protected interface Copies {
        /** Writes copy {@code index} into {@code chw}. */
        void write(int index, float[] chw);
    }

}
