package io.github.explain4j.djl.core;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.github.explain4j.api.InputSpec;
import io.github.explain4j.djl.internal.HeapArrays;

/**
 * Between pixel space (values in [0, 1], what images, baselines and fills are written in) and the model's
 * normalised input space ({@code (pixel − mean) / std} per channel, {@link InputSpec#normalize}), for one
 * channel-first {@code C×H×W} image on the heap.
 */
public final class Normalization {

    private Normalization() {}

    /** The normalised values of a pixel-space image. */
    public static float[] toModel(InputSpec spec, float[] pixels) {
        float[] out = new float[pixels.length];
        toModel(spec, pixels, out, 0);
        return out;
    }

    /** Writes the normalised values of a pixel-space image into {@code out} from {@code offset} on. */
    public static void toModel(InputSpec spec, float[] pixels, float[] out, int offset) {
        int plane = pixels.length / spec.channels();
        for (int c = 0; c < spec.channels(); c++) {
            for (int j = c * plane; j < (c + 1) * plane; j++) {
                out[offset + j] = spec.normalize(c, pixels[j]);
            }
        }
    }

    /**
     * Normalises a batch of pixel-space images {@code (N, C, H, W)} in place, in single precision as the engine
     * normalises a float32 batch ({@link #columns}): {@code (x − mean) / std} with both as floats, a loop the JIT
     * vectorises.
     */
    public static void toModelInPlace(InputSpec spec, float[] batch) {
        toModelInto(spec, batch, batch);
    }

    /**
     * {@link #toModelInPlace} from {@code batch} into {@code out} (the same length; may be {@code batch} itself), in
     * one pass.
     */
    public static void toModelInto(InputSpec spec, float[] batch, float[] out) {
        if (out.length != batch.length) {
            throw new IllegalArgumentException("the output has " + out.length + " values for a batch of "
                    + batch.length + "; give it the batch's length");
        }
        int c = spec.channels();
        int plane = checkBatch(spec, batch.length);
        for (int i = 0; i < batch.length; i += plane) {
            int ch = i / plane % c;
            float mean = (float) spec.mean()[ch];
            float std = (float) spec.std()[ch];
            for (int j = i; j < i + plane; j++) {
                out[j] = (batch[j] - mean) / std;
            }
        }
    }

    /**
     * Turns a gradient with respect to the normalised input {@code (N, C, H, W)} into the gradient with respect to
     * the pixels it was normalised from, in place: each channel's values divided by its standard deviation.
     */
    public static void gradientToPixelsInPlace(InputSpec spec, float[] gradient) {
        gradientToPixelsInPlace(spec, gradient, 1);
    }

    /**
     * {@link #gradientToPixelsInPlace(InputSpec, float[])} of {@code scale} times the gradient (the scale a loss left
     * out of its traced part), in the same pass.
     */
    public static void gradientToPixelsInPlace(InputSpec spec, float[] gradient, float scale) {
        int c = spec.channels();
        int plane = checkBatch(spec, gradient.length);
        for (int i = 0; i < gradient.length; i += plane) {
            float factor = scale / (float) spec.std()[i / plane % c];
            for (int j = i; j < i + plane; j++) {
                gradient[j] *= factor;
            }
        }
    }

    /** The plane size of the spec's images, after checking that {@code length} values are whole images. */
    private static int checkBatch(InputSpec spec, int length) {
        int plane = spec.height() * spec.width();
        if (length % (spec.channels() * plane) != 0) {
            throw new IllegalArgumentException("a batch of " + length + " values is no whole number of "
                    + spec.channels() + "×" + spec.height() + "×" + spec.width() + " images");
        }
        return plane;
    }

    /**
     * The spec's per-channel mean and standard deviation as {@code (1, C, 1, 1)} arrays of {@code type} in
     * {@code scope}, to normalise batches on the engine.
     */
    public static Columns columns(NDManager scope, InputSpec spec, DataType type) {
        Shape column = new Shape(1, spec.channels(), 1, 1);
        return new Columns(HeapArrays.create(scope, spec.mean(), column).toType(type, false),
                HeapArrays.create(scope, spec.std(), column).toType(type, false));
    }

    /**
     * A spec's normalisation on the engine.
     *
     * @param mean the per-channel mean, {@code (1, C, 1, 1)}
     * @param std the per-channel standard deviation, {@code (1, C, 1, 1)}
     */
    public record Columns(NDArray mean, NDArray std) {
        /**
         * {@code (pixels − mean) / std} for a batch {@code (N, C, H, W)}; the pixels are the first operand, so the
         * result takes their scope (not the long-lived one the columns may be held in).
         */
        public NDArray normalize(NDArray pixels) {
            return pixels.sub(mean).div(std);
        }
    }

    /** The pixel-space values of a normalised image. */
    public static float[] toPixels(InputSpec spec, float[] values) {
        int plane = values.length / spec.channels();
        float[] out = new float[values.length];
        for (int c = 0; c < spec.channels(); c++) {
            for (int j = c * plane; j < (c + 1) * plane; j++) {
                out[j] = spec.denormalize(c, values[j]);
            }
        }
        return out;
    }
}
