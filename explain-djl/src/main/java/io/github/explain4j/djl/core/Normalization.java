package io.github.explain4j.djl.core;

import io.github.explain4j.api.InputSpec;

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
