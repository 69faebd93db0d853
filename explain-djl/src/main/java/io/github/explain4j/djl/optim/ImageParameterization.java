package io.github.explain4j.djl.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import io.github.explain4j.djl.internal.HeapArrays;
import io.github.explain4j.optim.Parameterization;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A {@link Parameterization} realised on an engine: the initial parameters, and the differentiable function from
 * parameters to images {@code (N, C, H, W)} with pixel values in [0, 1] (before the model's normalisation). Works on
 * every engine: the inverse real 2-D Fourier transform is written as products with cosine and sine matrices (DJL's
 * MXNet engine has no FFT), following the definition of numpy's {@code irfft2} — an inverse complex DFT along the
 * rows, then an inverse real DFT along the columns.
 *
 * <p>The Fourier space scales each frequency {@code f = √(f_y² + f_x²)} (cycles per pixel) by
 * {@code 1 / max(f, 1/max(H, W))^decay · √(H·W)}, so that the spectrum of the random start falls like natural images'
 * and every frequency moves the image alike (Olah et al., "Feature Visualization", Distill 2017; Lucid's
 * {@code fft_image}). Decorrelated colours multiply the three channels by the square root of the colour correlation
 * of natural images (Lucid's {@code color_correlation_svd_sqrt}, normalised by its largest column norm).
 */
public final class ImageParameterization {

    /** The square root of the colour correlation of natural images (Lucid's ImageNet estimate), rows R, G, B. */
    static final double[][] COLOR_CORRELATION_SQRT = {
        {0.26, 0.09, 0.02},
        {0.27, 0.00, -0.05},
        {0.27, -0.09, 0.03}};

    private final Parameterization description;
    private final int channels;
    private final int height;
    private final int width;

    /**
     * @param description what to realise
     * @param channels the model's input channels (colour decorrelation applies to three-channel colour models; on
     *     grey or other models it does nothing)
     * @param height the image height
     * @param width the image width
     */
    public ImageParameterization(Parameterization description, int channels, int height, int width) {
        if (channels < 1 || height < 2 || width < 2) {
            throw new IllegalArgumentException("image shape was " + channels + "×" + height + "×" + width
                    + "; expected at least one channel and 2×2 pixels");
        }
        this.description = description;
        this.channels = channels;
        this.height = height;
        this.width = width;
    }

    /** The shape of the parameters: pixels {@code (N, C, H, W)}; Fourier {@code (2, N, C, H, W/2 + 1)}. */
    public Shape parameterShape() {
        int n = description.batch();
        return description.space() == Parameterization.Space.PIXELS ? new Shape(n, channels, height, width)
                : new Shape(2, n, channels, height, width / 2 + 1);
    }

    /** Random initial parameters, normal with the description's spread, from {@code seed}. */
    public NDArray initial(NDManager manager, long seed) {
        Shape shape = parameterShape();
        SplittableRandom random = new SplittableRandom(seed);
        float[] values = new float[(int) shape.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) (nextGaussian(random) * description.scale());
        }
        return HeapArrays.create(manager, values, shape);
    }

    /** The images {@code (N, C, H, W)} in [0, 1] (for the range NONE, unbounded) from the parameters. */
    public NDArray image(NDArray parameters) {
        if (description.space() == Parameterization.Space.PIXELS) {
            return finish(parameters);
        }
        NDManager m = parameters.getManager();
        DataType type = parameters.getDataType();
        return fromSpectrum(parameters, spectrumScale(m, type), dftMatrices(m, type, height, width));
    }

    /** The Fourier parameterisation's images from its parameters and constants (in the parameters' scope). */
    private NDArray fromSpectrum(NDArray parameters, NDArray scale, NDArray[] dft) {
        return finish(inverseRealFft2(parameters.get(0).mul(scale), parameters.get(1).mul(scale), dft).div(4));
    }

    /** Colour decorrelation and range, after the spatial parameterisation. */
    private NDArray finish(NDArray raw) {
        if (description.isDecorrelated() && channels == 3) {
            raw = decorrelate(raw);
        }
        return switch (description.range()) {
            case SIGMOID -> Activation.sigmoid(raw);
            case CLIP -> raw.add(0.5).clip(0, 1);
            case NONE -> raw;
        };
    }

    /**
     * This parameterisation with its constants (spectrum scale, inverse-DFT matrices) built once in {@code scope},
     * for the many steps of one optimisation. Each {@link Bound#image} call copies them into the parameters' scope
     * first, so that everything computed from them belongs to the pass: an array used as the first operand of an
     * op gives its own scope to the result, and a result in a long-lived scope would both pile up across steps and
     * escape the pass's protection of autograd's saved operands (on PyTorch, {@code x.div(4)} in an unprotected
     * scope can be read back as garbage in the backward pass; see {@code internal.OperandPins}).
     */
    public Bound bind(NDManager scope, DataType type) {
        return new Bound(scope, type);
    }

    /** A parameterisation with its constants built once (see {@link #bind}). */
    public final class Bound {
        private final NDArray scale;
        private final NDArray[] dft;

        private Bound(NDManager scope, DataType type) {
            boolean fourier = description.space() == Parameterization.Space.FOURIER;
            scale = fourier ? spectrumScale(scope, type) : null;
            dft = fourier ? dftMatrices(scope, type, height, width) : null;
        }

        /** The images from the parameters, as {@link ImageParameterization#image}. */
        public NDArray image(NDArray parameters) {
            if (dft == null) {
                return ImageParameterization.this.image(parameters);
            }
            NDManager m = parameters.getManager();
            NDArray[] d = new NDArray[dft.length];
            for (int i = 0; i < d.length; i++) {
                d[i] = local(dft[i], m);
            }
            return fromSpectrum(parameters, local(scale, m), d);
        }

        private NDArray local(NDArray constant, NDManager m) {
            NDArray copy = constant.duplicate();
            copy.attach(m);
            return copy;
        }
    }

    /** The function a trace builds its input from: parameters (one array) to images. */
    public java.util.function.Function<NDList, NDArray> function() {
        return p -> image(p.singletonOrThrow());
    }

    /** The parameterisation realised here. */
    public Parameterization description() {
        return description;
    }

    /** {@code 1 / max(f, 1/max(H, W))^decay · √(H·W)} for each frequency of the half spectrum, {@code (H, W/2+1)}. */
    NDArray spectrumScale(NDManager m, DataType type) {
        int v = width / 2 + 1;
        double[] scale = new double[height * v];
        double floor = 1.0 / Math.max(height, width);
        for (int u = 0; u < height; u++) {
            double fy = (u <= (height - 1) / 2 ? u : u - height) / (double) height; // numpy's fftfreq
            for (int k = 0; k < v; k++) {
                double fx = k / (double) width; // rfftfreq
                double f = Math.max(Math.sqrt(fy * fy + fx * fx), floor);
                scale[u * v + k] = Math.pow(f, -description.decay()) * Math.sqrt((double) height * width);
            }
        }
        return HeapArrays.create(m, scale, new Shape(height, v)).toType(type, false);
    }

    /**
     * numpy's {@code irfft2} of a half spectrum {@code re + i·im}, each {@code (..., H, W/2+1)}, as matrix
     * products: {@code Y = (1/H) e^{+2πi um/H} X} along the rows, then
     * {@code x[n] = (1/W) Σ_v c_v (Re Y_v cos(2πvn/W) − Im Y_v sin(2πvn/W))} with {@code c_v = 2} except for the
     * constant and (even W) the Nyquist column, whose imaginary parts drop out.
     */
    static NDArray inverseRealFft2(NDArray re, NDArray im, int height, int width) {
        return inverseRealFft2(re, im, dftMatrices(re.getManager(), re.getDataType(), height, width));
    }

    /** {@link #inverseRealFft2(NDArray, NDArray, int, int)} with the matrices of {@link #dftMatrices} given. */
    static NDArray inverseRealFft2(NDArray re, NDArray im, NDArray[] m) {
        NDArray yRe = m[0].matMul(re).sub(m[1].matMul(im));
        NDArray yIm = m[1].matMul(re).add(m[0].matMul(im));
        return yRe.matMul(m[2]).sub(yIm.matMul(m[3]));
    }

    /**
     * The inverse DFT's matrices: {cos, sin} of the rows ({@code H×H}, over H) and {cos, sin} of the columns
     * ({@code (W/2+1)×W}, weighted by {@code c_v}, over W), in {@code m} at {@code type}.
     */
    static NDArray[] dftMatrices(NDManager m, DataType type, int height, int width) {
        int v = width / 2 + 1;
        double[] ch = new double[height * height];
        double[] sh = new double[height * height];
        for (int row = 0; row < height; row++) {
            for (int u = 0; u < height; u++) {
                double a = 2 * Math.PI * ((long) u * row % height) / height;
                ch[row * height + u] = Math.cos(a) / height;
                sh[row * height + u] = Math.sin(a) / height;
            }
        }
        double[] p = new double[v * width];
        double[] q = new double[v * width];
        for (int k = 0; k < v; k++) {
            double c = k == 0 || (width % 2 == 0 && k == width / 2) ? 1 : 2;
            for (int n = 0; n < width; n++) {
                double a = 2 * Math.PI * ((long) k * n % width) / width;
                p[k * width + n] = c * Math.cos(a) / width;
                q[k * width + n] = c * Math.sin(a) / width;
            }
        }
        return new NDArray[] {
            HeapArrays.create(m, ch, new Shape(height, height)).toType(type, false),
            HeapArrays.create(m, sh, new Shape(height, height)).toType(type, false),
            HeapArrays.create(m, p, new Shape(v, width)).toType(type, false),
            HeapArrays.create(m, q, new Shape(v, width)).toType(type, false)};
    }

    /** The channel mixing of {@link #decorrelate}: the square root of the colour correlation over its largest column norm. */
    static double[][] mixing() {
        double maxNorm = 0;
        for (int col = 0; col < 3; col++) {
            double s = 0;
            for (int row = 0; row < 3; row++) {
                s += COLOR_CORRELATION_SQRT[row][col] * COLOR_CORRELATION_SQRT[row][col];
            }
            maxNorm = Math.max(maxNorm, Math.sqrt(s));
        }
        double[][] mix = new double[3][3];
        for (int row = 0; row < 3; row++) {
            for (int col = 0; col < 3; col++) {
                mix[row][col] = COLOR_CORRELATION_SQRT[row][col] / maxNorm;
            }
        }
        return mix;
    }

    /** Undoes {@link #decorrelate}: the inverse mixing (from EJML). */
    static NDArray recorrelate(NDArray image) {
        org.ejml.data.DMatrixRMaj inverse = new org.ejml.data.DMatrixRMaj(mixing());
        if (!org.ejml.dense.row.CommonOps_DDRM.invert(inverse)) {
            throw new IllegalStateException("the colour mixing is singular");
        }
        return mix(image, inverse.getData());
    }

    /**
     * The parameters whose image is {@code pixels} {@code (N, C, H, W)} in the pixel space (pixels only): the inverse
     * of the range, then of the colour mixing — to start from a photo (DeepDream) instead of noise. Values are
     * clamped into (0, 1) by 1e-4 before the inverse sigmoid.
     */
    public NDArray parametersOf(NDArray pixels) {
        if (description.space() != Parameterization.Space.PIXELS) {
            throw new IllegalArgumentException("starting from an image needs the pixel parameterisation, not "
                    + description.description() + "; use Parameterization.pixels()");
        }
        NDArray raw = switch (description.range()) {
            case SIGMOID -> {
                NDArray p = pixels.clip(1e-4, 1 - 1e-4);
                yield p.div(p.neg().add(1)).log();
            }
            case CLIP -> pixels.sub(0.5);
            case NONE -> pixels.duplicate();
        };
        return description.isDecorrelated() && channels == 3 ? recorrelate(raw) : raw;
    }

    /** Mixes the channels by the normalised square root of the colour correlation. */
    static NDArray decorrelate(NDArray image) {
        double[][] m = mixing();
        double[] flat = new double[9];
        for (int row = 0; row < 3; row++) {
            System.arraycopy(m[row], 0, flat, row * 3, 3);
        }
        return mix(image, flat);
    }

    /** {@code out[c] = Σ_d M[c, d] · in[d]} for a row-major 3×3 {@code M}. */
    private static NDArray mix(NDArray image, double[] matrix) {
        NDArray m = HeapArrays.create(image.getManager(), matrix, new Shape(3, 3)).toType(image.getDataType(), false);
        // channels last, times Mᵀ, channels back
        return image.transpose(0, 2, 3, 1).matMul(m.transpose()).transpose(0, 3, 1, 2);
    }

    private static double nextGaussian(SplittableRandom r) {
        double u;
        double v;
        double s;
        do {
            u = r.nextDouble() * 2 - 1;
            v = r.nextDouble() * 2 - 1;
            s = u * u + v * v;
        } while (s >= 1 || s == 0);
        return u * Math.sqrt(-2 * Math.log(s) / s);
    }

    @Override
    public String toString() {
        return description.description() + " " + List.of(channels, height, width);
    }
}
