package io.github.explain4j.djl.perturbation;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import io.github.explain4j.api.InputSpec;
import io.github.explain4j.djl.ExplainableModel;
import io.github.explain4j.djl.core.AttributionMethod;
import io.github.explain4j.djl.core.ResolvedTarget;
import io.github.explain4j.djl.internal.HeapArrays;

/**
 * The template of perturbation methods: they alter copies of an input in <b>pixel space</b> (values in [0, 1]
 * before the model's normalisation), score every copy with forward passes in batches of {@link #batchSize()},
 * and turn the scores into a map. This class owns the conversions and the batched scoring.
 */
public abstract class PerturbationMethod extends AttributionMethod {

    /** How many perturbed copies go through the model in one pass. */
    protected abstract int batchSize();

    /** The pixel-space {@code C×H×W} values of each input of a normalised batch. */
    protected static float[][] pixels(InputSpec spec, NDArray input) {
        float[][] rows = rows(input);
        int plane = spec.height() * spec.width();
        for (float[] r : rows) {
            for (int c = 0; c < spec.channels(); c++) {
                for (int j = 0; j < plane; j++) {
                    r[c * plane + j] = spec.denormalize(c, r[c * plane + j]);
                }
            }
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
        int per = spec.channels() * spec.height() * spec.width();
        int plane = spec.height() * spec.width();
        float[] out = new float[count];
        float[] buffer = new float[per];
        for (int start = 0; start < count; start += batchSize()) {
            int b = Math.min(batchSize(), count - start);
            float[] batch = new float[b * per];
            for (int m = 0; m < b; m++) {
                copies.write(start + m, buffer);
                for (int c = 0; c < spec.channels(); c++) {
                    for (int j = 0; j < plane; j++) {
                        batch[m * per + c * plane + j] = spec.normalize(c, buffer[c * plane + j]);
                    }
                }
            }
            try (NDManager chunk = scope.newSubManager()) {
                NDArray in = HeapArrays.create(chunk, batch, model.inputShape(b))
                        .toType(model.seam().dataType(), false);
                NDArray y = one.repeatEach(b).scoreFunction().scores(model.seam().forward(chunk, in));
                System.arraycopy(y.toType(DataType.FLOAT32, false).toFloatArray(), 0, out, start, b);
            }
            model.progress().progress(name(), start + b, count);
        }
        return out;
    }

    /** Writes perturbed copies of an input. */
    @FunctionalInterface
    protected interface Copies {
        /** Writes copy {@code index} into {@code chw}. */
        void write(int index, float[] chw);
    }

}
