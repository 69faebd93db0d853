package io.github.explain4j.djl.inside;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import io.github.explain4j.djl.ExplainableModel;
import io.github.explain4j.djl.seam.Trace;
import io.github.explain4j.djl.seam.TraceRequest;
import io.github.explain4j.inside.EquivarianceReport;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CancellationException;
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
    public sealed interface Move permits Flip, Zoom {
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
            float[] rgb = new float[3 * h * w];
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int p = image.getRGB(x, y);
                    rgb[y * w + x] = (p >> 16) & 0xFF;
                    rgb[(h + y) * w + x] = (p >> 8) & 0xFF;
                    rgb[(2 * h + y) * w + x] = p & 0xFF;
                }
            }
            float[] z = apply(rgb, 3, h, w);
            BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int r = Math.round(z[y * w + x]);
                    int g = Math.round(z[(h + y) * w + x]);
                    int b = Math.round(z[(2 * h + y) * w + x]);
                    out.setRGB(x, y, (r << 16) | (g << 8) | b);
                }
            }
            return out;
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
        int layerCount = paths.size();
        int transformCount = transforms.size();
        Sums[][] sums = new Sums[transformCount][layerCount];
        for (int t = 0; t < transformCount; t++) {
            for (int l = 0; l < layerCount; l++) {
                sums[t][l] = new Sums((int) shapes.get(l)[1]);
            }
        }
        int total = (fit.size() + test.size()) * transformCount;
        int[] done = {0};
        // each image's own features once, then those of each transformed copy
        forEachPair(model, paths, shapes, fit, done, total, (t, l, moved, features) -> sums[t][l].add(moved,
                features));
        DMatrixRMaj[][] maps = new DMatrixRMaj[transformCount][layerCount];
        for (int t = 0; t < transformCount; t++) {
            for (int l = 0; l < layerCount; l++) {
                maps[t][l] = sums[t][l].solve(ridge, paths.get(l));
            }
        }
        double[][][] residual = new double[transformCount][layerCount][3];
        forEachPair(model, paths, shapes, test, done, total, (t, l, moved, features) -> Sums.residual(maps[t][l],
                sums[t][l].c, moved, features, residual[t][l]));
        double[][] errors = new double[layerCount][transformCount];
        double[][] identity = new double[layerCount][transformCount];
        for (int t = 0; t < transformCount; t++) {
            for (int l = 0; l < layerCount; l++) {
                double[] r = residual[t][l];
                errors[l][t] = r[2] == 0 ? 0 : r[0] / r[2];
                identity[l][t] = r[2] == 0 ? 0 : r[1] / r[2];
            }
        }
        List<String> names = transforms.stream().map(Move::label).toList();
        return new EquivarianceReport(layers, names, errors, identity, fit.size(), test.size(), model.name());
    }

    /** What is done with one layer's pair for one transform: {@code g·φ(x)} and {@code φ(gx)}, both (C, H, W). */
    @FunctionalInterface
    private interface PairUse {
        void accept(int transform, int layer, float[] moved, float[] features);
    }

    /**
     * For every image, the features of the image itself (once) and of each transformed copy, handed on per transform
     * and layer as {g·φ(x), φ(gx)}; one progress unit per image and transform, cancellable between passes.
     */
    private void forEachPair(ExplainableModel model, List<String> paths, List<long[]> shapes,
            List<BufferedImage> images, int[] done, int total, PairUse use) {
        for (BufferedImage image : images) {
            List<float[]> plain = features(model, paths, image);
            for (int t = 0; t < transforms.size(); t++) {
                Move g = transforms.get(t);
                List<float[]> moved = features(model, paths, g.apply(image));
                for (int l = 0; l < paths.size(); l++) {
                    long[] s = shapes.get(l);
                    use.accept(t, l, g.apply(plain.get(l), (int) s[1], (int) s[2], (int) s[3]), moved.get(l));
                }
                model.progress().progress("Equivariance", ++done[0], total);
            }
        }
    }

    private static List<float[]> features(ExplainableModel model, List<String> paths, BufferedImage image) {
        if (Thread.currentThread().isInterrupted()) {
            throw new CancellationException("Equivariance was cancelled");
        }
        return model.call(scope -> {
            NDArray x = model.toInput(scope, List.of(image));
            Trace t = model.seam().trace(scope, TraceRequest.of(x).capture(paths.toArray(String[]::new))
                    .stopAfterCaptures());
            List<float[]> out = new ArrayList<>();
            for (String p : paths) {
                out.add(t.activation(p).toType(DataType.FLOAT32, false).toFloatArray());
            }
            return out;
        });
    }

    /** The normal equations of the ridge fit of {@code y ≈ A x} over positions, accumulated image by image. */
    private static final class Sums {
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
