package io.github.explain4j.djl.core;

import io.github.explain4j.api.Baseline;
import io.github.explain4j.api.InputSpec;
import io.github.explain4j.djl.internal.Blur;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Realises a {@link Baseline} for one input: the reference image of Integrated Gradients and the fill of the
 * perturbation methods (what an occluded patch, a masked-out region or a switched-off superpixel becomes).
 *
 * <ul>
 *   <li>{@link Baseline.Constant}: every value the constant;
 *   <li>{@link Baseline.UniformNoise}: uniform values in [0, 1) from {@code SplittableRandom(seed + 1 000 003 ·
 *       index)}, a different image for each input of a batch, the same on every call;
 *   <li>{@link Baseline.Custom}: the image itself, which must have the model's input shape;
 *   <li>{@link Baseline.Blurred}: the input, Gaussian-blurred channel by channel (edges clamped).
 * </ul>
 */
public final class Baselines {

    private Baselines() {}

    /**
     * The pixel-space {@code C×H×W} image of {@code baseline} for an input given in pixel space.
     *
     * @param input the input, pixel space, channel-first
     * @param index the input's place in its batch (seeds the noise baseline)
     * @throws IllegalArgumentException if a custom baseline's shape is not the model's input shape
     */
    public static float[] pixels(Baseline baseline, InputSpec spec, float[] input, int index) {
        int c = spec.channels();
        int h = spec.height();
        int w = spec.width();
        if (baseline instanceof Baseline.Constant k) {
            float[] pixels = new float[input.length];
            Arrays.fill(pixels, k.value());
            return pixels;
        } else if (baseline instanceof Baseline.UniformNoise u) {
            SplittableRandom r = new SplittableRandom(u.seed() + 1_000_003L * index);
            float[] pixels = new float[input.length];
            for (int j = 0; j < pixels.length; j++) {
                pixels[j] = (float) r.nextDouble();
            }
            return pixels;
        } else if (baseline instanceof Baseline.Custom cu) {
            if (cu.channels() != c || cu.height() != h || cu.width() != w) {
                throw new IllegalArgumentException("custom baseline is " + cu.channels() + "x" + cu.height() + "x"
                        + cu.width() + "; expected the model's input shape " + c + "x" + h + "x" + w);
            }
            return cu.chw();
        } else if (baseline instanceof Baseline.Blurred bl) {
            return Blur.gaussian(input, c, h, w, bl.sigma());
        }
        throw new IllegalArgumentException("unsupported baseline " + baseline);
    }

    /**
     * The same image in the model's normalised space, for an input given normalised (the other end of Integrated
     * Gradients' path): the input is taken to pixel space, the baseline realised there and normalised.
     */
    public static float[] normalized(Baseline baseline, InputSpec spec, float[] input, int index) {
        return Normalization.toModel(spec, pixels(baseline, spec, Normalization.toPixels(spec, input), index));
    }

    /** Whether {@code baseline} is black (every pixel 0). */
    public static boolean isBlack(Baseline baseline) {
        return baseline instanceof Baseline.Constant k && k.value() == 0f;
    }
}
