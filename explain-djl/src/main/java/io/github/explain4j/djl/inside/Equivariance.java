package io.github.explain4j.djl.inside;

import io.github.explain4j.api.Images;
import io.github.explain4j.data.DatasetItem;
import io.github.explain4j.data.ImageSource;
import io.github.explain4j.djl.ExplainableModel;
import io.github.explain4j.djl.data.DatasetJob;
import io.github.explain4j.djl.data.DatasetPass;
import io.github.explain4j.djl.data.LayerBatch;
import io.github.explain4j.djl.data.LayerValues;
import io.github.explain4j.inside.EquivarianceReport;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.factory.LinearSolverFactory_DDRM;
import org.ejml.interfaces.linsol.LinearSolverDense;

/**
 * How equivariant a network's layers are to image transforms (Lenc &amp; Vedaldi, CVPR 2015): for each layer and
 * transform {@code g}, a channel mixing {@code A} is fitted by ridge regression (EJML) so that
 * {@code φ(gx) ≈ g·(A φ(x))} over every position of a set of images — {@code g} moving the feature map's positions
 * as it moves the image's — and measured on held-out images as the normalised error of {@link EquivarianceReport}.
 * The transforms are those of the paper's study: horizontal and vertical flips and the quarter turn (square
 * inputs), which move feature maps without resampling, and with {@link #rescale} rescaling about the centre,
 * which resamples images and maps alike ({@link Zoom}).
 *
 * <pre>{@code
 * EquivarianceReport r = Equivariance.of("stem", "stage2", "stage3").measure(model, fit, heldOut);
 * r.error("stage3", "flip horizontally");
 * }</pre>
 */
public final class Equivariance {

    /** An image transform and the same transform of feature maps. */
    public sealed interface Move extends java.io.Serializable permits Flip, Zoom {
        /** The name used in reports. */
        String label();

        /** {@code (C, H, W)} planes transformed. */
        float[] apply(float[] chw, int c, int h, int w);

        /** The image transformed. */
        BufferedImage apply(BufferedImage image);
    }

    /**
     * Rescaling about the centre by {@code factor} (1.25 enlarges the middle and crops the border; 0.8 shrinks the
     * image into a black frame), bilinear on the image's pixels and on each feature map's positions alike — the
     * paper's rescaling, which unlike a flip resamples, so even an ideal network keeps a small error.
     *
     * @param factor the scale factor, in (0.25, 4) and not 1
     */
    public record Zoom(double factor) implements Move {

        /** Checks the factor. */
        public Zoom {
            if (!(factor > 0.25 && factor < 4) || factor == 1) {
                throw new IllegalArgumentException("zoom factor was " + factor + "; expected a factor in (0.25, 4)"
                        + " other than 1, e.g. 1.25 or 0.8");
            }
        }

        @Override
        public String label() {
            return String.format(java.util.Locale.ROOT, "rescale %.2f×", factor);
        }

        @Override
        public float[] apply(float[] chw, int c, int h, int w) {
            float[] out = new float[chw.length];
            double cy = (h - 1) / 2.0;
            double cx = (w - 1) / 2.0;
            for (int y = 0; y < h; y++) {
                double sy = (y - cy) / factor + cy;
                for (int x = 0; x < w; x++) {
                    double sx = (x - cx) / factor + cx;
                    for (int ch = 0; ch < c; ch++) {
                        out[(ch * h + y) * w + x] = (float) sample(chw, ch * h * w, h, w, sy, sx);
                    }
                }
            }
            return out;
        }

        /** Bilinear at {@code (y, x)}, zero outside the plane. */
        private static double sample(float[] v, int off, int h, int w, double y, double x) {
            int y0 = (int) Math.floor(y);
            int x0 = (int) Math.floor(x);
            double fy = y - y0;
            double fx = x - x0;
            double s = 0;
            for (int dy = 0; dy <= 1; dy++) {
                for (int dx = 0; dx <= 1; dx++) {
                    int yy = y0 + dy;
                    int xx = x0 + dx;
                    if (yy >= 0 && yy < h && xx >= 0 && xx < w) {
                        s += (dy == 0 ? 1 - fy : fy) * (dx == 0 ? 1 - fx : fx) * v[off + yy * w + xx];
                    }
                }
            }
            return s;
        }

        @Override
        public BufferedImage apply(BufferedImage image) {
            int h = image.getHeight();
            int w = image.getWidth();
            return Images.fromChw(apply(Images.toChw(image, 3, h, w), 3, h, w), 3, h, w);
        }
    }

    /** An image transform that moves pixels exactly, and moves feature maps the same way. */
    public enum Flip implements Move {
        /** Mirror left–right. */
        HORIZONTAL("flip horizontally"),
        /** Mirror top–bottom. */
        VERTICAL("flip vertically"),
        /** A quarter turn counter-clockwise (square images and maps). */
        QUARTER_TURN("rotate 90°");

        private final String label;

        Flip(String label) {
            this.label = label;
        }

        @Override
        public String label() {
            return label;
        }

        /** Where the value at {@code (y, x)} of an {@code h × w} plane goes: {@code {y', x'}}. */
        int[] move(int y, int x, int h, int w) {
            return switch (this) {
                case HORIZONTAL -> new int[] {y, w - 1 - x};
                case VERTICAL -> new int[] {h - 1 - y, x};
                case QUARTER_TURN -> new int[] {w - 1 - x, y};
            };
        }

        @Override
        public float[] apply(float[] chw, int c, int h, int w) {
            if (this == QUARTER_TURN && h != w) {
                throw new IllegalArgumentException("a quarter turn needs square maps; this one is " + h + "×" + w);
            }
            float[] out = new float[chw.length];
            for (int ch = 0; ch < c; ch++) {
                for (int y = 0; y < h; y++) {
                    for (int x = 0; x < w; x++) {
                        int[] to = move(y, x, h, w);
                        out[(ch * h + to[0]) * w + to[1]] = chw[(ch * h + y) * w + x];
                    }
                }
            }
            return out;
        }

        @Override
        public BufferedImage apply(BufferedImage image) {
            int h = image.getHeight();
            int w = image.getWidth();
            if (this == QUARTER_TURN && h != w) {
                throw new IllegalArgumentException("a quarter turn needs square images; this one is " + h + "×" + w);
            }
            BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int[] to = move(y, x, h, w);
                    out.setRGB(to[1], to[0], image.getRGB(x, y));
                }
            }
            return out;
        }
    }

    private final List<String> layers;
    private final List<Move> transforms;
    private final double ridge;

    private Equivariance(List<String> layers, List<Move> transforms, double ridge) {
        this.layers = layers;
        this.transforms = transforms;
        this.ridge = ridge;
    }

    /** Measures these layers, for every {@link Flip}, with ridge 1e-3 (relative to the features' mean square). */
    public static Equivariance of(String... layers) {
        if (layers.length == 0) {
            throw new IllegalArgumentException("no layer was given; name the layers to measure, e.g. of(\"stage2\")");
        }
        return new Equivariance(List.of(layers), List.of(Flip.values()), 1e-3);
    }

    /** Only these transforms. */
    public Equivariance transforms(Move... moves) {
        if (moves.length == 0) {
            throw new IllegalArgumentException("no transform was given; pass one or more of " + Arrays.toString(
                    Flip.values()) + " or new Zoom(factor)");
        }
        return new Equivariance(layers, List.of(moves), ridge);
    }

    /** The transforms so far and rescaling by each of {@code factors} (see {@link Zoom}). */
    public Equivariance rescale(double... factors) {
        List<Move> all = new ArrayList<>(transforms);
        for (double f : factors) {
            all.add(new Zoom(f));
        }
        return new Equivariance(layers, List.copyOf(all), ridge);
    }

    /** The ridge weight, relative to the mean square of the fitted features (≥ 0). */
    public Equivariance ridge(double lambda) {
        if (!(lambda >= 0) || Double.isInfinite(lambda)) {
            throw new IllegalArgumentException("ridge was " + lambda + "; expected a finite value ≥ 0 (1e-3 is usual)");
        }
        return new Equivariance(layers, transforms, lambda);
    }

    /**
     * Fits the maps on {@code fit} and measures them on {@code test} (different images). Progress goes to the
     * model's listener (one unit per image and transform); interrupting the thread cancels.
     *
     * @throws IllegalArgumentException for an unknown layer, a layer without {@code (1, C, H, W)} maps, empty sets
     */
    public EquivarianceReport measure(ExplainableModel model, List<BufferedImage> fit, List<BufferedImage> test) {
        Objects.requireNonNull(model, "model");
        if (fit.isEmpty() || test.isEmpty()) {
            throw new IllegalArgumentException("fit images " + fit.size() + ", held-out images " + test.size()
                    + "; both sets need images (Lenc & Vedaldi fit on one set and measure on another)");
        }
        return measure(model, ImageSource.of(fit), ImageSource.of(test));
    }

    /**
     * Fits the maps on the images of {@code fit} and measures them on those of {@code test}, two
     * {@link DatasetPass dataset passes} over each image and its transformed copies (32 at a time), so any source
     * — a folder, an IDX file — serves and memory stays bounded. Progress (images and copies) goes to the model's
     * listener; interrupting the thread cancels.
     *
     * @throws IllegalArgumentException for an unknown layer or a layer without {@code (N, C, H, W)} maps
     */
    public EquivarianceReport measure(ExplainableModel model, ImageSource fit, ImageSource test) {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(fit, "fit was null; pass the images to fit the maps on");
        Objects.requireNonNull(test, "test was null; pass held-out images to measure the maps on");
        List<String> paths = new ArrayList<>();
        List<long[]> shapes = new ArrayList<>();
        for (String l : layers) {
            String path = model.seam().resolveLayer(l);
            long[] shape = model.layer(path).outputShape();
            if (shape.length != 4) {
                throw new IllegalArgumentException("layer '" + path + "' gives shape " + Arrays.toString(shape)
                        + "; equivariance is measured on (N, C, H, W) feature maps");
            }
            paths.add(path);
            shapes.add(shape);
        }
        Pairs.State fitted = DatasetPass.over(new Copies(fit, transforms)).batchSize(BATCH)
                .run(model, new Pairs(paths, shapes, transforms, null));
        int layerCount = paths.size();
        int transformCount = transforms.size();
        if (fitted.images == 0) {
            throw new IllegalArgumentException("the fit source " + fit.description() + " gave no image; Lenc & Vedaldi"
                    + " fit on one set of images and measure on another");
        }
        double[][][] maps = new double[transformCount][layerCount][];
        for (int t = 0; t < transformCount; t++) {
            for (int l = 0; l < layerCount; l++) {
                maps[t][l] = fitted.sums[t][l].solve(ridge, paths.get(l)).data;
            }
        }
        Pairs.State measured = DatasetPass.over(new Copies(test, transforms)).batchSize(BATCH)
                .run(model, new Pairs(paths, shapes, transforms, maps));
        if (measured.images == 0) {
            throw new IllegalArgumentException("held-out images 0 (" + test.description() + "); Lenc & Vedaldi"
                    + " measure on images the maps were not fitted on");
        }
        double[][] errors = new double[layerCount][transformCount];
        double[][] identity = new double[layerCount][transformCount];
        for (int t = 0; t < transformCount; t++) {
            for (int l = 0; l < layerCount; l++) {
                double[] r = measured.residual[t][l];
                errors[l][t] = r[2] == 0 ? 0 : r[0] / r[2];
                identity[l][t] = r[2] == 0 ? 0 : r[1] / r[2];
            }
        }
        List<String> names = transforms.stream().map(Move::label).toList();
        return new EquivarianceReport(layers, names, errors, identity, (int) fitted.images, (int) measured.images,
                model.name());
    }

    /** Images and their transformed copies per batch. */
    private static final int BATCH = 32;

    /**
     * Each image of a source followed by its transformed copies: image {@code j}'s copy {@code t} (0 the image
     * itself) has index {@code j·(T + 1) + t}.
     */
    private record Copies(ImageSource inner, List<Move> moves) implements ImageSource {
        @Override
        public long size() {
            long n = inner.size();
            return n < 0 ? -1 : n * (moves.size() + 1);
        }

        @Override
        public String description() {
            return inner.description() + " with " + moves.stream().map(Move::label).toList();
        }

        @Override
        public java.util.stream.Stream<DatasetItem> stream(long first) {
            int per = moves.size() + 1;
            return inner.stream(first / per).flatMap(item -> java.util.stream.IntStream.range(0, per)
                    .mapToObj(t -> new DatasetItem(item.index() * per + t,
                            t == 0 ? item.image() : moves.get(t - 1).apply(item.image()), item.label(),
                            t == 0 ? item.name() : item.name() + " " + moves.get(t - 1).label())))
                    .filter(item -> item.index() >= first);
        }
    }

    /**
     * The pass over images and their copies: with no maps, the normal equations of the fit; with maps, the
     * residuals on held-out images. Each image's own features wait until its copies arrive (they follow it).
     */
    private record Pairs(List<String> paths, List<long[]> shapes, List<Move> moves, double[][][] maps)
            implements DatasetJob<Pairs.State> {

        @Override
        public String description() {
            return (maps == null ? "equivariance fit of " : "equivariance test of ") + paths + " for "
                    + moves.stream().map(Move::label).toList();
        }

        @Override
        public Accumulator<State> start(ExplainableModel model) {
            return new State(this);
        }

        /** The sums so far, and the image whose copies are still to come. */
        static final class State implements Accumulator<State> {
            private final Pairs job;
            final Sums[][] sums;
            final double[][][] residual;
            long images;
            private long pending = -1;
            private float[][] plain;

            State(Pairs job) {
                this.job = job;
                int t = job.moves.size();
                int l = job.paths.size();
                sums = new Sums[t][l];
                residual = new double[t][l][3];
                for (int i = 0; i < t; i++) {
                    for (int j = 0; j < l; j++) {
                        sums[i][j] = new Sums((int) job.shapes.get(j)[1]);
                    }
                }
            }

            @Override
            public List<String> layers() {
                return job.paths;
            }

            @Override
            public void add(LayerBatch batch) {
                int per = job.moves.size() + 1;
                for (int n = 0; n < batch.size(); n++) {
                    long k = batch.items().get(n).index();
                    long image = k / per;
                    int copy = (int) (k % per);
                    float[][] features = new float[job.paths.size()][];
                    for (int l = 0; l < features.length; l++) {
                        LayerValues v = batch.layer(job.paths.get(l));
                        features[l] = java.util.Arrays.copyOfRange(v.values(), n * v.perImage(),
                                (n + 1) * v.perImage());
                    }
                    if (copy == 0) {
                        pending = image;
                        plain = features;
                        images++;
                        continue;
                    }
                    if (pending != image) {
                        throw new IllegalStateException("copy " + copy + " of image " + image + " came without the"
                                + " image itself; the pass must see each image followed by its copies");
                    }
                    for (int l = 0; l < features.length; l++) {
                        long[] s = job.shapes.get(l);
                        float[] moved = job.moves.get(copy - 1).apply(plain[l], (int) s[1], (int) s[2], (int) s[3]);
                        if (job.maps == null) {
                            sums[copy - 1][l].add(moved, features[l]);
                        } else {
                            int c = (int) s[1];
                            Sums.residual(DMatrixRMaj.wrap(c, c, job.maps[copy - 1][l]), c, moved, features[l],
                                    residual[copy - 1][l]);
                        }
                    }
                    if (copy == per - 1) {
                        pending = -1;
                        plain = null;
                    }
                }
            }

            @Override
            public void merge(Accumulator<State> other) {
                if (!(other instanceof State o) || !o.job.description().equals(job.description())) {
                    throw new IllegalArgumentException("cannot merge " + other + " into " + job.description());
                }
                if (pending >= 0 || o.pending >= 0) {
                    throw new IllegalStateException("a part ended between an image and its copies; partition the"
                            + " images, not their copies");
                }
                for (int t = 0; t < sums.length; t++) {
                    for (int l = 0; l < sums[t].length; l++) {
                        sums[t][l].addAll(o.sums[t][l]);
                        for (int i = 0; i < 3; i++) {
                            residual[t][l][i] += o.residual[t][l][i];
                        }
                    }
                }
                images += o.images;
            }

            @Override
            public State result() {
                return this;
            }

            @Override
            public void write(java.io.DataOutput out) throws java.io.IOException {
                out.writeLong(images);
                out.writeLong(pending);
                out.writeBoolean(plain != null);
                if (plain != null) {
                    for (float[] f : plain) {
                        out.writeInt(f.length);
                        for (float v : f) {
                            out.writeFloat(v);
                        }
                    }
                }
                for (int t = 0; t < sums.length; t++) {
                    for (int l = 0; l < sums[t].length; l++) {
                        sums[t][l].write(out);
                        for (double v : residual[t][l]) {
                            out.writeDouble(v);
                        }
                    }
                }
            }

            @Override
            public void read(java.io.DataInput in) throws java.io.IOException {
                images = in.readLong();
                pending = in.readLong();
                plain = null;
                if (in.readBoolean()) {
                    plain = new float[job.paths.size()][];
                    for (int l = 0; l < plain.length; l++) {
                        plain[l] = new float[in.readInt()];
                        for (int i = 0; i < plain[l].length; i++) {
                            plain[l][i] = in.readFloat();
                        }
                    }
                }
                for (int t = 0; t < sums.length; t++) {
                    for (int l = 0; l < sums[t].length; l++) {
                        sums[t][l].read(in);
                        for (int i = 0; i < 3; i++) {
                            residual[t][l][i] = in.readDouble();
                        }
                    }
                }
            }
        }
    }

    /** The normal equations of the ridge fit of {@code y ≈ A x} over positions, accumulated image by image. */
    private static final class Sums implements java.io.Serializable {
        private static final long serialVersionUID = 1L;
        final int c;
        final DMatrixRMaj xx;
        final DMatrixRMaj xy;
        double meanSquare;
        long rows;

        Sums(int c) {
            this.c = c;
            xx = new DMatrixRMaj(c, c);
            xy = new DMatrixRMaj(c, c);
        }

        /** Adds every position of {@code x} and {@code y}, both {@code (C, P)} row-major. */
        void add(float[] x, float[] y) {
            int p = x.length / c;
            DMatrixRMaj xm = matrix(x, p);
            DMatrixRMaj ym = matrix(y, p);
            CommonOps_DDRM.multAddTransB(xm, xm, xx);
            CommonOps_DDRM.multAddTransB(xm, ym, xy);
            for (float v : x) {
                meanSquare += v * (double) v;
            }
            rows += p;
        }

        void addAll(Sums o) {
            CommonOps_DDRM.addEquals(xx, o.xx);
            CommonOps_DDRM.addEquals(xy, o.xy);
            meanSquare += o.meanSquare;
            rows += o.rows;
        }

        void write(java.io.DataOutput out) throws java.io.IOException {
            for (double v : xx.data) {
                out.writeDouble(v);
            }
            for (double v : xy.data) {
                out.writeDouble(v);
            }
            out.writeDouble(meanSquare);
            out.writeLong(rows);
        }

        void read(java.io.DataInput in) throws java.io.IOException {
            for (int i = 0; i < xx.data.length; i++) {
                xx.data[i] = in.readDouble();
            }
            for (int i = 0; i < xy.data.length; i++) {
                xy.data[i] = in.readDouble();
            }
            meanSquare = in.readDouble();
            rows = in.readLong();
        }

        /** {@code A} ({@code C × C}) solving {@code (XXᵀ + λ·ms·I) Aᵀ = XYᵀ}. */
        DMatrixRMaj solve(double ridge, String layer) {
            DMatrixRMaj lhs = xx.copy();
            double lambda = ridge * meanSquare / Math.max(1, rows);
            for (int i = 0; i < c; i++) {
                lhs.add(i, i, Math.max(lambda, 1e-12));
            }
            LinearSolverDense<DMatrixRMaj> solver = LinearSolverFactory_DDRM.symmPosDef(c);
            if (!solver.setA(lhs)) {
                throw new IllegalStateException("the fit for layer '" + layer + "' is singular; raise the ridge");
            }
            DMatrixRMaj at = new DMatrixRMaj(c, c);
            solver.solve(xy.copy(), at);
            DMatrixRMaj a = new DMatrixRMaj(c, c);
            CommonOps_DDRM.transpose(at, a);
            return a;
        }

        /** Adds {‖y − Ax‖², ‖y − x‖², ‖y‖²} over the positions of one image to {@code into}. */
        static void residual(DMatrixRMaj a, int c, float[] x, float[] y, double[] into) {
            int p = x.length / c;
            DMatrixRMaj xm = matrix(x, p);
            DMatrixRMaj ax = new DMatrixRMaj(c, p);
            CommonOps_DDRM.mult(a, xm, ax);
            for (int i = 0; i < x.length; i++) {
                double d = y[i] - ax.data[i];
                double e = y[i] - x[i];
                into[0] += d * d;
                into[1] += e * e;
                into[2] += y[i] * (double) y[i];
            }
        }

        private static DMatrixRMaj matrix(float[] v, int p) {
            DMatrixRMaj m = new DMatrixRMaj(v.length / p, p);
            for (int i = 0; i < v.length; i++) {
                m.data[i] = v[i];
            }
            return m;
        }
    }
}
