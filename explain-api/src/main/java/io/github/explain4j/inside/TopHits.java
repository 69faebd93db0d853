package io.github.explain4j.inside;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * For each channel of a layer, the {@code k} images of a dataset that excite it most — Zeiler & Fergus' "top 9
 * activations" — each with the position of its strongest response. An image counts once per channel, at its
 * largest activation of that channel's map (the first in row-major order on a tie); images are ranked by that
 * value, ties by the smaller image index.
 *
 * @param layer the layer's path
 * @param model the model's name
 * @param k how many images per channel at most
 * @param images how many images the pass saw
 * @param height the layer's map height
 * @param width the layer's map width
 * @param channels per channel, its hits in decreasing order (fewer than {@code k} when fewer images were seen)
 */
public record TopHits(String layer, String model, int k, long images, int height, int width,
        List<List<Hit>> channels) {

    /**
     * One image's strongest response in a channel.
     *
     * @param value the activation
     * @param image the image's index in the dataset
     * @param y the row in the layer's map
     * @param x the column
     */
    public record Hit(float value, long image, int y, int x) {}

    /** Hits in rank order: larger value first, then smaller image index, then position. */
    public static final Comparator<Hit> RANK = Comparator.comparingDouble((Hit h) -> -h.value())
            .thenComparingLong(Hit::image).thenComparingInt(Hit::y).thenComparingInt(Hit::x);

    /** Checks and copies. */
    public TopHits {
        Objects.requireNonNull(layer, "layer");
        Objects.requireNonNull(model, "model");
        if (k < 1) {
            throw new IllegalArgumentException("k was " + k + "; expected ≥ 1");
        }
        List<List<Hit>> copy = new ArrayList<>(channels.size());
        for (List<Hit> c : channels) {
            copy.add(List.copyOf(c));
        }
        channels = List.copyOf(copy);
    }

    /** Channel {@code c}'s hits, best first. */
    public List<Hit> hits(int c) {
        if (c < 0 || c >= channels.size()) {
            throw new IllegalArgumentException("channel was " + c + "; layer '" + layer + "' has " + channels.size()
                    + " channels");
        }
        return channels.get(c);
    }

    /** The number of channels. */
    public int channelCount() {
        return channels.size();
    }

    /** The channels ordered by their best hit's value, strongest first (ties by channel index). */
    public List<Integer> strongestChannels() {
        List<Integer> order = new ArrayList<>();
        for (int c = 0; c < channels.size(); c++) {
            order.add(c);
        }
        order.sort(Comparator.comparingDouble((Integer c) -> channels.get(c).isEmpty() ? Double.NEGATIVE_INFINITY
                : -channels.get(c).get(0).value()).thenComparingInt(c -> c));
        return order;
    }
}
