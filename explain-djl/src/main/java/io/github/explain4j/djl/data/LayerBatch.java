package io.github.explain4j.djl.data;

import io.github.explain4j.data.DatasetItem;
import java.util.List;
import java.util.Map;

/**
 * One batch of a dataset pass as a job sees it: the images (with their indices and labels) and the activations
 * of the layers the job asked for, on the heap — whole, or as each channel's maximum and its position.
 *
 * @param items the batch's images, in order
 * @param layers each asked-for layer's activations, by the path the job named
 * @param maxima for the layers asked for by {@link DatasetJob.Accumulator#channelMaxima}: values
 *     {@code (N, C, 2)} — per image and channel the largest activation, then its row-major position in the map
 *     (the first on a tie) as a float
 */
public record LayerBatch(List<DatasetItem> items, Map<String, LayerValues> layers, Map<String, LayerValues> maxima) {

    /** Copies the lists. */
    public LayerBatch {
        items = List.copyOf(items);
        layers = Map.copyOf(layers);
        maxima = Map.copyOf(maxima);
    }

    /** A batch of whole activations only. */
    public LayerBatch(List<DatasetItem> items, Map<String, LayerValues> layers) {
        this(items, layers, Map.of());
    }

    /** Each channel's maximum and its position for {@code layer}: {@code (N, C, 2)} as described above. */
    public LayerValues maxima(String layer) {
        LayerValues v = maxima.get(layer);
        if (v == null) {
            throw new IllegalArgumentException("channel maxima of layer '" + layer + "' were not computed; a job"
                    + " reads the layers it lists in channelMaxima(): " + maxima.keySet());
        }
        return v;
    }

    /** The activations of {@code layer}, as the job named it. */
    public LayerValues layer(String layer) {
        LayerValues v = layers.get(layer);
        if (v == null) {
            throw new IllegalArgumentException("layer '" + layer + "' was not captured; a job reads the layers it"
                    + " lists in layers(): " + layers.keySet());
        }
        return v;
    }

    /** The number of images. */
    public int size() {
        return items.size();
    }
}
