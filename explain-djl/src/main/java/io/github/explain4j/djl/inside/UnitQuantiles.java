package io.github.explain4j.djl.inside;

import io.github.explain4j.api.LayerInfo;
import io.github.explain4j.data.ImageSource;
import io.github.explain4j.djl.ExplainableModel;
import io.github.explain4j.djl.data.DatasetJob;
import io.github.explain4j.djl.data.LayerBatch;
import io.github.explain4j.djl.data.LayerValues;
import io.github.explain4j.inside.UnitThresholds;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The first pass of network dissection: each unit's top-quantile level {@code T_k} over every position of every
 * image of a dataset, exactly ({@link UnitThresholds} defines it). Streaming with bounded memory: per unit, a heap
 * of the {@code ⌈q·N·H·W⌉ + 1} largest activations seen, which is why the number of images {@code N} must be known
 * before the pass ({@link Dissection} takes it from the source and refuses a source that cannot tell). Accumulators
 * of disjoint parts merge exactly (the union of the heaps keeps the largest values of the whole).
 *
 * <pre>{@code
 * UnitThresholds t = DatasetPass.over(source).run(model, UnitQuantiles.of("stage3", source));
 * }</pre>
 *
 * <p>D. Bau, B. Zhou, A. Khosla, A. Oliva, A. Torralba, "Network Dissection: Quantifying Interpretability of Deep
 * Visual Representations", CVPR 2017, §2.2 (the top quantile level, {@code q = 0.005}).
 */
public final class UnitQuantiles implements DatasetJob<UnitThresholds> {

    private static final long serialVersionUID = 1L;

    /** Bau et al.'s quantile: each unit's threshold leaves 0.5 % of its activations above it. */
    public static final double DEFAULT_QUANTILE = 0.005;

    private final String layer;
    private final long images;
    private final String source;
    private final double quantile;

    private UnitQuantiles(String layer, long images, String source, double quantile) {
        this.layer = layer;
        this.images = images;
        this.source = source;
        this.quantile = quantile;
    }

    /**
     * The thresholds of {@code layer}'s units over {@code source}, at the top quantile 0.005.
     *
     * @throws IllegalArgumentException when the source cannot tell its size
     */
    public static UnitQuantiles of(String layer, ImageSource source) {
        Objects.requireNonNull(source, "source was null; pass the images to dissect over");
        if (source.size() < 0) {
            throw new IllegalArgumentException("source '" + source.description() + "' cannot tell its size (-1);"
                    + " the exact top quantile needs the number of images before the pass: use a source that tells"
                    + " it (a folder, an IDX file, a list, the shapes), or count the images and pass the count,"
                    + " UnitQuantiles.of(layer, count)");
        }
        return of(layer, source.size()).describing(source.description());
    }

    /**
     * The thresholds of {@code layer}'s units over a dataset of {@code images} images, at the top quantile 0.005.
     *
     * @throws IllegalArgumentException unless {@code images} is positive
     */
    public static UnitQuantiles of(String layer, long images) {
        Objects.requireNonNull(layer, "layer was null; pass a layer name from model.layers(), e.g. the last stage");
        if (images <= 0) {
            throw new IllegalArgumentException("images was " + images + "; the exact top quantile needs the number"
                    + " of images before the pass: pass the source's size, a positive count");
        }
        return new UnitQuantiles(layer, images, images + " images", DEFAULT_QUANTILE);
    }

    /** The images' description for the result's provenance (by default {@code "N images"}). */
    public UnitQuantiles describing(String sourceDescription) {
        Objects.requireNonNull(sourceDescription, "description was null; pass what the images are");
        return new UnitQuantiles(layer, images, sourceDescription, quantile);
    }

    /**
     * The fraction {@code q} of each unit's activations that lie above its threshold.
     *
     * @throws IllegalArgumentException unless {@code 0 < q < 1}
     */
    public UnitQuantiles quantile(double q) {
        return new UnitQuantiles(layer, images, source, checkQuantile(q));
    }

    static double checkQuantile(double q) {
        if (!(q > 0 && q < 1)) {
            throw new IllegalArgumentException("quantile was " + q + "; expected a fraction in (0, 1) of each unit's"
                    + " activations to lie above its threshold, e.g. 0.005 (Bau et al.)");
        }
        return q;
    }

    /** The layer. */
    public String layer() {
        return layer;
    }

    /** The quantile. */
    public double quantile() {
        return quantile;
    }

    @Override
    public String description() {
        return "top-" + quantile + " thresholds of " + layer + " over " + images + " images (" + source + ")";
    }

    @Override
    public Accumulator<UnitThresholds> start(ExplainableModel model) {
        Objects.requireNonNull(model, "model");
        LayerInfo info = spatialLayer(model, layer);
        long[] s = info.outputShape();
        long positions = images * s[2] * s[3];
        long keep = (long) Math.ceil(quantile * positions) + 1;
        if (keep > positions) {
            throw new IllegalArgumentException("quantile " + quantile + " of " + positions + " activations per unit ("
                    + images + " images of " + s[2] + "×" + s[3] + ") leaves no activation below the threshold; use"
                    + " a smaller quantile or more images");
        }
        if (keep > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("quantile " + quantile + " of " + positions + " activations per unit"
                    + " keeps " + keep + " values per unit, more than an array holds; use a smaller quantile");
        }
        return new Heaps(info.path(), model.name(), model.engine(), (int) s[1], (int) s[2], (int) s[3], (int) keep);
    }

    /** The layer a dissection reads, checked to give {@code (N, C, H, W)} maps with {@code H·W > 1}. */
    static LayerInfo spatialLayer(ExplainableModel model, String layer) {
        LayerInfo info = model.layer(layer);
        if (!info.isSpatial() || info.outputShape().length != 4) {
            throw new IllegalArgumentException("layer '" + layer + "' gives shape "
                    + Arrays.toString(info.outputShape()) + "; dissection thresholds each unit's spatial map, so it"
                    + " reads a (N, C, H, W) layer with H·W > 1, e.g. " + model.lastSpatialLayer().path());
        }
        return info;
    }

    /** One bounded min-heap of floats per unit. */
    private final class Heaps implements Accumulator<UnitThresholds> {
        private final String path;
        private final String model;
        private final String engine;
        private final int height;
        private final int width;
        private final int capacity;
        private final float[][] heaps;
        private final int[] sizes;
        private long seen;

        Heaps(String path, String model, String engine, int channels, int height, int width, int capacity) {
            this.path = path;
            this.model = model;
            this.engine = engine;
            this.height = height;
            this.width = width;
            this.capacity = capacity;
            this.heaps = new float[channels][];
            this.sizes = new int[channels];
        }

        @Override
        public List<String> layers() {
            return List.of(path);
        }

        @Override
        public void add(LayerBatch batch) {
            LayerValues v = batch.layer(path);
            if (v.channels() != heaps.length || v.height() != height || v.width() != width) {
                throw new IllegalStateException("layer '" + path + "' gave " + v.channels() + "×" + v.height() + "×"
                        + v.width() + " maps; the job was started for " + heaps.length + "×" + height + "×" + width);
            }
            float[] a = v.values();
            int plane = v.plane();
            for (int n = 0; n < v.images(); n++) {
                for (int c = 0; c < heaps.length; c++) {
                    int off = v.offset(n, c);
                    for (int i = 0; i < plane; i++) {
                        float f = a[off + i];
                        if (Float.isNaN(f)) {
                            throw new IllegalStateException("layer '" + path + "' gave NaN for image "
                                    + batch.items().get(n).index() + ", unit " + c + "; no quantile of it is"
                                    + " meaningful");
                        }
                        offer(c, f);
                    }
                }
            }
            seen += v.images();
        }

        private void offer(int c, float f) {
            float[] h = heaps[c];
            if (h == null) {
                h = heaps[c] = new float[Math.min(capacity, 1024)];
            }
            int size = sizes[c];
            if (size < capacity) {
                if (size == h.length) {
                    h = heaps[c] = Arrays.copyOf(h, (int) Math.min(capacity, 2L * h.length));
                }
                int i = size;
                while (i > 0) {
                    int parent = (i - 1) >>> 1;
                    if (h[parent] <= f) {
                        break;
                    }
                    h[i] = h[parent];
                    i = parent;
                }
                h[i] = f;
                sizes[c] = size + 1;
            } else if (f > h[0]) {
                int i = 0;
                while (true) {
                    int child = 2 * i + 1;
                    if (child >= size) {
                        break;
                    }
                    if (child + 1 < size && h[child + 1] < h[child]) {
                        child++;
                    }
                    if (h[child] >= f) {
                        break;
                    }
                    h[i] = h[child];
                    i = child;
                }
                h[i] = f;
            }
        }

        @Override
        public void merge(Accumulator<UnitThresholds> other) {
            if (!(other instanceof UnitQuantiles.Heaps o) || !o.path.equals(path) || o.capacity != capacity
                    || o.heaps.length != heaps.length || !o.job().description().equals(description())) {
                throw new IllegalArgumentException("cannot merge " + other + " into " + this + "; merge accumulators"
                        + " of the same job");
            }
            for (int c = 0; c < heaps.length; c++) {
                for (int i = 0; i < o.sizes[c]; i++) {
                    offer(c, o.heaps[c][i]);
                }
            }
            seen += o.seen;
        }

        private UnitQuantiles job() {
            return UnitQuantiles.this;
        }

        @Override
        public UnitThresholds result() {
            if (seen > images) {
                throw new IllegalStateException("the job was built for " + images + " images but saw " + seen
                        + "; build it with the source's size, UnitQuantiles.of(layer, source.size())");
            }
            long positions = seen * height * width;
            long above = (long) Math.ceil(quantile * positions);
            float[] t = new float[heaps.length];
            if (seen > 0 && above + 1 > positions) {
                throw new IllegalStateException("quantile " + quantile + " of the " + positions + " activations seen"
                        + " per unit leaves none below the threshold; pass more images");
            }
            for (int c = 0; c < heaps.length && seen > 0; c++) {
                float[] sorted = Arrays.copyOf(heaps[c], sizes[c]);
                Arrays.sort(sorted);
                // the (above + 1)-th largest
                t[c] = sorted[sorted.length - 1 - (int) above];
            }
            return new UnitThresholds(path, model, engine, source, quantile, seen, height, width, t);
        }

        @Override
        public void write(DataOutput out) throws IOException {
            out.writeLong(seen);
            out.writeInt(heaps.length);
            for (int c = 0; c < heaps.length; c++) {
                out.writeInt(sizes[c]);
                for (int i = 0; i < sizes[c]; i++) {
                    out.writeFloat(heaps[c][i]);
                }
            }
        }

        @Override
        public void read(DataInput in) throws IOException {
            long s = in.readLong();
            int channels = in.readInt();
            if (channels != heaps.length) {
                throw new IOException("the state holds " + channels + " units; layer '" + path + "' has "
                        + heaps.length);
            }
            seen = s;
            for (int c = 0; c < channels; c++) {
                int size = in.readInt();
                if (size > capacity) {
                    throw new IOException("unit " + c + " holds " + size + " values; the job keeps " + capacity);
                }
                heaps[c] = new float[Math.max(size, Math.min(capacity, 1024))];
                for (int i = 0; i < size; i++) {
                    heaps[c][i] = in.readFloat();
                }
                sizes[c] = size;
            }
        }

        @Override
        public String toString() {
            return description() + " (" + path + ")";
        }
    }
}
