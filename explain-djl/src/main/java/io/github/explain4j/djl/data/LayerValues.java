package io.github.explain4j.djl.data;

import java.util.Objects;

/**
 * A layer's activations for a batch, on the heap: {@code (n, channels, height, width)} in row-major order
 * ({@code height = width = 1} for a vector layer).
 *
 * @param values the activations, image after image
 * @param images n
 * @param channels C
 * @param height H
 * @param width W
 */
public record LayerValues(float[] values, int images, int channels, int height, int width) {

    /**
     * Checks the shape.
     *
     * @throws IllegalArgumentException when the values do not fill the shape
     */
    public LayerValues {
        Objects.requireNonNull(values, "values");
        if ((long) images * channels * height * width != values.length) {
            throw new IllegalArgumentException(values.length + " values do not fill (" + images + ", " + channels
                    + ", " + height + ", " + width + ")");
        }
    }

    /** Values per image, {@code C·H·W}. */
    public int perImage() {
        return channels * height * width;
    }

    /** Positions per channel map, {@code H·W}. */
    public int plane() {
        return height * width;
    }

    /** The offset of image {@code n}, channel {@code c}'s map in {@link #values()}. */
    public int offset(int n, int c) {
        return (n * channels + c) * height * width;
    }
}
