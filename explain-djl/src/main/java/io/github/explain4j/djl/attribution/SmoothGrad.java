package io.github.explain4j.djl.attribution;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.github.explain4j.api.Attribution;
import io.github.explain4j.djl.ExplainableModel;
import io.github.explain4j.djl.core.AttributionMethod;
import io.github.explain4j.djl.core.Batches;
import io.github.explain4j.djl.core.MethodOutput;
import io.github.explain4j.djl.core.ResolvedTarget;
import io.github.explain4j.djl.core.Tally;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.SplittableRandom;

/**
 * SmoothGrad wraps any attribution method: it averages the method's maps over noisy copies of the input,
 * {@code x + N(0, σ²)} with {@code σ = noise · (max(x) − min(x))}. The {@link Variant}s give SmoothGrad (mean),
 * SmoothGrad² (mean of squares) and VarGrad (variance). The target class is fixed on the clean input, so every
 * copy explains the same class.
 *
 * <pre>{@code
 * SmoothGrad.of(Saliency.create()).samples(50).noise(0.15).seed(7)
 * SmoothGrad.of(IntegratedGradients.create()).variant(SmoothGrad.Variant.SQUARED)
 * }</pre>
 *
 * <p>D. Smilkov, N. Thorat, B. Kim, F. Viégas, M. Wattenberg, "SmoothGrad: removing noise by adding noise",
 * arXiv:1706.03825, 2017; VarGrad: J. Adebayo et al., "Local Explanation Methods for Deep Neural Networks Lack
 * Sensitivity to Parameter Values", ICLR workshop 2018.
 */
public final class SmoothGrad extends AttributionMethod {

    /** How the maps of the noisy copies are combined. */
    public enum Variant {
        /** Mean of the maps (SmoothGrad). */
        MEAN,
        /** Mean of the squared maps (SmoothGrad²). */
        SQUARED,
        /** Variance of the maps (VarGrad). */
        VARIANCE
    }

    private final AttributionMethod inner;
    private final int samples;
    private final double noise;
    private final long seed;
    private final Variant variant;
    private final int batchSize;

    private SmoothGrad(AttributionMethod inner, int samples, double noise, long seed, Variant variant, int batchSize) {
        this.inner = inner;
        this.samples = samples;
        this.noise = noise;
        this.seed = seed;
        this.variant = variant;
        this.batchSize = batchSize;
    }

    /** SmoothGrad of {@code inner} with the paper's defaults: 50 samples, noise 0.15, seed 0, batches of 16. */
    public static SmoothGrad of(AttributionMethod inner) {
        Objects.requireNonNull(inner, "inner");
        return new SmoothGrad(inner, 50, 0.15, 0L, Variant.MEAN, 16);
    }

    /** The number of noisy copies per input. */
    public SmoothGrad samples(int n) {
        return new SmoothGrad(inner, positive("samples", n), noise, seed, variant, batchSize);
    }

    /** The noise level as a fraction of each input's value range (0 gives the inner method exactly). */
    public SmoothGrad noise(double level) {
        if (!(level >= 0) || Double.isInfinite(level)) {
            throw new IllegalArgumentException("noise was " + level
                    + "; expected a finite fraction of the input range ≥ 0 (the paper uses 0.1–0.2)");
        }
        return new SmoothGrad(inner, samples, level, seed, variant, batchSize);
    }

    /** The random seed; the same seed gives the same map. */
    public SmoothGrad seed(long newSeed) {
        return new SmoothGrad(inner, samples, noise, newSeed, variant, batchSize);
    }

    /** Mean, mean of squares or variance. */
    public SmoothGrad variant(Variant newVariant) {
        return new SmoothGrad(inner, samples, noise, seed, Objects.requireNonNull(newVariant, "variant"), batchSize);
    }

    /** How many noisy copies go through the model in one pass. */
    public SmoothGrad batchSize(int n) {
        return new SmoothGrad(inner, samples, noise, seed, variant, positive("batch size", n));
    }

    @Override
    public String name() {
        return switch (variant) {
            case MEAN -> "SmoothGrad";
            case SQUARED -> "SmoothGrad²";
            case VARIANCE -> "VarGrad";
        };
    }

    @Override
    public MethodOutput attribute(ExplainableModel model, NDManager scope, NDArray input, ResolvedTarget target) {
        ResolvedTarget fixed = target.fixed(model, scope, input);
        int n = (int) input.getShape().get(0);
        float[][] x = rows(input);
        int per = x[0].length;
        Shape item = input.getShape().slice(1);
        float[][] maps = new float[n][];
        int[] classes = new int[n];
        List<Map<String, Double>> diagnostics = new ArrayList<>();
        Tally tally = Tally.of(model, name(), (long) n * samples);
        MethodOutput[] last = new MethodOutput[1];
        for (int i = 0; i < n; i++) {
            float[] xi = x[i];
            double sigma = noise * range(xi);
            SplittableRandom random = new SplittableRandom(seed + 1_000_003L * i);
            double[][] sums = new double[2][]; // Σ m and Σ m², per value
            ResolvedTarget one = fixed.slice(i, i + 1);
            Batches.inChunks(scope, item, input.getDataType(), samples, batchSize, tally, (k, noisy, offset) -> {
                for (int j = 0; j < per; j++) {
                    noisy[offset + j] = (float) (xi[j] + (sigma == 0 ? 0 : sigma * random.nextGaussian()));
                }
            }, (chunk, batch, first, b) -> {
                last[0] = inner.attribute(model, chunk, batch, one.repeatEach(b));
                accumulate(last[0].maps(), sums);
            });
            maps[i] = combine(sums[0], sums[1]);
            classes[i] = last[0].classes()[0];
            diagnostics.add(Map.of("sigma", sigma));
        }
        MethodOutput l = last[0];
        if (l == null) {
            throw new IllegalStateException("empty batch");
        }
        return new MethodOutput(maps, l.channels(), l.height(), l.width(), classes, diagnostics);
    }

    /** Adds each map to {@code sums[0]} and its square to {@code sums[1]}. */
    private static void accumulate(float[][] batchMaps, double[][] sums) {
        if (sums[0] == null) {
            sums[0] = new double[batchMaps[0].length];
            sums[1] = new double[sums[0].length];
        }
        for (float[] m : batchMaps) {
            for (int j = 0; j < m.length; j++) {
                sums[0][j] += m[j];
                sums[1][j] += (double) m[j] * m[j];
            }
        }
    }

    private float[] combine(double[] sum, double[] sumSq) {
        float[] out = new float[sum.length];
        for (int j = 0; j < out.length; j++) {
            double mean = sum[j] / samples;
            out[j] = (float) switch (variant) {
                case MEAN -> mean;
                case SQUARED -> sumSq[j] / samples;
                case VARIANCE -> Math.max(0, sumSq[j] / samples - mean * mean);
            };
        }
        return out;
    }

    private static double range(float[] v) {
        float min = Float.POSITIVE_INFINITY;
        float max = Float.NEGATIVE_INFINITY;
        for (float f : v) {
            min = Math.min(min, f);
            max = Math.max(max, f);
        }
        return (double) max - min;
    }

    @Override
    public Map<String, String> parameters() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("inner", inner.name());
        p.put("samples", String.valueOf(samples));
        p.put("noise", String.valueOf(noise));
        p.put("batchSize", String.valueOf(batchSize));
        for (Map.Entry<String, String> e : inner.parameters().entrySet()) {
            p.put(inner.name() + "." + e.getKey(), e.getValue());
        }
        return p;
    }

    @Override
    public OptionalLong seed() {
        return OptionalLong.of(seed);
    }

    @Override
    public boolean signed() {
        return variant == Variant.MEAN && inner.signed();
    }

    @Override
    public Attribution.Reduction display() {
        return variant == Variant.MEAN ? inner.display()
                : inner.display() == Attribution.Reduction.SUM ? Attribution.Reduction.SUM
                : Attribution.Reduction.MAX_ABS;
    }

}
