package io.github.explain4j.djl.inside;

import io.github.explain4j.api.LayerInfo;
import io.github.explain4j.api.Resampling;
import io.github.explain4j.data.ConceptMasks;
import io.github.explain4j.data.DatasetItem;
import io.github.explain4j.djl.ExplainableModel;
import io.github.explain4j.djl.data.DatasetJob;
import io.github.explain4j.djl.data.LayerBatch;
import io.github.explain4j.djl.data.LayerValues;
import io.github.explain4j.inside.DissectionReport;
import io.github.explain4j.inside.UnitThresholds;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The second pass of network dissection: for each unit {@code k} and concept {@code c}, the pixel counts
 * {@code Σ|M_k ∩ L_c|} and {@code Σ|M_k ∪ L_c|} over a dataset, where {@code M_k} is the unit's map upsampled to
 * the image bilinearly ({@link Resampling#bilinear}, pixel centres, as PyTorch's
 * {@code interpolate(align_corners=False)}) and thresholded at {@code T_k} ({@code > T_k}), and {@code L_c} the
 * concept's mask of the image from {@link ConceptMasks}, found by the image's index. Counts add, so accumulators of
 * disjoint parts merge exactly. A map whose largest activation does not exceed {@code T_k} has an empty region
 * (bilinear values stay within the map's range) and is not upsampled.
 *
 * <pre>{@code
 * DissectionReport r = DatasetPass.over(source).run(model, ConceptOverlap.of(thresholds, labels));
 * }</pre>
 *
 * <p>D. Bau, B. Zhou, A. Khosla, A. Oliva, A. Torralba, "Network Dissection: Quantifying Interpretability of Deep
 * Visual Representations", CVPR 2017, §2.2.
 */
public final class ConceptOverlap implements DatasetJob<DissectionReport> {

    private static final long serialVersionUID = 1L;

    private final UnitThresholds thresholds;
    private final ConceptMasks labels;

    private ConceptOverlap(UnitThresholds thresholds, ConceptMasks labels) {
        this.thresholds = thresholds;
        this.labels = labels;
    }

    /**
     * The overlaps of the units of {@code thresholds}' layer, each binarised at its threshold, with the concepts of
     * {@code labels}.
     *
     * @throws IllegalArgumentException when the labels have no concept
     */
    public static ConceptOverlap of(UnitThresholds thresholds, ConceptMasks labels) {
        Objects.requireNonNull(thresholds, "thresholds was null; compute them with UnitQuantiles first");
        Objects.requireNonNull(labels, "labels was null; pass the concept masks of the images, e.g."
                + " ConceptMasks.shapes(shapes, seed)");
        if (labels.concepts().isEmpty()) {
            throw new IllegalArgumentException("labels '" + labels.description() + "' have no concept; dissection"
                    + " scores units against at least one");
        }
        return new ConceptOverlap(thresholds, labels);
    }

    @Override
    public String description() {
        return "concept IoU of " + thresholds.units() + " units of " + thresholds.layer() + " at top-"
                + thresholds.quantile() + " thresholds #" + Integer.toHexString(Arrays.hashCode(thresholds.thresholds()))
                + " against " + labels.description() + " " + labels.concepts();
    }

    @Override
    public Accumulator<DissectionReport> start(ExplainableModel model) {
        Objects.requireNonNull(model, "model");
        LayerInfo info = UnitQuantiles.spatialLayer(model, thresholds.layer());
        long[] s = info.outputShape();
        if (s[1] != thresholds.units() || s[2] != thresholds.height() || s[3] != thresholds.width()) {
            throw new IllegalArgumentException("layer '" + info.path() + "' gives " + s[1] + "×" + s[2] + "×" + s[3]
                    + " maps but the thresholds are for " + thresholds.units() + "×" + thresholds.height() + "×"
                    + thresholds.width() + "; compute them on the same model and layer");
        }
        return new Counts(info.path());
    }

    /**
     * Bilinear upsampling at pixel centres with the tables of both axes computed once, giving the same numbers as
     * {@link Resampling#bilinear} (the same operations in the same order), thresholded as it goes: output rows
     * whose two source rows hold nothing above the threshold are skipped, since a bilinear value never exceeds its
     * four sources.
     */
    static final class Upsampling {
        private final int height;
        private final int width;
        private final int outHeight;
        private final int outWidth;
        private final int[] x0;
        private final int[] x1;
        private final double[] fx;
        private final int[] y0;
        private final int[] y1;
        private final double[] fy;
        private final float[] rowMax;

        Upsampling(int height, int width, int outHeight, int outWidth) {
            this.height = height;
            this.width = width;
            this.outHeight = outHeight;
            this.outWidth = outWidth;
            x0 = new int[outWidth];
            x1 = new int[outWidth];
            fx = new double[outWidth];
            axis(width, outWidth, x0, x1, fx);
            y0 = new int[outHeight];
            y1 = new int[outHeight];
            fy = new double[outHeight];
            axis(height, outHeight, y0, y1, fy);
            rowMax = new float[height];
        }

        private static void axis(int in, int out, int[] lo, int[] hi, double[] f) {
            for (int i = 0; i < out; i++) {
                double s = Math.min(in - 1, Math.max(0, (i + 0.5) * in / out - 0.5));
                lo[i] = (int) s;
                hi[i] = Math.min(lo[i] + 1, in - 1);
                f[i] = s - lo[i];
            }
        }

        /**
         * Sets {@code on[p]} to whether the upsampled map at {@code offset} of {@code a} exceeds {@code t} at
         * output pixel {@code p}; returns how many do (0 leaves {@code on} unspecified).
         */
        long region(float[] a, int offset, float t, boolean[] on) {
            boolean any = false;
            for (int y = 0; y < height; y++) {
                float m = Float.NEGATIVE_INFINITY;
                for (int x = 0; x < width; x++) {
                    m = Math.max(m, a[offset + y * width + x]);
                }
                rowMax[y] = m;
                any |= m > t;
            }
            if (!any) {
                return 0;
            }
            long count = 0;
            for (int y = 0; y < outHeight; y++) {
                int row = y * outWidth;
                if (!(rowMax[y0[y]] > t) && !(rowMax[y1[y]] > t)) {
                    java.util.Arrays.fill(on, row, row + outWidth, false);
                    continue;
                }
                int r0 = offset + y0[y] * width;
                int r1 = offset + y1[y] * width;
                double f = fy[y];
                for (int x = 0; x < outWidth; x++) {
                    double top = lerp(a[r0 + x0[x]], a[r0 + x1[x]], fx[x]);
                    double bottom = lerp(a[r1 + x0[x]], a[r1 + x1[x]], fx[x]);
                    boolean b = (float) lerp(top, bottom, f) > t;
                    on[row + x] = b;
                    count += b ? 1 : 0;
                }
            }
            return count;
        }

        private static double lerp(double a, double b, double f) {
            return a + (b - a) * f;
        }
    }

    /** Per unit and concept, the intersection; per unit the region's size; per concept the mask's size. */
    private final class Counts implements Accumulator<DissectionReport> {
        private final String path;
        private final int units = thresholds.units();
        private final int concepts = labels.concepts().size();
        private final long[][] intersections = new long[units][concepts];
        private final long[] regions = new long[units];
        private final long[] masks = new long[concepts];
        private final float[] t = thresholds.thresholds();
        private long seen;
        private Upsampling upsampling;
        private boolean[] on;

        Counts(String path) {
            this.path = path;
        }

        @Override
        public List<String> layers() {
            return List.of(path);
        }

        @Override
        public void add(LayerBatch batch) {
            LayerValues v = batch.layer(path);
            if (v.channels() != units || v.height() != thresholds.height() || v.width() != thresholds.width()) {
                throw new IllegalStateException("layer '" + path + "' gave " + v.channels() + "×" + v.height() + "×"
                        + v.width() + " maps; the thresholds are for " + units + "×" + thresholds.height() + "×"
                        + thresholds.width());
            }
            int ih = labels.height();
            int iw = labels.width();
            float[] a = v.values();
            if (upsampling == null) {
                upsampling = new Upsampling(v.height(), v.width(), ih, iw);
                on = new boolean[ih * iw];
            }
            for (int n = 0; n < v.images(); n++) {
                DatasetItem item = batch.items().get(n);
                if (item.image().getHeight() != ih || item.image().getWidth() != iw) {
                    throw new IllegalArgumentException("image " + item.index() + " (" + item.name() + ") is "
                            + item.image().getWidth() + "×" + item.image().getHeight() + " but the labels' masks are "
                            + iw + "×" + ih + "; pass the labels of these images");
                }
                int[][] where = pixels(item.index(), ih * iw);
                for (int c = 0; c < concepts; c++) {
                    masks[c] += where[c].length;
                }
                for (int k = 0; k < units; k++) {
                    long region = upsampling.region(a, v.offset(n, k), t[k], on);
                    if (region == 0) {
                        continue;
                    }
                    regions[k] += region;
                    for (int c = 0; c < concepts; c++) {
                        long inter = 0;
                        for (int p : where[c]) {
                            inter += on[p] ? 1 : 0;
                        }
                        intersections[k][c] += inter;
                    }
                }
            }
            seen += v.images();
        }

        /** The indices of each concept's pixels in image {@code index}. */
        private int[][] pixels(long index, int size) {
            Map<String, boolean[]> m = labels.masks(index);
            int[][] out = new int[concepts][];
            List<String> names = labels.concepts();
            for (int c = 0; c < concepts; c++) {
                boolean[] mask = m.get(names.get(c));
                if (mask == null || mask.length != size) {
                    throw new IllegalArgumentException("labels '" + labels.description() + "' give image " + index
                            + (mask == null ? " no mask of concept '" + names.get(c) + "'" : " a mask of "
                            + mask.length + " pixels for '" + names.get(c) + "'") + "; expected " + size
                            + " pixels for every concept");
                }
                int count = 0;
                for (boolean b : mask) {
                    count += b ? 1 : 0;
                }
                int[] idx = new int[count];
                int j = 0;
                for (int p = 0; p < size; p++) {
                    if (mask[p]) {
                        idx[j++] = p;
                    }
                }
                out[c] = idx;
            }
            return out;
        }

        @Override
        public void merge(Accumulator<DissectionReport> other) {
            if (!(other instanceof ConceptOverlap.Counts o) || !o.path.equals(path)
                    || !o.job().description().equals(description())) {
                throw new IllegalArgumentException("cannot merge " + other + " into " + this + "; merge accumulators"
                        + " of the same job");
            }
            for (int k = 0; k < units; k++) {
                for (int c = 0; c < concepts; c++) {
                    intersections[k][c] += o.intersections[k][c];
                }
                regions[k] += o.regions[k];
            }
            for (int c = 0; c < concepts; c++) {
                masks[c] += o.masks[c];
            }
            seen += o.seen;
        }

        private ConceptOverlap job() {
            return ConceptOverlap.this;
        }

        @Override
        public DissectionReport result() {
            long[][] unions = new long[units][concepts];
            for (int k = 0; k < units; k++) {
                for (int c = 0; c < concepts; c++) {
                    unions[k][c] = regions[k] + masks[c] - intersections[k][c];
                }
            }
            UnitThresholds th = thresholds;
            if (seen != th.images()) {
                // the counts cover other images than the thresholds did: say so in the provenance
                th = new UnitThresholds(th.layer(), th.model(), th.engine(), th.source() + ", IoU over " + seen
                        + " images", th.quantile(), th.images(), th.height(), th.width(), th.thresholds());
            }
            return new DissectionReport(th, labels.description(), labels.height(), labels.width(), labels.concepts(),
                    intersections, unions);
        }

        @Override
        public void write(DataOutput out) throws IOException {
            out.writeLong(seen);
            out.writeInt(units);
            out.writeInt(concepts);
            for (int k = 0; k < units; k++) {
                out.writeLong(regions[k]);
                for (int c = 0; c < concepts; c++) {
                    out.writeLong(intersections[k][c]);
                }
            }
            for (int c = 0; c < concepts; c++) {
                out.writeLong(masks[c]);
            }
        }

        @Override
        public void read(DataInput in) throws IOException {
            long s = in.readLong();
            int u = in.readInt();
            int c0 = in.readInt();
            if (u != units || c0 != concepts) {
                throw new IOException("the state holds " + u + " units × " + c0 + " concepts; the job has " + units
                        + " × " + concepts);
            }
            seen = s;
            for (int k = 0; k < units; k++) {
                regions[k] = in.readLong();
                for (int c = 0; c < concepts; c++) {
                    intersections[k][c] = in.readLong();
                }
            }
            for (int c = 0; c < concepts; c++) {
                masks[c] = in.readLong();
            }
        }

        @Override
        public String toString() {
            return description() + " (" + path + ")";
        }
    }
}
