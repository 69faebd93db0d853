package io.github.explain4j.djl.attribution;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.github.explain4j.api.Attribution;
import io.github.explain4j.api.Baseline;
import io.github.explain4j.api.InputSpec;
import io.github.explain4j.djl.ExplainableModel;
import io.github.explain4j.djl.internal.Blur;
import io.github.explain4j.djl.seam.GradientResult;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.SplittableRandom;

/**
 * Integrated Gradients: the path integral of the gradient along the straight line from a baseline {@code x'} to
 * the input {@code x}, times {@code x − x'}:
 * {@code IG_i(x) = (x_i − x'_i) · ∫₀¹ ∂f(x' + α(x − x'))/∂x_i dα}, computed with a quadrature rule over
 * {@code steps} points, in batches. Completeness — the attributions sum to {@code f(x) − f(x')} — is checked on
 * every call and reported as the diagnostics {@code "delta"} (sum − difference) and {@code "relativeDelta"}
 * ({@code |delta| / |f(x) − f(x')|}).
 *
 * <p>Baselines are pixel-space images ({@link Baseline}) normalised like the input.
 *
 * <p>M. Sundararajan, A. Taly, Q. Yan, "Axiomatic Attribution for Deep Networks", ICML 2017, arXiv:1703.01365.
 */
public final class IntegratedGradients extends AttributionMethod {

    /** The quadrature rule along the path. */
    public enum Rule {
        /** Gauss–Legendre nodes and weights on [0, 1] (the most accurate for smooth paths). */
        GAUSS_LEGENDRE,
        /** The trapezoidal rule on evenly spaced points including both ends. */
        TRAPEZOID,
        /** The Riemann sum at the midpoints of {@code steps} equal intervals. */
        RIEMANN_MIDDLE
    }

    private final Baseline baseline;
    private final int steps;
    private final int batchSize;
    private final Rule rule;

    private IntegratedGradients(Baseline baseline, int steps, int batchSize, Rule rule) {
        this.baseline = baseline;
        this.steps = steps;
        this.batchSize = batchSize;
        this.rule = rule;
    }

    /** Black baseline, 50 steps, Gauss–Legendre, batches of 16 path points. */
    public static IntegratedGradients create() {
        return new IntegratedGradients(Baseline.black(), 50, 16, Rule.GAUSS_LEGENDRE);
    }

    /** The reference input. */
    public IntegratedGradients baseline(Baseline newBaseline) {
        return new IntegratedGradients(Objects.requireNonNull(newBaseline, "baseline"), steps, batchSize, rule);
    }

    /** The number of points on the path. */
    public IntegratedGradients steps(int n) {
        return new IntegratedGradients(baseline, positive("steps", n), batchSize, rule);
    }

    /** How many path points go through the model in one pass (the internal batch size). */
    public IntegratedGradients batchSize(int n) {
        return new IntegratedGradients(baseline, steps, positive("batch size", n), rule);
    }

    /** The quadrature rule. */
    public IntegratedGradients rule(Rule newRule) {
        return new IntegratedGradients(baseline, steps, batchSize, Objects.requireNonNull(newRule, "rule"));
    }

    @Override
    public String name() {
        return "Integrated Gradients";
    }

    @Override
    public MethodOutput attribute(ExplainableModel model, NDManager scope, NDArray input, ResolvedTarget target) {
        int n = (int) input.getShape().get(0);
        float[][] x = rows(input);
        float[][] base = new float[n][];
        for (int i = 0; i < n; i++) {
            base[i] = baseline(model.spec(), x[i], i);
        }
        Shape one = input.getShape().slice(1);
        NDArray baselines = stack(scope, base, one).toType(input.getDataType(), false);
        // f(x) and f(x') in one pass; the top prediction is fixed on the clean input
        NDArray outputs = model.seam().forward(scope, input.concat(baselines));
        ResolvedTarget fixed = target.isLazy()
                ? target.withClasses(ResolvedTarget.argMax(outputs.get("0:" + n))) : target;
        float[] ends = fixed.tile(2).scoreFunction().scores(outputs).toType(DataType.FLOAT32, false).toFloatArray();

        double[][] nodes = nodes(rule, steps);
        int per = x[0].length;
        float[][] maps = new float[n][];
        int[] classes = new int[n];
        List<Map<String, Double>> diagnostics = new ArrayList<>();
        long total = (long) n * steps;
        long done = 0;
        for (int i = 0; i < n; i++) {
            double[] avg = new double[per];
            ResolvedTarget ti = fixed.slice(i, i + 1);
            for (int start = 0; start < steps; start += batchSize) {
                int b = Math.min(batchSize, steps - start);
                float[] points = new float[b * per];
                for (int s = 0; s < b; s++) {
                    double alpha = nodes[0][start + s];
                    for (int j = 0; j < per; j++) {
                        points[s * per + j] = (float) (base[i][j] + alpha * (x[i][j] - base[i][j]));
                    }
                }
                try (NDManager chunk = scope.newSubManager()) {
                    NDArray batch = chunk.create(points, new Shape(prepend(b, one))).toType(input.getDataType(),
                            false);
                    GradientResult g = gradients(model, chunk, batch, null, ti.repeatEach(b).scoreFunction());
                    float[][] grads = rows(g.inputGradient());
                    for (int s = 0; s < b; s++) {
                        double w = nodes[1][start + s];
                        for (int j = 0; j < per; j++) {
                            avg[j] += w * grads[s][j];
                        }
                    }
                }
                done += b;
                model.progress().progress(name(), done, total);
            }
            float[] attr = new float[per];
            double sum = 0;
            for (int j = 0; j < per; j++) {
                attr[j] = (float) ((x[i][j] - base[i][j]) * avg[j]);
                sum += attr[j];
            }
            double difference = (double) ends[i] - ends[n + i];
            double delta = sum - difference;
            Map<String, Double> d = new LinkedHashMap<>();
            d.put("delta", delta);
            d.put("relativeDelta", difference == 0 ? Math.abs(delta) : Math.abs(delta) / Math.abs(difference));
            d.put("score", (double) ends[i]);
            d.put("baselineScore", (double) ends[n + i]);
            diagnostics.add(d);
            maps[i] = attr;
            classes[i] = fixed.isCustom() ? -1 : fixed.classes()[i];
        }
        return new MethodOutput(maps, (int) one.get(0), (int) one.get(1), (int) one.get(2), classes, diagnostics);
    }

    private float[] baseline(InputSpec spec, float[] x, int index) {
        int c = spec.channels();
        int h = spec.height();
        int w = spec.width();
        int plane = h * w;
        float[] pixels;
        if (baseline instanceof Baseline.Constant k) {
            pixels = new float[x.length];
            java.util.Arrays.fill(pixels, k.value());
        } else if (baseline instanceof Baseline.UniformNoise u) {
            SplittableRandom r = new SplittableRandom(u.seed() + 1_000_003L * index);
            pixels = new float[x.length];
            for (int j = 0; j < pixels.length; j++) {
                pixels[j] = (float) r.nextDouble();
            }
        } else if (baseline instanceof Baseline.Custom cu) {
            if (cu.channels() != c || cu.height() != h || cu.width() != w) {
                throw new IllegalArgumentException("custom baseline is " + cu.channels() + "x" + cu.height() + "x"
                        + cu.width() + "; expected the model's input shape " + c + "x" + h + "x" + w);
            }
            pixels = cu.chw();
        } else if (baseline instanceof Baseline.Blurred bl) {
            float[] px = new float[x.length];
            for (int ch = 0; ch < c; ch++) {
                for (int j = 0; j < plane; j++) {
                    px[ch * plane + j] = spec.denormalize(ch, x[ch * plane + j]);
                }
            }
            pixels = Blur.gaussian(px, c, h, w, bl.sigma());
        } else {
            throw new IllegalArgumentException("unsupported baseline " + baseline);
        }
        float[] out = new float[x.length];
        for (int ch = 0; ch < c; ch++) {
            for (int j = 0; j < plane; j++) {
                out[ch * plane + j] = spec.normalize(ch, pixels[ch * plane + j]);
            }
        }
        return out;
    }

    private static NDArray stack(NDManager scope, float[][] rows, Shape one) {
        int per = rows[0].length;
        float[] all = new float[rows.length * per];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(rows[i], 0, all, i * per, per);
        }
        return scope.create(all, new Shape(prepend(rows.length, one)));
    }

    private static long[] prepend(long first, Shape rest) {
        long[] s = new long[rest.dimension() + 1];
        s[0] = first;
        System.arraycopy(rest.getShape(), 0, s, 1, rest.dimension());
        return s;
    }

    /** Nodes {@code [0]} in [0, 1] and weights {@code [1]} summing to 1 of a quadrature rule. */
    static double[][] nodes(Rule rule, int m) {
        double[] a = new double[m];
        double[] w = new double[m];
        switch (rule) {
            case TRAPEZOID -> {
                if (m == 1) {
                    a[0] = 1;
                    w[0] = 1;
                } else {
                    for (int k = 0; k < m; k++) {
                        a[k] = (double) k / (m - 1);
                        w[k] = (k == 0 || k == m - 1 ? 0.5 : 1.0) / (m - 1);
                    }
                }
            }
            case RIEMANN_MIDDLE -> {
                for (int k = 0; k < m; k++) {
                    a[k] = (k + 0.5) / m;
                    w[k] = 1.0 / m;
                }
            }
            case GAUSS_LEGENDRE -> {
                // roots of the Legendre polynomial P_m by Newton's method, mapped from [-1, 1] to [0, 1]
                for (int k = 0; k < m; k++) {
                    double t = Math.cos(Math.PI * (k + 0.75) / (m + 0.5));
                    double dp = 1;
                    for (int it = 0; it < 100; it++) {
                        double p0 = 1;
                        double p1 = t;
                        for (int j = 2; j <= m; j++) {
                            double p2 = ((2.0 * j - 1) * t * p1 - (j - 1.0) * p0) / j;
                            p0 = p1;
                            p1 = p2;
                        }
                        double pm = m == 1 ? t : p1;
                        double pm1 = m == 1 ? 1 : p0;
                        dp = m * (t * pm - pm1) / (t * t - 1);
                        double next = t - pm / dp;
                        boolean converged = Math.abs(next - t) < 1e-15;
                        t = next;
                        if (converged) {
                            break;
                        }
                    }
                    a[k] = (1 - t) / 2;
                    w[k] = 1.0 / ((1 - t * t) * dp * dp);
                }
            }
            default -> throw new AssertionError(rule);
        }
        return new double[][] {a, w};
    }

    @Override
    public Map<String, String> parameters() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("baseline", baseline.describe());
        p.put("steps", String.valueOf(steps));
        p.put("rule", rule.name());
        p.put("batchSize", String.valueOf(batchSize));
        return p;
    }

    @Override
    public OptionalLong seed() {
        return baseline instanceof Baseline.UniformNoise u ? OptionalLong.of(u.seed()) : OptionalLong.empty();
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
