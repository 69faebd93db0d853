package io.github.explain4j.djl.inside;

import io.github.explain4j.data.DatasetItem;
import io.github.explain4j.djl.ExplainableModel;
import io.github.explain4j.djl.data.DatasetJob;
import io.github.explain4j.djl.data.LayerBatch;
import io.github.explain4j.djl.data.LayerValues;
import io.github.explain4j.inside.LayerFeatures;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A layer's features for every image of a dataset (cs231n's CNN codes, the input of t-SNE and k-nearest-neighbour
 * views): each image's activations of the layer flattened, or with {@link #pooled()} each channel averaged over its
 * positions. Rows come out in the order of the images' indices, whichever order partitions merged in.
 *
 * <pre>{@code
 * LayerFeatures f = DatasetPass.over(test).run(model, Features.of("flatten"));
 * Embedding e = Tsne.defaults().embed(f.rows(), f.labels());
 * }</pre>
 */
public final class Features implements DatasetJob<LayerFeatures> {

    private static final long serialVersionUID = 1L;

    private final String layer;
    private final boolean pooled;

    private Features(String layer, boolean pooled) {
        this.layer = layer;
        this.pooled = pooled;
    }

    /** The flattened activations of {@code layer}. */
    public static Features of(String layer) {
        Objects.requireNonNull(layer, "layer was null; pass a layer name from model.layers()");
        return new Features(layer, false);
    }

    /** Each channel's mean over its positions instead (global average pooling): one value per channel. */
    public Features pooled() {
        return new Features(layer, true);
    }

    @Override
    public String description() {
        return (pooled ? "pooled " : "") + "features of " + layer;
    }

    @Override
    public Accumulator<LayerFeatures> start(ExplainableModel model) {
        return new Rows(model.seam().resolveLayer(layer), model.name());
    }

    private final class Rows implements Accumulator<LayerFeatures> {
        private final String path;
        private final String model;
        private final TreeMap<Long, Row> rows = new TreeMap<>();

        Rows(String path, String model) {
            this.path = path;
            this.model = model;
        }

        private record Row(int label, float[] values) {}

        @Override
        public List<String> layers() {
            return List.of(path);
        }

        @Override
        public void add(LayerBatch batch) {
            LayerValues v = batch.layer(path);
            int plane = v.plane();
            for (int n = 0; n < v.images(); n++) {
                DatasetItem item = batch.items().get(n);
                float[] row;
                if (pooled) {
                    row = new float[v.channels()];
                    for (int c = 0; c < v.channels(); c++) {
                        double s = 0;
                        int off = v.offset(n, c);
                        for (int i = 0; i < plane; i++) {
                            s += v.values()[off + i];
                        }
                        row[c] = (float) (s / plane);
                    }
                } else {
                    row = new float[v.perImage()];
                    System.arraycopy(v.values(), n * v.perImage(), row, 0, row.length);
                }
                put(item.index(), new Row(item.label(), row));
            }
        }

        private void put(long index, Row row) {
            if (rows.put(index, row) != null) {
                throw new IllegalArgumentException("image " + index + " was fed twice; each image of a dataset"
                        + " enters the features once (partitions must not overlap)");
            }
        }

        @Override
        public void merge(Accumulator<LayerFeatures> other) {
            if (!(other instanceof Features.Rows o) || !o.path.equals(path) || o.pooledFlag() != pooled) {
                throw new IllegalArgumentException("cannot merge " + other + " into " + description() + "; merge"
                        + " accumulators of the same job");
            }
            for (Map.Entry<Long, Row> e : o.rows.entrySet()) {
                put(e.getKey(), e.getValue());
            }
        }

        private boolean pooledFlag() {
            return pooled;
        }

        @Override
        public LayerFeatures result() {
            int n = rows.size();
            long[] indices = new long[n];
            int[] labels = new int[n];
            float[][] out = new float[n][];
            int i = 0;
            for (Map.Entry<Long, Row> e : rows.entrySet()) {
                indices[i] = e.getKey();
                labels[i] = e.getValue().label();
                out[i] = e.getValue().values().clone();
                i++;
            }
            return new LayerFeatures(path, model, pooled, indices, labels, out);
        }

        @Override
        public void write(DataOutput out) throws IOException {
            out.writeInt(rows.size());
            for (Map.Entry<Long, Row> e : rows.entrySet()) {
                out.writeLong(e.getKey());
                out.writeInt(e.getValue().label());
                float[] v = e.getValue().values();
                out.writeInt(v.length);
                for (float f : v) {
                    out.writeFloat(f);
                }
            }
        }

        @Override
        public void read(DataInput in) throws IOException {
            rows.clear();
            int n = in.readInt();
            for (int i = 0; i < n; i++) {
                long index = in.readLong();
                int label = in.readInt();
                float[] v = new float[in.readInt()];
                for (int j = 0; j < v.length; j++) {
                    v[j] = in.readFloat();
                }
                rows.put(index, new Row(label, v));
            }
        }

        @Override
        public String toString() {
            return description() + " (" + path + ")";
        }
    }
}
