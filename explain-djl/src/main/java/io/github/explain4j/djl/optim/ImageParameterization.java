package io.github.explain4j.djl.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import boofcv.alg.transform.fft.GeneralPurposeFFT_F32_1D;
import io.github.explain4j.djl.internal.HeapArrays;
import io.github.explain4j.optim.Parameterization;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A {@link Parameterization} realised on an engine: the initial parameters, and the differentiable function from
 * parameters to images {@code (N, C, H, W)} with pixel values in [0, 1] (before the model's normalisation), in two
 * realisations that give the same images: on the engine, differentiable by its autograd, with the inverse real 2-D
 * Fourier transform written as products with cosine and sine matrices (DJL's MXNet engine has no FFT), following the
 * definition of numpy's {@code irfft2} — an inverse complex DFT along the rows, then an inverse real DFT along the
 * columns; and on the heap ({@link #onHeap}), with BoofCV's FFT and each stage's adjoint written out.
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

    /**
     * This parameterisation on the Java heap, for the many steps of one optimisation: {@link OnHeap#image} gives the
     * same images as {@link #image(NDArray)} — the inverse real 2-D DFT by BoofCV's FFT instead of matrix products —
     * and {@link OnHeap#gradient} carries a gradient with respect to those images back to the parameters (the adjoint
     * of each stage: range, colour mixing, inverse DFT, spectrum scale). A step then hands the engine one image and
     * reads back one gradient, instead of recording a dozen small operations and their backward.
     */
    public OnHeap onHeap() {
        return new OnHeap();
    }

    /**
     * The heap realisation of {@link #onHeap()}. Keeps what the last {@link #image} call needs for its adjoint, so it
     * serves one optimisation on one thread.
     */
    public final class OnHeap {
        private final int batch = description.batch();
        private final int half = width / 2 + 1;
        private final boolean fourier = description.space() == Parameterization.Space.FOURIER;
        private final boolean mixed = description.isDecorrelated() && channels == 3;
        private final int planes = batch * channels;
        private final long values = (long) planes * height * width;
        /** The colour mixing, row-major, and its transpose (the mixing's adjoint). */
        private final float[] mix = new float[9];
        private final float[] mixTransposed = new float[9];
        private final float[] scale;
        /** Per worker (BoofCV's transforms keep scratch arrays): the transforms down the columns and along the rows. */
        private final GeneralPurposeFFT_F32_1D[] columns;
        private final GeneralPurposeFFT_F32_1D[] rows;
        private final int workers;
        /**
         * The last image's values before the range (clip), or after it (sigmoid): what the range's slope needs; null
         * until the first image.
         */
        private float[] kept;
        /** The values before the range, for the Fourier and the colour-mixed parameterisations; made once. */
        private float[] raw;

        private OnHeap() {
            double[][] m = mixing();
            for (int i = 0; i < 9; i++) {
                mix[i] = (float) m[i / 3][i % 3];
                mixTransposed[i] = (float) m[i % 3][i / 3];
            }
            workers = HeapLoops.parts(values, planes);
            if (fourier) {
                scale = spectrumScaleFloats();
                columns = new GeneralPurposeFFT_F32_1D[workers];
                rows = new GeneralPurposeFFT_F32_1D[workers];
                for (int k = 0; k < workers; k++) {
                    columns[k] = new GeneralPurposeFFT_F32_1D(height);
                    rows[k] = new GeneralPurposeFFT_F32_1D(width);
                }
            } else {
                scale = null;
                columns = null;
                rows = null;
            }
        }

        /** The number of parameters, as {@link #parameterShape()} counts them. */
        public int parameters() {
            return (int) parameterShape().size();
        }

        /**
         * The images {@code (N, C, H, W)}, row-major, from the parameters (laid out as {@link #parameterShape()}).
         *
         * @throws IllegalArgumentException when {@code theta} does not have {@link #parameters()} values
         */
        public float[] image(float[] theta) {
            float[] image = new float[(int) values];
            image(theta, image);
            return image;
        }

        /**
         * {@link #image(float[])} written into {@code into} (as many values as the images), for a loop that makes one
         * image per step without allocating.
         *
         * @throws IllegalArgumentException when {@code theta} or {@code into} has the wrong number of values
         */
        public void image(float[] theta, float[] into) {
            if (theta.length != parameters()) {
                throw new IllegalArgumentException("the parameters have " + theta.length + " values; "
                        + ImageParameterization.this + " has " + parameters() + " (" + parameterShape() + ")");
            }
            if (into.length != values) {
                throw new IllegalArgumentException("the image buffer has " + into.length + " values; the images have "
                        + values);
            }
            float[] before = theta;
            if (fourier || mixed) {
                if (raw == null) {
                    raw = new float[(int) values];
                }
                before = raw;
                if (fourier) {
                    eachPlane((p, columnFft, rowFft) -> inversePlane(theta, p, raw, columnFft, rowFft));
                } else {
                    System.arraycopy(theta, 0, raw, 0, raw.length);
                }
                if (mixed) {
                    mixChannels(raw, mix);
                }
            }
            if (kept == null && description.range() != Parameterization.Range.NONE) {
                kept = new float[(int) values];
            }
            float[] in = before;
            switch (description.range()) {
                case SIGMOID -> {
                    HeapLoops.forChunks(into.length, (from, to) -> HeapSigmoid.apply(in, into, from, to));
                    System.arraycopy(into, 0, kept, 0, into.length);
                }
                case CLIP -> {
                    for (int i = 0; i < in.length; i++) {
                        into[i] = Math.min(1f, Math.max(0f, in[i] + 0.5f));
                    }
                    System.arraycopy(in, 0, kept, 0, in.length);
                }
                case NONE -> System.arraycopy(in, 0, into, 0, in.length);
            }
        }

        /**
         * The gradient with respect to the parameters of an objective whose gradient with respect to the images of
         * the last {@link #image} call is {@code imageGradient} (same layout as those images).
         *
         * @throws IllegalStateException when no image was made yet
         */
        public float[] gradient(float[] imageGradient) {
            return gradientInPlace(imageGradient.clone());
        }

        /**
         * {@link #gradient} computed in {@code imageGradient}'s own values, which it overwrites; returns that array
         * (pixel space) or a new one (Fourier space), for a loop that allocates nothing per step.
         *
         * @throws IllegalStateException when no image was made yet
         */
        public float[] gradientInPlace(float[] g) {
            if (g.length != values) {
                throw new IllegalArgumentException("the image gradient has " + g.length + " values;"
                        + " the images have " + values);
            }
            switch (description.range()) {
                case SIGMOID -> {
                    requireImage();
                    for (int i = 0; i < g.length; i++) {
                        g[i] *= kept[i] * (1 - kept[i]);
                    }
                }
                case CLIP -> {
                    requireImage();
                    for (int i = 0; i < g.length; i++) {
                        float x = kept[i] + 0.5f;
                        g[i] = x >= 0 && x <= 1 ? g[i] : 0;
                    }
                }
                case NONE -> { }
            }
            if (mixed) {
                mixChannels(g, mixTransposed);
            }
            if (!fourier) {
                return g;
            }
            float[] theta = new float[2 * planes * height * half];
            eachPlane((p, columnFft, rowFft) -> adjointPlane(g, p, theta, columnFft, rowFft));
            return theta;
        }

        /** Work on one image plane with a worker's own transforms. */
        private interface PlaneWork {
            void run(int plane, GeneralPurposeFFT_F32_1D columnFft, GeneralPurposeFFT_F32_1D rowFft);
        }

        /** Runs {@code work} on every plane, the planes dealt round the workers. */
        private void eachPlane(PlaneWork work) {
            HeapLoops.forEach(workers, values, k -> {
                for (int p = k; p < planes; p += workers) {
                    work.run(p, columns[k], rows[k]);
                }
            });
        }

        /** Plane {@code p}'s image (before mixing and range) from its half spectrum in {@code theta}, into {@code out}. */
        private void inversePlane(float[] theta, int p, float[] out, GeneralPurposeFFT_F32_1D columnFft,
                GeneralPurposeFFT_F32_1D rowFft) {
            int perPlane = height * half;
            float[] spectrum = new float[2 * height * half]; // complex, row-major (H, W/2+1)
            float[] column = new float[2 * height];
            float[] row = new float[2 * width];
            int re = p * perPlane;
            int im = (planes + p) * perPlane;
            // the inverse complex DFT down each column, with the spectrum's scale
            for (int v = 0; v < half; v++) {
                for (int u = 0; u < height; u++) {
                    int at = u * half + v;
                    column[2 * u] = theta[re + at] * scale[at];
                    column[2 * u + 1] = theta[im + at] * scale[at];
                }
                columnFft.complexInverse(column, true);
                for (int r = 0; r < height; r++) {
                    spectrum[2 * (r * half + v)] = column[2 * r];
                    spectrum[2 * (r * half + v) + 1] = column[2 * r + 1];
                }
            }
            // the inverse real DFT along each row: the constant's (and an even width's Nyquist) imaginary parts drop
            // out, as in numpy's irfft
            int plane = height * width;
            for (int r = 0; r < height; r++) {
                inverseRow(spectrum, r, row, rowFft);
                int at = p * plane + r * width;
                for (int x = 0; x < width; x++) {
                    out[at + x] = row[x] / 4;
                }
            }
        }

        /**
         * The adjoint of {@link #inversePlane} for plane {@code p}: the forward real DFT along each row, then the
         * forward complex DFT down each column, weighted by {@code c_v} (2, except 1 for the constant and an even
         * width's Nyquist), the DFT's {@code 1/(HW)}, the image's {@code 1/4} and the spectrum's scale.
         */
        private void adjointPlane(float[] g, int p, float[] theta, GeneralPurposeFFT_F32_1D columnFft,
                GeneralPurposeFFT_F32_1D rowFft) {
            int perPlane = height * half;
            int plane = height * width;
            float[] spectrum = new float[2 * height * half];
            float[] column = new float[2 * height];
            float[] row = new float[2 * width];
            double norm = 1.0 / ((double) height * width * 4);
            for (int r = 0; r < height; r++) {
                forwardRow(g, p * plane + r * width, row, rowFft);
                System.arraycopy(row, 0, spectrum, 2 * r * half, 2 * half);
            }
            int re = p * perPlane;
            int im = (planes + p) * perPlane;
            for (int v = 0; v < half; v++) {
                for (int u = 0; u < height; u++) {
                    column[2 * u] = spectrum[2 * (u * half + v)];
                    column[2 * u + 1] = spectrum[2 * (u * half + v) + 1];
                }
                columnFft.complexForward(column);
                double c = (v == 0 || width % 2 == 0 && v == width / 2 ? 1 : 2) * norm;
                for (int u = 0; u < height; u++) {
                    int at = u * half + v;
                    theta[re + at] = (float) (column[2 * u] * c * scale[at]);
                    theta[im + at] = (float) (column[2 * u + 1] * c * scale[at]);
                }
            }
        }

        private void requireImage() {
            if (kept == null) {
                throw new IllegalStateException("no image was made yet; call image(theta) before gradient(...)");
            }
        }

        /**
         * Row {@code r} of the complex half spectrum {@code (H, W/2+1)} to {@code W} real values in {@code out}'s
         * first {@code W} places: packed for BoofCV's real inverse when {@code W} is even; otherwise extended by
         * Hermitian symmetry and inverted as complex values.
         */
        private void inverseRow(float[] spectrum, int r, float[] out, GeneralPurposeFFT_F32_1D rows) {
            int base = 2 * r * half;
            if (width % 2 == 0) {
                out[0] = spectrum[base];
                out[1] = spectrum[base + 2 * (width / 2)];
                for (int k = 1; k < width / 2; k++) {
                    out[2 * k] = spectrum[base + 2 * k];
                    out[2 * k + 1] = spectrum[base + 2 * k + 1];
                }
                rows.realInverse(out, true);
                return;
            }
            out[0] = spectrum[base];
            out[1] = 0;
            for (int k = 1; k < half; k++) {
                out[2 * k] = spectrum[base + 2 * k];
                out[2 * k + 1] = spectrum[base + 2 * k + 1];
                out[2 * (width - k)] = spectrum[base + 2 * k];
                out[2 * (width - k) + 1] = -spectrum[base + 2 * k + 1];
            }
            rows.complexInverse(out, true);
            for (int x = 0; x < width; x++) {
                out[x] = out[2 * x];
            }
        }

        /** The forward DFT of the {@code W} real values from {@code from}, as {@code W/2+1} complex values in {@code out}. */
        private void forwardRow(float[] values, int from, float[] out, GeneralPurposeFFT_F32_1D rows) {
            if (width % 2 == 0) {
                System.arraycopy(values, from, out, 0, width);
                rows.realForward(out);
                float nyquist = out[1];
                // unpack: the constant and the Nyquist value are real
                out[1] = 0;
                out[2 * (width / 2)] = nyquist;
                out[2 * (width / 2) + 1] = 0;
                return;
            }
            for (int x = 0; x < width; x++) {
                out[2 * x] = values[from + x];
                out[2 * x + 1] = 0;
            }
            rows.complexForward(out);
        }
    }

    /**
     * {@code out[c] = Σ_d M[c, d] · in[d]} at every pixel of {@code (N, 3, H, W)} values, in place; {@code M}
     * row-major.
     */
    private void mixChannels(float[] values, float[] m) {
        int plane = height * width;
        int images = values.length / (3 * plane);
        for (int n = 0; n < images; n++) {
            int r = n * 3 * plane;
            int g = r + plane;
            int b = g + plane;
            for (int i = 0; i < plane; i++) {
                float x0 = values[r + i];
                float x1 = values[g + i];
                float x2 = values[b + i];
                values[r + i] = m[0] * x0 + m[1] * x1 + m[2] * x2;
                values[g + i] = m[3] * x0 + m[4] * x1 + m[5] * x2;
                values[b + i] = m[6] * x0 + m[7] * x1 + m[8] * x2;
            }
        }
    }

    /** {@code 1 / max(f, 1/max(H, W))^decay · √(H·W)} for each frequency of the half spectrum, {@code (H, W/2+1)}. */
    NDArray spectrumScale(NDManager m, DataType type) {
        return HeapArrays.create(m, spectrumScale(), new Shape(height, width / 2 + 1)).toType(type, false);
    }

    /** The values of {@link #spectrumScale(NDManager, DataType)}, row-major. */
    private double[] spectrumScale() {
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
        return scale;
    }

    /** {@link #spectrumScale()} as floats. */
    private float[] spectrumScaleFloats() {
        double[] d = spectrumScale();
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            f[i] = (float) d[i];
        }
        return f;
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
