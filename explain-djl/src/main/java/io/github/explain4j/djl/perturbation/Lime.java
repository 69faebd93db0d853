package io.github.explain4j.djl.perturbation;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import boofcv.abst.segmentation.ImageSuperpixels;
import boofcv.factory.segmentation.ConfigSlic;
import boofcv.factory.segmentation.FactoryImageSegmentation;
import boofcv.struct.image.GrayF32;
import boofcv.struct.image.GrayS32;
import boofcv.struct.image.ImageType;
import boofcv.struct.image.Planar;
import io.github.explain4j.api.Attribution;
import io.github.explain4j.api.Baseline;
import io.github.explain4j.api.InputSpec;
import io.github.explain4j.djl.ExplainableModel;
import io.github.explain4j.djl.core.Baselines;
import io.github.explain4j.djl.core.MethodOutput;
import io.github.explain4j.djl.core.MethodSettings;
import io.github.explain4j.djl.core.ResolvedTarget;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.SplittableRandom;

/**
 * LIME on superpixels: the image is cut into superpixels (BoofCV's SLIC), random subsets of them are switched off
 * (filled with each superpixel's mean colour, or a {@link #fill(Baseline) Baseline} such as a constant), the model
 * scores every variant in batches, and a weighted ridge regression of the scores on the on/off pattern — weights
 * {@code exp(−d²/σ²)} of the cosine distance {@code d} to the full image — gives each superpixel its
 * attribution. Every pixel carries its superpixel's coefficient; the diagnostic {@code "superpixels"} says how many
 * there were.
 *
 * <p>M. T. Ribeiro, S. Singh, C. Guestrin, "'Why Should I Trust You?': Explaining the Predictions of Any
 * Classifier", KDD 2016, arXiv:1602.04938. SLIC: R. Achanta et al., IEEE TPAMI 34(11), 2012.
 */
public final class Lime extends PerturbationMethod {

    /**
     * The settings, checked once here.
     *
     * @param fill what switched-off superpixels show, or {@code null} for each superpixel's mean colour
     */
    private record Settings(int superpixels, int samples, double kernelWidth, double ridge, Baseline fill,
            int batchSize, long seed) implements MethodSettings {
        Settings {
            positive("superpixels", superpixels);
            positive("samples", samples);
            if (!(kernelWidth > 0) || Double.isInfinite(kernelWidth)) {
                throw new IllegalArgumentException("kernel width was " + kernelWidth
                        + "; expected a finite positive number");
            }
            if (!(ridge >= 0) || Double.isInfinite(ridge)) {
                throw new IllegalArgumentException("ridge penalty was " + ridge + "; expected a finite number ≥ 0");
            }
            positive("batch size", batchSize);
        }

        @Override
        public String describe(String component, Object value) {
            return !component.equals("fill") ? MethodSettings.super.describe(component, value)
                    : fill == null ? "superpixel mean" : describeFill(fill);
        }
    }

    private final Settings settings;

    private Lime(Settings settings) {
        this.settings = settings;
    }

    /** About 50 superpixels, 500 samples, kernel width 0.25, ridge 1, superpixel-mean fill, seed 0, batches of 32. */
    public static Lime create() {
        return new Lime(new Settings(50, 500, 0.25, 1.0, null, 32, 0L));
    }

    /** The number of superpixels SLIC aims for. */
    public Lime superpixels(int n) {
        Settings s = settings;
        return new Lime(new Settings(n, s.samples(), s.kernelWidth(), s.ridge(), s.fill(), s.batchSize(), s.seed()));
    }

    /** The number of perturbed samples. */
    public Lime samples(int n) {
        Settings s = settings;
        return new Lime(new Settings(s.superpixels(), n, s.kernelWidth(), s.ridge(), s.fill(), s.batchSize(),
                s.seed()));
    }

    /** The width σ of the exponential kernel on the cosine distance. */
    public Lime kernelWidth(double sigma) {
        Settings s = settings;
        return new Lime(new Settings(s.superpixels(), s.samples(), sigma, s.ridge(), s.fill(), s.batchSize(),
                s.seed()));
    }

    /** The ridge penalty of the regression (0 for plain weighted least squares). */
    public Lime ridge(double alpha) {
        Settings s = settings;
        return new Lime(new Settings(s.superpixels(), s.samples(), s.kernelWidth(), alpha, s.fill(), s.batchSize(),
                s.seed()));
    }

    /**
     * Switched-off superpixels show the baseline's image for this input (pixel space) instead of their mean
     * colour, e.g. {@link Baseline#blurred(double)} or {@link Baseline#constant(float)}.
     */
    public Lime fill(Baseline baseline) {
        Settings s = settings;
        return new Lime(new Settings(s.superpixels(), s.samples(), s.kernelWidth(), s.ridge(),
                Objects.requireNonNull(baseline, "fill"), s.batchSize(), s.seed()));
    }

    /** Switched-off superpixels take this pixel value in [0, 1]: {@code fill(Baseline.constant(pixel))}. */
    public Lime fill(float pixel) {
        return fill(constantFill(pixel));
    }

    /** The seed of the samples. */
    public Lime seed(long newSeed) {
        Settings s = settings;
        return new Lime(new Settings(s.superpixels(), s.samples(), s.kernelWidth(), s.ridge(), s.fill(),
                s.batchSize(), newSeed));
    }

    /** Samples per forward pass. */
    public Lime batchSize(int n) {
        Settings s = settings;
        return new Lime(new Settings(s.superpixels(), s.samples(), s.kernelWidth(), s.ridge(), s.fill(), n,
                s.seed()));
    }

    @Override
    protected int batchSize() {
        return settings.batchSize();
    }

    @Override
    public String name() {
        return "LIME";
    }

    /** The SLIC segmentation of a pixel-space {@code C×H×W} image: a segment index per pixel. */
    public int[] segments(float[] chw, int channels, int height, int width) {
        Planar<GrayF32> image = new Planar<>(GrayF32.class, width, height, 3);
        int plane = height * width;
        for (int b = 0; b < 3; b++) {
            GrayF32 band = image.getBand(b);
            int src = channels == 3 ? b : 0;
            for (int y = 0; y < height; y++) {
                for (int x = 0; x < width; x++) {
                    band.set(x, y, 255f * chw[src * plane + y * width + x]);
                }
            }
        }
        ImageSuperpixels<Planar<GrayF32>> slic = FactoryImageSegmentation.slic(new ConfigSlic(settings.superpixels()),
                ImageType.pl(3, GrayF32.class));
        GrayS32 labels = new GrayS32(width, height);
        slic.segment(image, labels);
        int[] out = new int[plane];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                out[y * width + x] = labels.get(x, y);
            }
        }
        return out;
    }

    @Override
    public MethodOutput attribute(ExplainableModel model, NDManager scope, NDArray input, ResolvedTarget target) {
        ResolvedTarget t = target.fixed(model, scope, input);
        int c = model.spec().channels();
        int h = model.spec().height();
        int w = model.spec().width();
        int plane = h * w;
        float[][] px = pixels(model.spec(), input);
        float[][] maps = new float[px.length][];
        List<Map<String, Double>> diagnostics = new ArrayList<>();
        for (int i = 0; i < px.length; i++) {
            float[] x = px[i];
            int[] seg = segments(x, c, h, w);
            int s = 0;
            for (int v : seg) {
                s = Math.max(s, v + 1);
            }
            int segmentsFound = s;
            float[] off = offImage(model.spec(), x, i, seg, segmentsFound);
            SplittableRandom r = new SplittableRandom(settings.seed() + 1_000_003L * i);
            int samples = settings.samples();
            boolean[][] z = new boolean[samples][segmentsFound];
            java.util.Arrays.fill(z[0], true); // the image itself, as LIME does
            for (int k = 1; k < samples; k++) {
                for (int j = 0; j < segmentsFound; j++) {
                    z[k][j] = r.nextBoolean();
                }
            }
            float[] y = scores(model, scope, t.slice(i, i + 1), samples, (k, buf) -> {
                for (int ch = 0; ch < c; ch++) {
                    for (int j = 0; j < plane; j++) {
                        int idx = ch * plane + j;
                        buf[idx] = z[k][seg[j]] ? x[idx] : off[idx];
                    }
                }
            });
            double[] coefficients = fit(z, y, segmentsFound);
            maps[i] = new float[plane];
            for (int j = 0; j < plane; j++) {
                maps[i][j] = (float) coefficients[seg[j]];
            }
            diagnostics.add(Map.of("superpixels", (double) segmentsFound, "intercept", coefficients[segmentsFound]));
        }
        int[] classes = t.classesOrNone(px.length);
        return new MethodOutput(maps, 1, h, w, classes, diagnostics);
    }

    /** The switched-off image: the fill's, or each superpixel's mean colour. */
    private float[] offImage(InputSpec spec, float[] x, int index, int[] seg, int s) {
        if (settings.fill() != null) {
            return Baselines.pixels(settings.fill(), spec, x, index);
        }
        int c = spec.channels();
        int plane = spec.height() * spec.width();
        float[] off = new float[x.length];
        double[][] mean = new double[s][c];
        int[] count = new int[s];
        for (int j = 0; j < plane; j++) {
            count[seg[j]]++;
            for (int ch = 0; ch < c; ch++) {
                mean[seg[j]][ch] += x[ch * plane + j];
            }
        }
        for (int j = 0; j < plane; j++) {
            for (int ch = 0; ch < c; ch++) {
                off[ch * plane + j] = (float) (mean[seg[j]][ch] / count[seg[j]]);
            }
        }
        return off;
    }

    /** Weighted ridge regression with an unpenalised intercept: coefficients, then the intercept last. */
    private double[] fit(boolean[][] z, float[] y, int s) {
        int p = s + 1;
        double[][] a = new double[p][p + 1];
        for (int k = 0; k < z.length; k++) {
            int on = 0;
            for (boolean b : z[k]) {
                on += b ? 1 : 0;
            }
            // cosine distance between the pattern and the all-on pattern
            double cosine = on == 0 ? 0 : on / (Math.sqrt(on) * Math.sqrt(s));
            double d = 1 - cosine;
            double weight = Math.exp(-d * d / (settings.kernelWidth() * settings.kernelWidth()));
            double[] row = new double[p];
            for (int j = 0; j < s; j++) {
                row[j] = z[k][j] ? 1 : 0;
            }
            row[s] = 1;
            for (int u = 0; u < p; u++) {
                if (row[u] == 0) {
                    continue;
                }
                for (int v = 0; v < p; v++) {
                    a[u][v] += weight * row[u] * row[v];
                }
                a[u][p] += weight * row[u] * y[k];
            }
        }
        for (int j = 0; j < s; j++) {
            a[j][j] += settings.ridge();
        }
        return solve(a, p);
    }

    /** Gaussian elimination with partial pivoting on an augmented {@code p×(p+1)} matrix. */
    private static double[] solve(double[][] a, int p) {
        for (int col = 0; col < p; col++) {
            int pivot = col;
            for (int row = col + 1; row < p; row++) {
                if (Math.abs(a[row][col]) > Math.abs(a[pivot][col])) {
                    pivot = row;
                }
            }
            double[] tmp = a[col];
            a[col] = a[pivot];
            a[pivot] = tmp;
            if (Math.abs(a[col][col]) < 1e-12) {
                continue; // a superpixel never switched: its coefficient stays 0
            }
            for (int row = 0; row < p; row++) {
                if (row != col) {
                    double f = a[row][col] / a[col][col];
                    for (int k = col; k <= p; k++) {
                        a[row][k] -= f * a[col][k];
                    }
                }
            }
        }
        double[] out = new double[p];
        for (int i = 0; i < p; i++) {
            out[i] = Math.abs(a[i][i]) < 1e-12 ? 0 : a[i][p] / a[i][i];
        }
        return out;
    }

    @Override
    public Map<String, String> parameters() {
        return settings.parameters();
    }

    @Override
    public OptionalLong seed() {
        return OptionalLong.of(settings.seed());
    }

    @Override
    public boolean signed() {
        return true;
    }

    @Override
    public Attribution.Reduction display() {
        return Attribution.Reduction.SUM;
    }
}
