package io.github.explain4j.djl.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.util.PairList;
import io.github.explain4j.djl.internal.HeapArrays;
import io.github.explain4j.optim.Transform;
import io.github.explain4j.optim.Transforms;
import java.util.SplittableRandom;

/**
 * {@link Transforms} realised on an engine: at each optimisation step a random draw of every transform, composed into
 * one affine map from the model's input pixels back to the image's, and one bilinear resampling through it —
 * differentiable on every engine (MXNet's bilinear sampler, or a gather of the four neighbours) and with a single
 * interpolation however many transforms there are. Positions that fall outside the image (padding, shifts into
 * the border, rotated corners) take the padding's grey, 0.5.
 *
 * <p>The canvas follows the transforms as Lucid's do — padding grows it, jitter crops it, scaling resizes it,
 * rotation keeps it — and the last canvas is stretched to the model's input size, so fixed-size models work too.
 * Pixel sizes are fractions of the image side, at least one pixel.
 */
public final class ImageTransforms {

    /** The value outside the image: the padding's grey. */
    public static final float FILL = 0.5f;

    private final Transforms transforms;

    /** Realises {@code transforms}. */
    public ImageTransforms(Transforms transforms) {
        this.transforms = transforms;
    }

    /** A 2-D affine map of pixel-centre coordinates: {@code (y, x) ↦ (a·y + b·x + c, d·y + e·x + f)}. */
    record Affine(double a, double b, double c, double d, double e, double f) {
        static final Affine IDENTITY = new Affine(1, 0, 0, 0, 1, 0);

        /** This map after {@code inner}: {@code this(inner(p))}. */
        Affine after(Affine inner) {
            return new Affine(a * inner.a + b * inner.d, a * inner.b + b * inner.e, a * inner.c + b * inner.f + c,
                    d * inner.a + e * inner.d, d * inner.b + e * inner.e, d * inner.c + e * inner.f + f);
        }

        double y(double y, double x) {
            return a * y + b * x + c;
        }

        double x(double y, double x) {
            return d * y + e * x + f;
        }
    }

    /**
     * The map from the model's input pixels to the image's for one random draw: each transform maps its output
     * canvas to its input canvas, and the composition runs from the model's input back to the image.
     */
    Affine draw(int height, int width, int outHeight, int outWidth, SplittableRandom random) {
        Affine toImage = Affine.IDENTITY; // maps the current canvas to the image
        double h = height;
        double w = width;
        int side = Math.max(height, width);
        for (Transform t : transforms.steps()) {
            Affine step; // maps the new canvas to the current one
            if (t instanceof Transform.Pad p) {
                int pad = pixels(p.fraction(), side);
                step = new Affine(1, 0, -pad, 0, 1, -pad);
                h += 2 * pad;
                w += 2 * pad;
            } else if (t instanceof Transform.Jitter j) {
                int d = pixels(j.fraction(), side);
                int dy = random.nextInt(d + 1);
                int dx = random.nextInt(d + 1);
                step = new Affine(1, 0, dy, 0, 1, dx);
                h -= d;
                w -= d;
            } else if (t instanceof Transform.Scale s) {
                double[] f = s.factors();
                double k = f[random.nextInt(f.length)];
                double nh = Math.max(1, Math.round(h * k));
                double nw = Math.max(1, Math.round(w * k));
                step = new Affine(h / nh, 0, 0, 0, w / nw, 0);
                h = nh;
                w = nw;
            } else if (t instanceof Transform.Rotate r) {
                double[] deg = r.degrees();
                double angle = Math.toRadians(deg[random.nextInt(deg.length)]);
                double cos = Math.cos(angle);
                double sin = Math.sin(angle);
                double cy = h / 2;
                double cx = w / 2;
                // the new canvas's point is the old one rotated by the angle about the centre: invert that
                step = new Affine(cos, sin, cy - cos * cy - sin * cx, -sin, cos, cx + sin * cy - cos * cx);
            } else {
                throw new IllegalStateException("no realisation of transform " + t.description());
            }
            toImage = toImage.after(step);
            if (h < 1 || w < 1) {
                throw new IllegalArgumentException("the transforms " + transforms.description() + " leave no"
                        + " image of a " + height + "×" + width + " input; use smaller pads, jitters or scales");
            }
        }
        // the last canvas is stretched to the model's input
        return toImage.after(new Affine(h / outHeight, 0, 0, 0, w / outWidth, 0));
    }

    /**
     * The images {@code (N, C, H, W)} seen through one random draw per image, resampled to the model's input size
     * {@code outHeight × outWidth}.
     */
    public NDArray apply(NDArray images, int outHeight, int outWidth, SplittableRandom random) {
        long[] s = images.getShape().getShape();
        int n = (int) s[0];
        int c = (int) s[1];
        int h = (int) s[2];
        int w = (int) s[3];
        Affine[] maps = new Affine[n];
        for (int i = 0; i < n; i++) {
            maps[i] = draw(h, w, outHeight, outWidth, random);
        }
        return resample(images, maps, outHeight, outWidth);
    }

    /**
     * One random draw per image of a batch, taken as {@link #apply} takes them (same order, same random stream), for
     * resampling on the heap: {@link Drawn#apply} and its adjoint {@link Drawn#gradient}.
     */
    Drawn draw(int images, int channels, int height, int width, int outHeight, int outWidth,
            SplittableRandom random) {
        Affine[] maps = new Affine[images];
        for (int i = 0; i < images; i++) {
            maps[i] = draw(height, width, outHeight, outWidth, random);
        }
        return new Drawn(maps, channels, height, width, outHeight, outWidth);
    }

    /**
     * A batch's draws, resampling on the heap: the bilinear resampling of {@link #resample} (the same taps, the
     * same fill outside the image) as a loop, and its adjoint — each output value's gradient shared among its four
     * taps by their weights. The taps are computed once per draw and shared by both directions; the
     * image planes are resampled in parallel.
     */
    static final class Drawn {
        private final Affine[] maps;
        private final int channels;
        private final int height;
        private final int width;
        private final int outHeight;
        private final int outWidth;
        /** Per image and output position: four in-plane indices (clamped into the plane) and four weights. */
        private final int[] index;
        private final float[] weight;
        /** Per image and output position: the fill's share, from the taps outside the image. */
        private final float[] fill;

        Drawn(Affine[] maps, int channels, int height, int width, int outHeight, int outWidth) {
            this.maps = maps.clone();
            this.channels = channels;
            this.height = height;
            this.width = width;
            this.outHeight = outHeight;
            this.outWidth = outWidth;
            int out = outHeight * outWidth;
            this.index = new int[maps.length * 4 * out];
            this.weight = new float[maps.length * 4 * out];
            this.fill = new float[maps.length * out];
            taps();
        }

        /** The maps drawn, one per image. */
        Affine[] maps() {
            return maps.clone();
        }

        /** The images {@code (N, C, H, W)} seen through the draws, {@code (N, C, outHeight, outWidth)}. */
        float[] apply(float[] images) {
            return run(images, false);
        }

        /** The gradient with respect to the images of one with respect to {@link #apply}'s output. */
        float[] gradient(float[] outputGradient) {
            return run(outputGradient, true);
        }

        private float[] run(float[] values, boolean adjoint) {
            int n = maps.length;
            int in = height * width;
            int out = outHeight * outWidth;
            if (values.length != n * channels * (adjoint ? out : in)) {
                throw new IllegalArgumentException("expected " + n * channels * (adjoint ? out : in) + " values, got "
                        + values.length);
            }
            float[] result = new float[n * channels * (adjoint ? in : out)];
            HeapLoops.forEach(n * channels, (long) n * channels * out, plane -> {
                int i = plane / channels;
                int src = plane * in;
                int dst = plane * out;
                int tap = i * 4 * out;
                int at = i * out;
                for (int o = 0; o < out; o++, tap += 4) {
                    if (adjoint) {
                        float g = values[dst + o];
                        result[src + index[tap]] += weight[tap] * g;
                        result[src + index[tap + 1]] += weight[tap + 1] * g;
                        result[src + index[tap + 2]] += weight[tap + 2] * g;
                        result[src + index[tap + 3]] += weight[tap + 3] * g;
                    } else {
                        result[dst + o] = weight[tap] * values[src + index[tap]]
                                + weight[tap + 1] * values[src + index[tap + 1]]
                                + weight[tap + 2] * values[src + index[tap + 2]]
                                + weight[tap + 3] * values[src + index[tap + 3]] + fill[at + o];
                    }
                }
            });
            return result;
        }

        /** {@code ⌊v⌋} for positions well inside the int range (a cast and a correction: cheaper than Math.floor). */
        private static int floor(double v) {
            int i = (int) v;
            return v < i ? i - 1 : i;
        }

        /** Builds the taps of every image. */
        private void taps() {
            int n = maps.length;
            int out = outHeight * outWidth;
            HeapLoops.forEach(n * outHeight, (long) n * out, row -> {
                int i = row / outHeight;
                int oy = row % outHeight;
                Affine m = maps[i];
                for (int ox = 0; ox < outWidth; ox++) {
                    double sy = m.y(oy + 0.5, ox + 0.5) - 0.5; // pixel centres at k + 0.5
                    double sx = m.x(oy + 0.5, ox + 0.5) - 0.5;
                    int y0 = floor(sy);
                    int x0 = floor(sx);
                    float ty = (float) (sy - y0);
                    float tx = (float) (sx - x0);
                    boolean top = y0 >= 0 && y0 < height;
                    boolean bottom = y0 + 1 >= 0 && y0 + 1 < height;
                    boolean left = x0 >= 0 && x0 < width;
                    boolean right = x0 + 1 >= 0 && x0 + 1 < width;
                    int o = oy * outWidth + ox;
                    int t = (i * out + o) * 4;
                    weight[t] = top && left ? (1 - ty) * (1 - tx) : 0;
                    weight[t + 1] = top && right ? (1 - ty) * tx : 0;
                    weight[t + 2] = bottom && left ? ty * (1 - tx) : 0;
                    weight[t + 3] = bottom && right ? ty * tx : 0;
                    fill[i * out + o] = (1 - weight[t] - weight[t + 1] - weight[t + 2] - weight[t + 3]) * FILL;
                    // taps outside the image have weight 0; their index is clamped to stay in the plane
                    int yt = Math.max(0, Math.min(height - 1, y0));
                    int yb = Math.max(0, Math.min(height - 1, y0 + 1));
                    int xl = Math.max(0, Math.min(width - 1, x0));
                    int xr = Math.max(0, Math.min(width - 1, x0 + 1));
                    index[t] = yt * width + xl;
                    index[t + 1] = yt * width + xr;
                    index[t + 2] = yb * width + xl;
                    index[t + 3] = yb * width + xr;
                }
            });
        }
    }

    /**
     * Bilinear resampling of each image through its map (from output pixel centres to input pixel centres), values
     * outside the image {@link #FILL}. Differentiable in {@code images}. The kernel is the engine's fastest
     * differentiable one: MXNet's own bilinear sampler; on PyTorch a gather of the four neighbours along each image
     * plane (whose backward is a scatter-add); elsewhere a gather over the flattened batch ({@code take}).
     */
    static NDArray resample(NDArray images, Affine[] maps, int outHeight, int outWidth) {
        String engine = images.getManager().getEngine().getEngineName();
        if ("MXNet".equals(engine)) {
            return sampled(images, maps, outHeight, outWidth);
        }
        if ("PyTorch".equals(engine)) {
            return gathered(images, maps, outHeight, outWidth);
        }
        return taken(images, maps, outHeight, outWidth);
    }

    /** {@link #resample} by {@code take} over the flattened batch, with the taps of {@link #taps}. */
    static NDArray taken(NDArray images, Affine[] maps, int outHeight, int outWidth) {
        long[] s = images.getShape().getShape();
        int n = (int) s[0];
        int c = (int) s[1];
        Taps taps = taps(maps, c, (int) s[2], (int) s[3], outHeight, outWidth);
        NDManager m = images.getManager();
        DataType type = images.getDataType();
        Shape out = new Shape(n, c, outHeight, outWidth);
        NDArray result = null;
        for (int k = 0; k < 4; k++) {
            NDArray idx = HeapArrays.create(m, taps.index()[k], out);
            NDArray wk = HeapArrays.create(m, taps.weight()[k], out).toType(type, false);
            NDArray term = images.take(idx).reshape(out).mul(wk);
            result = result == null ? term : result.add(term);
        }
        double[] fill = taps.outside().clone();
        for (int i = 0; i < fill.length; i++) {
            fill[i] *= FILL;
        }
        return result.add(HeapArrays.create(m, fill, out).toType(type, false));
    }

    /**
     * {@link #resample} by one gather along each image plane: the four taps' in-plane indices and weights are the
     * same for every channel, so they are built once per image.
     */
    static NDArray gathered(NDArray images, Affine[] maps, int outHeight, int outWidth) {
        long[] s = images.getShape().getShape();
        int n = (int) s[0];
        int c = (int) s[1];
        int h = (int) s[2];
        int w = (int) s[3];
        int plane = outHeight * outWidth;
        long[] index = new long[n * 4 * plane];
        double[] weight = new double[n * 4 * plane];
        double[] fill = new double[n * plane];
        for (int i = 0; i < n; i++) {
            Affine m = maps[i];
            for (int oy = 0; oy < outHeight; oy++) {
                for (int ox = 0; ox < outWidth; ox++) {
                    int o = oy * outWidth + ox;
                    Corners k = Corners.at(m, oy, ox);
                    for (int t = 0; t < 4; t++) {
                        long at = k.index(t, h, w);
                        if (at >= 0) {
                            index[(i * 4 + t) * plane + o] = at;
                            weight[(i * 4 + t) * plane + o] = k.weight(t);
                        }
                    }
                    fill[i * plane + o] = k.outside(h, w) * FILL;
                }
            }
        }
        NDManager mgr = images.getManager();
        DataType type = images.getDataType();
        NDArray idx = HeapArrays.create(mgr, index, new Shape(n, 1, 4L * plane)).broadcast(new Shape(n, c, 4L * plane));
        NDArray wk = HeapArrays.create(mgr, weight, new Shape(n, 1, 4, plane)).toType(type, false);
        NDArray taps = images.reshape(n, c, (long) h * w).gather(idx, 2).reshape(n, c, 4, plane).mul(wk)
                .sum(new int[] {2});
        return taps.add(HeapArrays.create(mgr, fill, new Shape(n, 1, plane)).toType(type, false))
                .reshape(n, c, outHeight, outWidth);
    }

    /**
     * {@link #resample} by MXNet's {@code BilinearSampler}, which reads each output's source position from a grid
     * normalised to [−1, 1] (corner pixel centres at ±1) and takes 0 for taps outside the image; the fill's share
     * (the outside taps' summed weight) is added from the heap.
     */
    static NDArray sampled(NDArray images, Affine[] maps, int outHeight, int outWidth) {
        long[] s = images.getShape().getShape();
        int n = (int) s[0];
        int h = (int) s[2];
        int w = (int) s[3];
        int plane = outHeight * outWidth;
        double[] grid = new double[n * 2 * plane];
        double[] fill = new double[n * plane];
        for (int i = 0; i < n; i++) {
            Affine m = maps[i];
            for (int oy = 0; oy < outHeight; oy++) {
                for (int ox = 0; ox < outWidth; ox++) {
                    int o = oy * outWidth + ox;
                    Corners k = Corners.at(m, oy, ox);
                    grid[i * 2 * plane + o] = k.sx * 2 / (w - 1) - 1;
                    grid[(i * 2 + 1) * plane + o] = k.sy * 2 / (h - 1) - 1;
                    fill[i * plane + o] = k.outside(h, w) * FILL;
                }
            }
        }
        NDManager mgr = images.getManager();
        DataType type = images.getDataType();
        NDArray g = HeapArrays.create(mgr, grid, new Shape(n, 2, outHeight, outWidth)).toType(type, false);
        NDArray sampled = mgr.invoke("BilinearSampler", new NDList(images, g), new PairList<>()).singletonOrThrow();
        return sampled.add(HeapArrays.create(mgr, fill, new Shape(n, 1, outHeight, outWidth)).toType(type, false));
    }

    /**
     * Where output pixel {@code (oy, ox)} reads the input: the source position {@code (sy, sx)} in pixel-centre
     * coordinates, its top-left neighbour and the fractions towards the next ones.
     */
    private record Corners(double sy, double sx, int y0, int x0, double ty, double tx) {
        static Corners at(Affine m, int oy, int ox) {
            double sy = m.y(oy + 0.5, ox + 0.5) - 0.5; // pixel centres at k + 0.5
            double sx = m.x(oy + 0.5, ox + 0.5) - 0.5;
            int y0 = (int) Math.floor(sy);
            int x0 = (int) Math.floor(sx);
            return new Corners(sy, sx, y0, x0, sy - y0, sx - x0);
        }

        /** The weight of tap {@code t}: 0 top-left, 1 top-right, 2 bottom-left, 3 bottom-right. */
        double weight(int t) {
            return ((t >> 1) == 1 ? ty : 1 - ty) * ((t & 1) == 1 ? tx : 1 - tx);
        }

        /** Tap {@code t}'s index in an {@code h × w} plane, or −1 when it falls outside. */
        long index(int t, int h, int w) {
            int y = y0 + (t >> 1);
            int x = x0 + (t & 1);
            return y >= 0 && y < h && x >= 0 && x < w ? (long) y * w + x : -1;
        }

        /** The summed weight of the taps outside an {@code h × w} plane. */
        double outside(int h, int w) {
            double sum = 0;
            for (int t = 0; t < 4; t++) {
                sum += index(t, h, w) < 0 ? weight(t) : 0;
            }
            return sum;
        }
    }

    /**
     * The four bilinear taps of every output value: the linear index into the input {@code (N, C, H, W)} and the
     * weight of each tap that falls inside the image, and the summed weight of those that fall outside.
     */
    record Taps(long[][] index, double[][] weight, double[] outside) {}

    /** The taps of {@link #resample}, built on the heap. */
    static Taps taps(Affine[] maps, int c, int h, int w, int outHeight, int outWidth) {
        int n = maps.length;
        int plane = outHeight * outWidth;
        int size = n * c * plane;
        long[][] index = new long[4][size];
        double[][] weight = new double[4][size];
        double[] outside = new double[size];
        for (int i = 0; i < n; i++) {
            Affine m = maps[i];
            for (int oy = 0; oy < outHeight; oy++) {
                for (int ox = 0; ox < outWidth; ox++) {
                    Corners q = Corners.at(m, oy, ox);
                    for (int ch = 0; ch < c; ch++) {
                        int o = (i * c + ch) * plane + oy * outWidth + ox;
                        long base = (long) (i * c + ch) * h * w;
                        for (int k = 0; k < 4; k++) {
                            long at = q.index(k, h, w);
                            if (at >= 0) {
                                index[k][o] = base + at;
                                weight[k][o] = q.weight(k);
                            }
                        }
                        outside[o] = q.outside(h, w);
                    }
                }
            }
        }
        return new Taps(index, weight, outside);
    }

    private static int pixels(double fraction, int side) {
        return fraction == 0 ? 0 : Math.max(1, (int) Math.round(fraction * side));
    }

    /** The transforms realised here. */
    public Transforms description() {
        return transforms;
    }
}
