package io.github.explain4j.djl.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.github.explain4j.djl.internal.HeapArrays;
import io.github.explain4j.optim.Transform;
import io.github.explain4j.optim.Transforms;
import java.util.SplittableRandom;

/**
 * {@link Transforms} realised on an engine: at each optimisation step a random draw of every transform, composed into
 * one affine map from the model's input pixels back to the image's, and one bilinear resampling through it —
 * differentiable on every engine (a gather of the four neighbours, DJL's {@code take}) and with a single
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
     * Bilinear resampling of each image through its map (from output pixel centres to input pixel centres), values
     * outside the image {@link #FILL}. Differentiable in {@code images}.
     */
    static NDArray resample(NDArray images, Affine[] maps, int outHeight, int outWidth) {
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
                    // pixel centres at k + 0.5
                    double sy = m.y(oy + 0.5, ox + 0.5) - 0.5;
                    double sx = m.x(oy + 0.5, ox + 0.5) - 0.5;
                    int y0 = (int) Math.floor(sy);
                    int x0 = (int) Math.floor(sx);
                    double ty = sy - y0;
                    double tx = sx - x0;
                    int[] ys = {y0, y0, y0 + 1, y0 + 1};
                    int[] xs = {x0, x0 + 1, x0, x0 + 1};
                    double[] ws = {(1 - ty) * (1 - tx), (1 - ty) * tx, ty * (1 - tx), ty * tx};
                    for (int ch = 0; ch < c; ch++) {
                        int o = (i * c + ch) * plane + oy * outWidth + ox;
                        long base = (long) (i * c + ch) * h * w;
                        for (int k = 0; k < 4; k++) {
                            if (ys[k] >= 0 && ys[k] < h && xs[k] >= 0 && xs[k] < w) {
                                index[k][o] = base + (long) ys[k] * w + xs[k];
                                weight[k][o] = ws[k];
                            } else {
                                outside[o] += ws[k];
                            }
                        }
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
