package io.github.explain4j.djl.attribution;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.github.explain4j.api.Attribution;
import io.github.explain4j.djl.ExplainableModel;
import io.github.explain4j.djl.core.AttributionMethod;
import io.github.explain4j.djl.core.Batches;
import io.github.explain4j.djl.core.MethodOutput;
import io.github.explain4j.djl.core.MethodSettings;
import io.github.explain4j.djl.core.ResolvedTarget;
import io.github.explain4j.djl.core.Tally;
import java.util.ArrayList;
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

    /** The settings, checked once here; the variant is in the name, the seed in the provenance's own field. */
    private record Settings(AttributionMethod inner, int samples, double noise, int batchSize, Variant variant,
            long seed) implements MethodSettings {
        Settings {
            Objects.requireNonNull(inner, "inner");
            positive("samples", samples);
            if (!(noise >= 0) || Double.isInfinite(noise)) {
                throw new IllegalArgumentException("noise was " + noise
                        + "; expected a finite fraction of the input range ≥ 0 (the paper uses 0.1–0.2)");
            }
            positive("batch size", batchSize);
            Objects.requireNonNull(variant, "variant");
        }

        @Override
        public String describe(String component, Object value) {
            return component.equals("variant") ? null : MethodSettings.super.describe(component, value);
        }
    }

    private final Settings settings;

    private SmoothGrad(Settings settings) {
        this.settings = settings;
    }

    /** SmoothGrad of {@code inner} with the paper's defaults: 50 samples, noise 0.15, seed 0, batches of 16. */
    public static SmoothGrad of(AttributionMethod inner) {
        return new SmoothGrad(new Settings(inner, 50, 0.15, 16, Variant.MEAN, 0L));
    }

    /** The number of noisy copies per input. */
    public SmoothGrad samples(int n) {
        Settings s = settings;
        return new SmoothGrad(new Settings(s.inner(), n, s.noise(), s.batchSize(), s.variant(), s.seed()));
    }

    /** The noise level as a fraction of each input's value range (0 gives the inner method exactly). */
    public SmoothGrad noise(double level) {
        Settings s = settings;
        return new SmoothGrad(new Settings(s.inner(), s.samples(), level, s.batchSize(), s.variant(), s.seed()));
    }

    /** The random seed; the same seed gives the same map. */
    public SmoothGrad seed(long newSeed) {
        Settings s = settings;
        return new SmoothGrad(new Settings(s.inner(), s.samples(), s.noise(), s.batchSize(), s.variant(), newSeed));
    }

    /** Mean, mean of squares or variance. */
    public SmoothGrad variant(Variant newVariant) {
        Settings s = settings;
        return new SmoothGrad(new Settings(s.inner(), s.samples(), s.noise(), s.batchSize(), newVariant, s.seed()));
    }

    /** How many noisy copies go through the model in one pass. */
    public SmoothGrad batchSize(int n) {
        Settings s = settings;
        return new SmoothGrad(new Settings(s.inner(), s.samples(), s.noise(), n, s.variant(), s.seed()));
    }

    @Override
    public String name() {
        return switch (settings.variant()) {
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
        Tally tally = Tally.of(model, name(), (long) n * settings.samples());
        MethodOutput[] last = new MethodOutput[1];
        for (int i = 0; i < n; i++) {
            float[] xi = x[i];
            double sigma = settings.noise() * range(xi);
            SplittableRandom random = new SplittableRandom(settings.seed() + 1_000_003L * i);
            double[][] sums = new double[2][]; // Σ m and Σ m², per value
            ResolvedTarget one = fixed.slice(i, i + 1);
            Batches.inChunks(scope, item, input.getDataType(), settings.samples(), settings.batchSize(), tally,
                    (k, noisy, offset) -> {
                        for (int j = 0; j < per; j++) {
                            noisy[offset + j] = (float) (xi[j] + (sigma == 0 ? 0 : sigma * random.nextGaussian()));
                        }
                    }, (chunk, batch, first, b) -> {
                        last[0] = settings.inner().attribute(model, chunk, batch, one.repeatEach(b));
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
            double mean = sum[j] / settings.samples();
            out[j] = (float) switch (settings.variant()) {
                case MEAN -> mean;
                case SQUARED -> sumSq[j] / settings.samples();
                case VARIANCE -> Math.max(0, sumSq[j] / settings.samples() - mean * mean);
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
        return settings.parameters();
    }

    @Override
    public OptionalLong seed() {
        return OptionalLong.of(settings.seed());
    }

    @Override
    public boolean signed() {
        return settings.variant() == Variant.MEAN && settings.inner().signed();
    }

    @Override
    public Attribution.Reduction display() {
        return settings.variant() == Variant.MEAN ? settings.inner().display()
                : settings.inner().display() == Attribution.Reduction.SUM ? Attribution.Reduction.SUM
                : Attribution.Reduction.MAX_ABS;
    }

}
