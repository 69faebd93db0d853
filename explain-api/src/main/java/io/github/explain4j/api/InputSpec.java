package io.github.explain4j.api;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * What a model expects as input: image size, channel count, how an image of another size is brought to it
 * ({@link ResizePolicy}, by default stretched) and per-channel normalisation {@code (pixel − mean) / std} applied to
 * pixels scaled to {@code [0, 1]}, plus the class labels of its output.
 *
 * <p>Immutable; the withers return new values.
 *
 * <pre>{@code
 * InputSpec.rgb(224, 224).normalized(new float[] {0.485f, 0.456f, 0.406f}, new float[] {0.229f, 0.224f, 0.225f})
 * InputSpec.grey(64, 64).withLabels(List.of("angry", "disgust", ...))
 * InputSpec.rgb(224, 224).resize(ResizePolicy.CENTER_CROP)
 * }</pre>
 *
 * @param channels 1 (grey) or 3 (RGB)
 * @param height input height in pixels
 * @param width input width in pixels
 * @param mean per-channel mean subtracted after scaling pixels to [0, 1]
 * @param std per-channel standard deviation divided by after subtracting the mean
 * @param labels class labels of the model's output, empty when unknown
 * @param resize how an image of another size becomes {@code width × height}
 */
public record InputSpec(int channels, int height, int width, float[] mean, float[] std, List<String> labels,
        ResizePolicy resize) {

    /** Checks and copies the values. */
    public InputSpec {
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException(
                    "input channels was " + channels + "; expected 1 (grey) or 3 (RGB)");
        }
        if (height <= 0 || width <= 0) {
            throw new IllegalArgumentException(
                    "input size was " + height + "x" + width + "; expected a positive height and width");
        }
        mean = checkPerChannel("mean", mean, channels, false);
        std = checkPerChannel("std", std, channels, true);
        labels = List.copyOf(labels);
        Objects.requireNonNull(resize, "resize policy (use ResizePolicy.STRETCH for the default)");
    }

    /** A spec that stretches images to its size ({@link ResizePolicy#STRETCH}); checks and copies the values. */
    public InputSpec(int channels, int height, int width, float[] mean, float[] std, List<String> labels) {
        this(channels, height, width, mean, std, labels, ResizePolicy.STRETCH);
    }

    private static float[] checkPerChannel(String what, float[] values, int channels, boolean positive) {
        Objects.requireNonNull(values, what);
        if (values.length != channels) {
            throw new IllegalArgumentException(what + " has " + values.length + " values " + Arrays.toString(values)
                    + "; expected one per channel (" + channels + ")");
        }
        for (float v : values) {
            if (!Float.isFinite(v) || (positive && v <= 0)) {
                throw new IllegalArgumentException(what + " holds " + v + "; expected "
                        + (positive ? "finite positive values" : "finite values"));
            }
        }
        return values.clone();
    }

    /** An RGB input of the given size, pixels in [0, 1], no normalisation. */
    public static InputSpec rgb(int height, int width) {
        return new InputSpec(3, height, width, new float[3], new float[] {1, 1, 1}, List.of());
    }

    /** A single-channel (grey) input of the given size, pixels in [0, 1], no normalisation. */
    public static InputSpec grey(int height, int width) {
        return new InputSpec(1, height, width, new float[1], new float[] {1}, List.of());
    }

    /** The same spec with per-channel normalisation {@code (pixel − mean) / std}. */
    public InputSpec normalized(float[] newMean, float[] newStd) {
        return new InputSpec(channels, height, width, newMean, newStd, labels, resize);
    }

    /** The same spec with class labels for the model's outputs. */
    public InputSpec withLabels(List<String> newLabels) {
        return new InputSpec(channels, height, width, mean, std, newLabels, resize);
    }

    /**
     * The same spec with another way of bringing images of other sizes to {@code width × height}: stretch (the
     * default), centre crop or letterbox.
     */
    public InputSpec resize(ResizePolicy policy) {
        return new InputSpec(channels, height, width, mean, std, labels, policy);
    }

    @Override
    public float[] mean() {
        return mean.clone();
    }

    @Override
    public float[] std() {
        return std.clone();
    }

    /** The index of a label, or an exception naming the known labels. */
    public int indexOf(String label) {
        int i = labels.indexOf(label);
        if (i < 0) {
            throw new IllegalArgumentException("unknown class label '" + label + "'; "
                    + (labels.isEmpty() ? "the model was described without labels: add them with InputSpec.withLabels"
                            : "expected one of " + labels));
        }
        return i;
    }

    /**
     * {@code image} as this input takes it, before normalisation: {@code C×H×W} pixel values in [0, 1] at this
     * size and channel count, resized with this spec's policy.
     */
    public float[] pixels(java.awt.image.BufferedImage image) {
        return Images.toChw(image, channels, height, width, resize);
    }

    /** Normalises one pixel-space value of a channel. */
    public float normalize(int channel, float pixel) {
        return (pixel - mean[channel]) / std[channel];
    }

    /** The value a pixel-space value of a channel takes after normalisation, inverted. */
    public float denormalize(int channel, float value) {
        return value * std[channel] + mean[channel];
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof InputSpec s && s.channels == channels && s.height == height && s.width == width
                && Arrays.equals(s.mean, mean) && Arrays.equals(s.std, std) && s.labels.equals(labels)
                && s.resize == resize;
    }

    @Override
    public int hashCode() {
        return Objects.hash(channels, height, width, Arrays.hashCode(mean), Arrays.hashCode(std), labels,
                resize.name());
    }

    @Override
    public String toString() {
        return "InputSpec[" + channels + "x" + height + "x" + width + ", mean " + Arrays.toString(mean) + ", std "
                + Arrays.toString(std) + ", " + labels.size() + " labels, resize " + resize + "]";
    }
}
