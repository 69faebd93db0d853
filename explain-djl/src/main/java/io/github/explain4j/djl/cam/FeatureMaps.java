package io.github.explain4j.djl.cam;

import java.util.Arrays;

/**
 * The feature maps of one input at one layer, or the gradients w.r.t. them: {@code channels × height × width}
 * values, channel-first, on the heap. It holds the little algebra a CAM formula needs — element-wise product and
 * functions, ReLU, sums over positions and over channels — so that a variant reads like its formula:
 *
 * <pre>{@code
 * g.spatialMean()                 // Grad-CAM's weights, α_k = mean_ij G^k_ij
 * a.times(g).channelSum()         // HiResCAM's map, Σ_k A^k ⊙ G^k
 * a.times(g.relu()).channelSum()  // Layer-CAM's map, Σ_k A^k ⊙ ReLU(G^k)
 * a.channelSum(w)                 // the weighted sum Σ_k w_k A^k
 * }</pre>
 *
 * <p>A value: immutable, every operation returns a new one. Maps over positions ({@code h×w}, row-major) are plain
 * {@code float[]}, per-channel quantities plain {@code double[]}.
 */
public final class FeatureMaps {

    /** A function of one value that may depend on its channel, for {@link #map}. */
    @FunctionalInterface
    public interface ElementFunction {
        /** The new value of {@code value}, which sits in channel {@code channel}. */
        double apply(int channel, double value);
    }

    private final float[] values;
    private final int channels;
    private final int height;
    private final int width;

    private FeatureMaps(float[] values, int channels, int height, int width) {
        this.values = values;
        this.channels = channels;
        this.height = height;
        this.width = width;
    }

    /**
     * Feature maps holding a copy of {@code values}, laid out channel-first: value {@code (k, i, j)} at index
     * {@code (k·height + i)·width + j}.
     */
    public static FeatureMaps of(float[] values, int channels, int height, int width) {
        return wrap(values == null ? null : values.clone(), channels, height, width);
    }

    /** Like {@link #of} without the copy, for arrays no one else holds. */
    static FeatureMaps wrap(float[] values, int channels, int height, int width) {
        if (values == null) {
            throw new IllegalArgumentException("values were null; expected channels·height·width floats");
        }
        if (channels <= 0 || height <= 0 || width <= 0) {
            throw new IllegalArgumentException("shape was " + channels + "×" + height + "×" + width
                    + "; expected positive channels, height and width");
        }
        if ((long) channels * height * width != values.length) {
            throw new IllegalArgumentException("values had length " + values.length + "; a " + channels + "×"
                    + height + "×" + width + " shape needs " + (long) channels * height * width);
        }
        return new FeatureMaps(values, channels, height, width);
    }

    /** The number of channels, {@code K}. */
    public int channels() {
        return channels;
    }

    /** The height {@code h} of each map. */
    public int height() {
        return height;
    }

    /** The width {@code w} of each map. */
    public int width() {
        return width;
    }

    /** The number of positions of each map, {@code h·w}. */
    public int positions() {
        return height * width;
    }

    /** The value of channel {@code k} at position {@code p} (row-major index {@code i·w + j}). */
    public float get(int k, int p) {
        return values[k * positions() + p];
    }

    /** A copy of all values, channel-first. */
    public float[] values() {
        return values.clone();
    }

    /** A copy of channel {@code k}'s map, {@code h×w}. */
    public float[] channel(int k) {
        return Arrays.copyOfRange(values, k * positions(), (k + 1) * positions());
    }

    /** The element-wise product {@code this ⊙ other}. */
    public FeatureMaps times(FeatureMaps other) {
        if (other.channels != channels || other.height != height || other.width != width) {
            throw new IllegalArgumentException("shapes differ: " + this + " ⊙ " + other);
        }
        float[] out = new float[values.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = values[i] * other.values[i];
        }
        return new FeatureMaps(out, channels, height, width);
    }

    /** {@code max(0, ·)} of every value. */
    public FeatureMaps relu() {
        return map((k, v) -> Math.max(0, v));
    }

    /** {@code f(k, ·)} of every value, {@code k} its channel. */
    public FeatureMaps map(ElementFunction f) {
        int plane = positions();
        float[] out = new float[values.length];
        for (int k = 0; k < channels; k++) {
            for (int p = 0; p < plane; p++) {
                out[k * plane + p] = (float) f.apply(k, values[k * plane + p]);
            }
        }
        return new FeatureMaps(out, channels, height, width);
    }

    /** Per channel, the sum over positions {@code Σ_ij X^k_ij}. */
    public double[] spatialSum() {
        int plane = positions();
        double[] out = new double[channels];
        for (int k = 0; k < channels; k++) {
            double s = 0;
            for (int p = 0; p < plane; p++) {
                s += values[k * plane + p];
            }
            out[k] = s;
        }
        return out;
    }

    /** Per channel, the mean over positions {@code mean_ij X^k_ij}. */
    public double[] spatialMean() {
        double[] out = spatialSum();
        for (int k = 0; k < channels; k++) {
            out[k] /= positions();
        }
        return out;
    }

    /** The sum over channels {@code Σ_k X^k}, an {@code h×w} map. */
    public float[] channelSum() {
        double[] ones = new double[channels];
        Arrays.fill(ones, 1);
        return channelSum(ones);
    }

    /** The weighted sum over channels {@code Σ_k weights[k]·X^k}, an {@code h×w} map. */
    public float[] channelSum(double[] weights) {
        if (weights.length != channels) {
            throw new IllegalArgumentException(weights.length + " weights were given for " + channels
                    + " channels; expected one weight per channel");
        }
        int plane = positions();
        double[] sum = new double[plane];
        for (int k = 0; k < channels; k++) {
            double wk = weights[k];
            if (wk == 0) {
                continue;
            }
            for (int p = 0; p < plane; p++) {
                sum[p] += wk * values[k * plane + p];
            }
        }
        float[] out = new float[plane];
        for (int p = 0; p < plane; p++) {
            out[p] = (float) sum[p];
        }
        return out;
    }

    @Override
    public String toString() {
        return "FeatureMaps[" + channels + "×" + height + "×" + width + "]";
    }
}
