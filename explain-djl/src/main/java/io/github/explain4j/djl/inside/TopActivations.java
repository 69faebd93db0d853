package io.github.explain4j.djl.inside;

import io.github.explain4j.data.DatasetItem;
import io.github.explain4j.djl.ExplainableModel;
import io.github.explain4j.djl.data.DatasetJob;
import io.github.explain4j.djl.data.LayerBatch;
import io.github.explain4j.djl.data.LayerValues;
import io.github.explain4j.inside.TopHits;
import io.github.explain4j.inside.TopHits.Hit;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.PriorityQueue;

/**
 * The {@code k} images of a dataset that excite each channel of a layer most, streaming: one bounded heap per
 * channel, so memory is {@code channels × k} whatever the dataset's size. Each image enters a channel's ranking
 * once, at its strongest response in that channel's map (see {@link TopHits} for the order). Run it with a
 * {@link io.github.explain4j.djl.data.DatasetPass}; project the hits with {@link TopPatches}.
 *
 * <pre>{@code
 * TopHits hits = DatasetPass.over(test).run(model, TopActivations.of("12LambdaBlock"));
 * UnitPatches patches = TopPatches.of(model, test, hits);     // crops and deconvnet projections
 * }</pre>
 *
 * <p>M. D. Zeiler, R. Fergus, "Visualizing and Understanding Convolutional Networks", ECCV 2014
 * (arXiv:1311.2901), Figure 2.
 */
public final class TopActivations implements DatasetJob<TopHits> {

    private static final long serialVersionUID = 1L;
    private static final int DEFAULT_K = 9;

    private final String layer;
    private final int k;

    private TopActivations(String layer, int k) {
        this.layer = layer;
        this.k = k;
    }

    /** The top 9 images per channel of {@code layer} (any addressable layer of the model). */
    public static TopActivations of(String layer) {
        Objects.requireNonNull(layer, "layer was null; pass a layer name from model.layers()");
        return new TopActivations(layer, DEFAULT_K);
    }

    /**
     * How many images per channel.
     *
     * @throws IllegalArgumentException unless positive
     */
    public TopActivations k(int images) {
        if (images < 1) {
            throw new IllegalArgumentException("k was " + images + "; expected a positive number of images per"
                    + " channel, e.g. 9");
        }
        return new TopActivations(layer, images);
    }

    @Override
    public String description() {
        return "top-" + k + " activations of " + layer;
    }

    @Override
    public Accumulator<TopHits> start(ExplainableModel model) {
        Objects.requireNonNull(model, "model");
        return new Heaps(model.seam().resolveLayer(layer), model.name());
    }

    /** One bounded heap per channel; the worst kept hit on top. */
    private final class Heaps implements Accumulator<TopHits> {
        private final String path;
        private final String model;
        private List<PriorityQueue<Hit>> heaps;
        private long images;
        private long next;
        private int height;
        private int width;

        Heaps(String path, String model) {
            this.path = path;
            this.model = model;
        }

        @Override
        public List<String> layers() {
            return List.of(path);
        }

        @Override
        public void add(LayerBatch batch) {
            LayerValues v = batch.layer(path);
            ensure(v.channels(), v.height(), v.width());
            float[] a = v.values();
            int plane = v.plane();
            for (int n = 0; n < v.images(); n++) {
                DatasetItem item = batch.items().get(n);
                for (int c = 0; c < v.channels(); c++) {
                    int off = v.offset(n, c);
                    int best = 0;
                    float max = a[off];
                    for (int i = 0; i < plane; i++) {
                        float f = a[off + i];
                        if (!(f <= max)) { // greater, or NaN
                            if (Float.isNaN(f)) {
                                throw new IllegalStateException("layer '" + path + "' gave NaN for image "
                                        + item.index() + " (" + item.name() + "), channel " + c + "; the model"
                                        + " produces NaN on this input, so no ranking of it is meaningful");
                            }
                            max = f;
                            best = i;
                        }
                    }
                    PriorityQueue<Hit> heap = heaps.get(c);
                    if (heap.size() == k && ranksBelow(max, item.index(), heap.peek())) {
                        continue; // ranks below the k-th already held: no hit to build
                    }
                    offer(c, new Hit(max, item.index(), best / v.width(), best % v.width()));
                }
            }
            images += v.images();
            next = Math.max(next, batch.items().get(batch.size() - 1).index() + 1);
        }

        private void ensure(int channels, int h, int w) {
            if (heaps == null) {
                heaps = new ArrayList<>(channels);
                for (int c = 0; c < channels; c++) {
                    heaps.add(new PriorityQueue<>(k + 1, TopHits.RANK.reversed()));
                }
                height = h;
                width = w;
            } else if (heaps.size() != channels || height != h || width != w) {
                throw new IllegalStateException("layer '" + path + "' changed shape during the pass: " + heaps.size()
                        + "×" + height + "×" + width + " then " + channels + "×" + h + "×" + w);
            }
        }

        /**
         * Whether a hit of {@code value} in image {@code image} ranks below {@code worst} in {@link TopHits#RANK}
         * order, decided on the two leading keys without building the hit (a tie on both falls to the full order).
         */
        private static boolean ranksBelow(float value, long image, Hit worst) {
            int byValue = Float.compare(value, worst.value());
            return byValue < 0 || byValue == 0 && image > worst.image();
        }

        private void offer(int c, Hit hit) {
            PriorityQueue<Hit> heap = heaps.get(c);
            if (heap.size() < k) {
                heap.add(hit);
            } else if (TopHits.RANK.compare(hit, heap.peek()) < 0) {
                heap.poll();
                heap.add(hit);
            }
        }

        @Override
        public void merge(Accumulator<TopHits> other) {
            if (!(other instanceof TopActivations.Heaps o) || !o.path.equals(path) || o.k() != k) {
                throw new IllegalArgumentException("cannot merge " + other + " into " + description() + "; merge"
                        + " accumulators of the same job");
            }
            if (o.heaps == null) {
                return;
            }
            ensure(o.heaps.size(), o.height, o.width);
            for (int c = 0; c < heaps.size(); c++) {
                for (Hit h : o.heaps.get(c)) {
                    offer(c, h);
                }
            }
            images += o.images;
            next = Math.max(next, o.next);
        }

        private int k() {
            return k;
        }

        @Override
        public TopHits result() {
            List<List<Hit>> out = new ArrayList<>();
            if (heaps != null) {
                for (PriorityQueue<Hit> heap : heaps) {
                    List<Hit> sorted = new ArrayList<>(heap);
                    sorted.sort(TopHits.RANK);
                    out.add(sorted);
                }
            }
            return new TopHits(path, model, k, images, height, width, out);
        }

        @Override
        public void write(DataOutput out) throws IOException {
            out.writeLong(images);
            out.writeLong(next);
            out.writeInt(heaps == null ? 0 : heaps.size());
            out.writeInt(height);
            out.writeInt(width);
            if (heaps != null) {
                for (PriorityQueue<Hit> heap : heaps) {
                    out.writeInt(heap.size());
                    for (Hit h : heap) {
                        out.writeFloat(h.value());
                        out.writeLong(h.image());
                        out.writeInt(h.y());
                        out.writeInt(h.x());
                    }
                }
            }
        }

        @Override
        public void read(DataInput in) throws IOException {
            images = in.readLong();
            next = in.readLong();
            int channels = in.readInt();
            int h = in.readInt();
            int w = in.readInt();
            heaps = null;
            if (channels > 0) {
                ensure(channels, h, w);
                for (int c = 0; c < channels; c++) {
                    int size = in.readInt();
                    for (int i = 0; i < size; i++) {
                        heaps.get(c).add(new Hit(in.readFloat(), in.readLong(), in.readInt(), in.readInt()));
                    }
                }
            }
        }

        @Override
        public String toString() {
            return description() + " (" + path + ")";
        }
    }
}
