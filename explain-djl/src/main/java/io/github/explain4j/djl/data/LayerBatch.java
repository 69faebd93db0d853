package io.github.explain4j.djl.data;

import io.github.explain4j.data.DatasetItem;
import java.util.List;
import java.util.Map;

/**
 * One batch of a dataset pass as a job sees it: the images (with their indices and labels) and the activations
 * of the layers the job asked for, on the heap.
 *
 * @param items the batch's images, in order
 * @param layers each asked-for layer's activations, by the path the job named
 */
public record LayerBatch(List<DatasetItem> items, Map<String, LayerValues> layers) {

    /** Copies the lists. */
    public LayerBatch {
        items = List.copyOf(items);
        layers = Map.copyOf(layers);
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
