package io.github.explain4j.inside;

import java.util.Objects;

/**
 * A layer's features for every image of a dataset — cs231n's "CNN codes" — on the heap, one row per image in
 * the order of the images' indices, ready for {@link io.github.explain4j.embed.Tsne}, {@link
 * io.github.explain4j.embed.Pca} or {@link io.github.explain4j.embed.NearestNeighbours}.
 *
 * @param layer the layer's path
 * @param model the model's name
 * @param pooled whether each channel's map was averaged over its positions (else the whole map, flattened)
 * @param indices each row's image index
 * @param labels each row's label ({@code -1} when unlabelled)
 * @param rows the features
 */
public record LayerFeatures(String layer, String model, boolean pooled, long[] indices, int[] labels,
        float[][] rows) {

    /** Checks the lengths. */
    public LayerFeatures {
        Objects.requireNonNull(layer, "layer");
        Objects.requireNonNull(model, "model");
        if (indices.length != rows.length || labels.length != rows.length) {
            throw new IllegalArgumentException(rows.length + " rows but " + indices.length + " indices and "
                    + labels.length + " labels");
        }
    }

    /** The number of images. */
    public int size() {
        return rows.length;
    }

    /** Values per row. */
    public int dimension() {
        return rows.length == 0 ? 0 : rows[0].length;
    }
}
