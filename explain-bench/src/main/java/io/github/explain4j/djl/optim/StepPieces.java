package io.github.explain4j.djl.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import io.github.explain4j.djl.internal.HeapArrays;
import io.github.explain4j.optim.Parameterization;
import io.github.explain4j.optim.Transforms;
import java.util.SplittableRandom;

/**
 * Benchmark-only access to the pieces of one {@link FeatureVisualization} step (package-private in
 * {@code explain-djl}), so that {@code FeatureStepRun} can time them one by one. Lives in {@code explain-bench}
 * in the library's package; it calls the library's own code where it can and copies it (marked) where a piece is
 * buried inside a method — the Java loops that build the inverse DFT's matrices and the resampling's indices.
 */
public final class StepPieces {

    private final ImageParameterization parameterization;
    private final ImageTransforms transforms;
    private final int height;
    private final int width;

    /** Lucid's default parameterisation (FFT, decorrelated, sigmoid) at {@code batch} and the standard transforms. */
    public StepPieces(int batch, int channels, int height, int width) {
        this.parameterization = new ImageParameterization(Parameterization.fft().decorrelated().batch(batch),
                channels, height, width);
        this.transforms = new ImageTransforms(Transforms.standard());
        this.height = height;
        this.width = width;
    }

    /** The random start, as the library draws it. */
    public NDArray initial(NDManager m, long seed) {
        return parameterization.initial(m, seed);
    }

    /** The whole parameterisation: parameters to images in [0, 1]. */
    public NDArray image(NDArray theta) {
        return parameterization.image(theta);
    }

    /** {@link ImageParameterization#spectrumScale}, as the library builds it once per image call. */
    public NDArray spectrumScale(NDManager m, DataType type) {
        return parameterization.spectrumScale(m, type);
    }

    /** The library's {@code inverseRealFft2} (matrices built on the heap, copied to the engine, 6 products). */
    public NDArray inverseFft(NDArray re, NDArray im) {
        return ImageParameterization.inverseRealFft2(re, im, height, width);
    }

    /** The inverse DFT's four matrices {cH, sH, pW, qW}, as the library builds them. */
    public NDArray[] dftMatrices(NDManager m, DataType type) {
        return ImageParameterization.dftMatrices(m, type, height, width);
    }

    /** The inverse DFT's six products alone, with prebuilt matrices (what a cached realisation would run). */
    public static NDArray inverseFftProducts(NDArray re, NDArray im, NDArray[] mats) {
        NDArray yRe = mats[0].matMul(re).sub(mats[1].matMul(im));
        NDArray yIm = mats[1].matMul(re).add(mats[0].matMul(im));
        return yRe.matMul(mats[2]).sub(yIm.matMul(mats[3]));
    }

    /**
     * The parameterisation with its constants (spectrum scale, DFT matrices) built once and passed in: the same
     * function as {@link #image}, as a cached realisation would compute it.
     */
    public static NDArray imageCached(NDArray theta, NDArray scale, NDArray[] mats) {
        NDArray raw = inverseFftProducts(theta.get(0).mul(scale), theta.get(1).mul(scale), mats).div(4);
        return Activation.sigmoid(ImageParameterization.decorrelate(raw));
    }

    /**
     * Proposed: the inverse real 2-D DFT's constants as two block matrices, built once per optimisation —
     * {@code A = [[cH, −sH], [sH, cH]]} (2H × 2H) for the rows and {@code B = [pW; −qW]} (2V × W) for the columns — and
     * the spectrum scale, all in {@code m}.
     */
    public NDArray[] gemmConstants(NDManager m, DataType type) {
        int v = width / 2 + 1;
        int hh = 2 * height;
        double[] a = new double[hh * hh];
        for (int row = 0; row < height; row++) {
            for (int u = 0; u < height; u++) {
                double angle = 2 * Math.PI * ((long) u * row % height) / height;
                double c = Math.cos(angle) / height;
                double sn = Math.sin(angle) / height;
                a[row * hh + u] = c;
                a[row * hh + height + u] = -sn;
                a[(height + row) * hh + u] = sn;
                a[(height + row) * hh + height + u] = c;
            }
        }
        double[] b = new double[2 * v * width];
        for (int k = 0; k < v; k++) {
            double c = k == 0 || (width % 2 == 0 && k == width / 2) ? 1 : 2;
            for (int n = 0; n < width; n++) {
                double angle = 2 * Math.PI * ((long) k * n % width) / width;
                b[k * width + n] = c * Math.cos(angle) / width;
                b[(v + k) * width + n] = -c * Math.sin(angle) / width;
            }
        }
        return new NDArray[] {HeapArrays.create(m, a, new Shape(hh, hh)).toType(type, false),
            HeapArrays.create(m, b, new Shape(2L * v, width)).toType(type, false),
            parameterization.spectrumScale(m, type)};
    }

    /**
     * Proposed parameterisation: the same images as {@link #image} from parameters {@code (2, N, C, H, V)}, with the
     * inverse DFT as two plain 2-D products ({@link #gemmConstants}) instead of six broadcast batched products.
     */
    public NDArray imageGemm(NDArray theta, NDArray[] constants) {
        long[] s = theta.getShape().getShape();
        long n = s[1];
        long c = s[2];
        long h = s[3];
        long v = s[4];
        NDArray scaled = theta.mul(constants[2]); // (2, N, C, H, V)
        // rows: [Re Y; Im Y] = A · [re; im], with (2, H) as the rows and (N, C, V) as the columns
        NDArray rows = scaled.transpose(0, 3, 1, 2, 4).reshape(2 * h, n * c * v);
        NDArray y = constants[0].matMul(rows).reshape(2, h, n, c, v);
        // columns: x = [Re Y, Im Y] · B, with (N, C, H) as the rows
        NDArray cols = y.transpose(2, 3, 1, 0, 4).reshape(n * c * h, 2 * v);
        NDArray raw = cols.matMul(constants[1]).reshape(n, c, h, width).div(4);
        return Activation.sigmoid(ImageParameterization.decorrelate(raw));
    }

    /**
     * Proposed resampling: the same images as {@link #transform} with the index and weight arrays built on the
     * heap for one plane per image ({@code 4 × N × H'W'} instead of {@code 4 × N × C × H'W'}), the channel offsets
     * added on the engine, weights created as float, and one gather ({@code take}) of all four taps.
     */
    public NDArray transformOneTake(NDArray images, int outHeight, int outWidth, SplittableRandom draws) {
        long[] s = images.getShape().getShape();
        int n = (int) s[0];
        int c = (int) s[1];
        int h = (int) s[2];
        int w = (int) s[3];
        int plane = outHeight * outWidth;
        long[] index = new long[4 * n * plane];
        float[] weight = new float[4 * n * plane];
        float[] outside = new float[n * plane];
        for (int i = 0; i < n; i++) {
            ImageTransforms.Affine m = transforms.draw(h, w, outHeight, outWidth, draws);
            long base = (long) i * c * h * w;
            for (int oy = 0; oy < outHeight; oy++) {
                for (int ox = 0; ox < outWidth; ox++) {
                    double sy = m.y(oy + 0.5, ox + 0.5) - 0.5;
                    double sx = m.x(oy + 0.5, ox + 0.5) - 0.5;
                    int y0 = (int) Math.floor(sy);
                    int x0 = (int) Math.floor(sx);
                    double ty = sy - y0;
                    double tx = sx - x0;
                    int o = i * plane + oy * outWidth + ox;
                    double fill = 0;
                    for (int k = 0; k < 4; k++) {
                        int yk = y0 + (k >> 1);
                        int xk = x0 + (k & 1);
                        double wk = ((k >> 1) == 0 ? 1 - ty : ty) * ((k & 1) == 0 ? 1 - tx : tx);
                        int at = k * n * plane + o;
                        if (yk >= 0 && yk < h && xk >= 0 && xk < w) {
                            index[at] = base + (long) yk * w + xk;
                            weight[at] = (float) wk;
                        } else {
                            index[at] = base;
                            fill += wk;
                        }
                    }
                    outside[o] = (float) (fill * ImageTransforms.FILL);
                }
            }
        }
        NDManager mgr = images.getManager();
        DataType type = images.getDataType();
        long[] channelBase = new long[c];
        for (int ch = 0; ch < c; ch++) {
            channelBase[ch] = (long) ch * h * w;
        }
        NDArray idx = HeapArrays.create(mgr, index, new Shape(4, n, 1, plane))
                .add(HeapArrays.create(mgr, channelBase, new Shape(1, 1, c, 1)));
        NDArray wk = HeapArrays.create(mgr, weight, new Shape(4, n, 1, plane)).toType(type, false);
        NDArray fill = HeapArrays.create(mgr, outside, new Shape(n, 1, plane)).toType(type, false);
        NDArray taps = images.take(idx).reshape(4, n, c, plane).mul(wk).sum(new int[] {0});
        return taps.add(fill).reshape(n, c, outHeight, outWidth);
    }

    /** The colour decorrelation (library code). */
    public static NDArray decorrelate(NDArray raw) {
        return ImageParameterization.decorrelate(raw);
    }

    /** The transforms, as a step applies them (one draw per image, then {@code resample}). */
    public NDArray transform(NDArray images, int outHeight, int outWidth, SplittableRandom draws) {
        return transforms.apply(images, outHeight, outWidth, draws);
    }

    /**
     * The Java half of the resampling alone: the draws and the index/weight arrays {@code resample} builds on the
     * heap, without creating engine arrays. Returns a checksum so nothing is optimised away.
     */
    public double resampleIndicesOnHeap(int n, int c, int outHeight, int outWidth, SplittableRandom draws) {
        ImageTransforms.Affine[] maps = new ImageTransforms.Affine[n];
        for (int i = 0; i < n; i++) {
            maps[i] = transforms.draw(height, width, outHeight, outWidth, draws);
        }
        ImageTransforms.Taps t = ImageTransforms.taps(maps, c, height, width, outHeight, outWidth);
        int size = n * c * outHeight * outWidth;
        return t.index()[3][size - 1] + t.weight()[0][size / 2] + t.outside()[0];
    }
}
