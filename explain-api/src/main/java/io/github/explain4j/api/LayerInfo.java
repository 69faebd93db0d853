package io.github.explain4j.api;

import java.util.Arrays;
import java.util.Objects;

/**
 * One addressable layer of a model: its path, its kind and the shape of its output for one input.
 *
 * @param path the path that reaches it, segments separated by {@code /}
 * @param kind the layer's type, e.g. {@code "Conv2d"}
 * @param outputShape the output shape for a batch of one, e.g. {@code [1, 64, 7, 7]}
 * @param depth how many containers enclose it (0 for a child of the root)
 */
public record LayerInfo(String path, String kind, long[] outputShape, int depth) {

    /** Checks and copies. */
    public LayerInfo {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(kind, "kind");
        outputShape = outputShape.clone();
    }

    @Override
    public long[] outputShape() {
        return outputShape.clone();
    }

    /** Whether the output is a batch of feature maps with more than one spatial position ({@code N×C×H×W}). */
    public boolean isSpatial() {
        return outputShape.length == 4 && outputShape[2] * outputShape[3] > 1;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LayerInfo l && l.path.equals(path) && l.kind.equals(kind) && l.depth == depth
                && Arrays.equals(l.outputShape, outputShape);
    }

    @Override
    public int hashCode() {
        return Objects.hash(path, kind, depth, Arrays.hashCode(outputShape));
    }

    @Override
    public String toString() {
        return path + " (" + kind + ") " + Arrays.toString(outputShape);
    }
}
