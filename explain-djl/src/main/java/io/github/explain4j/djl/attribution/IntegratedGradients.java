package io.github.explain4j.djl.attribution;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.github.explain4j.api.Attribution;
import io.github.explain4j.api.Baseline;
import io.github.explain4j.djl.ExplainableModel;
import io.github.explain4j.djl.core.AttributionMethod;
import io.github.explain4j.djl.core.Baselines;
import io.github.explain4j.djl.core.Batches;
import io.github.explain4j.djl.core.MethodOutput;
import io.github.explain4j.djl.core.MethodSettings;
import io.github.explain4j.djl.core.ResolvedTarget;
import io.github.explain4j.djl.core.Tally;
import io.github.explain4j.djl.seam.GradientResult;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.TreeMap;

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
 * <p>The rule matters on ReLU and max-pool networks: their gradient is piecewise constant along the path and jumps
 * wherever a unit switches, so a fixed rule's error falls only as {@code 1/steps} and Gauss–Legendre loses its
 * advantage. {@link Rule#ADAPTIVE} spends the same steps where the gradient jumps; with {@link #tolerance(double)}
 * it stops as soon as the attributions are complete enough. On the bundled ShapesNet from a black baseline at 64
 * steps (40 held-out images) the L1 error against a converged map was 2.0 % (Gauss–Legendre), 1.8 % (trapezoid)
 * and 1.4 % (adaptive); the completeness error 2.1 %, 1.7 % and 1.2 % on average; with a 1 % tolerance every image
 * completed to within 1 % in 97 steps on average. On a smooth network the picture turns: on the smooth ShapesNet
 * (SiLU, average pooling) Gauss–Legendre at 64 steps completed every image to within 1.3e-4, the trapezoid to 3.1 %
 * and the adaptive rule only to 6.8 % (worst of 40 images).
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
        RIEMANN_MIDDLE,
        /**
         * Adaptive trapezoid: refines the path where the gradient jumps, found from the gradients and scores already
         * computed (no extra passes). On ReLU and max-pool networks, whose gradient is piecewise constant along the
         * path, it is more accurate than the fixed rules at the same number of steps; see {@link #tolerance(double)}
         * to stop as soon as the attributions are complete enough. Not for smooth networks (SiLU, GELU, average
         * pooling): there Gauss–Legendre converges far faster and this rule is worse than the plain trapezoid.
         */
        ADAPTIVE
    }

    /** The settings, checked once here. */
    private record Settings(Baseline baseline, int steps, Rule rule, double tolerance, int batchSize)
            implements MethodSettings {
        Settings {
            Objects.requireNonNull(baseline, "baseline");
            positive("steps", steps);
            Objects.requireNonNull(rule, "rule");
            if (!(tolerance >= 0 && tolerance < 1)) {
                throw new IllegalArgumentException("tolerance was " + tolerance
                        + "; expected a relative completeness error in [0, 1), e.g. 0.01 for 1 %");
            }
            positive("batch size", batchSize);
        }

        /** The tolerance only when there is one. */
        @Override
        public String describe(String component, Object value) {
            return component.equals("tolerance") && tolerance == 0 ? null
                    : MethodSettings.super.describe(component, value);
        }
    }

    private final Settings settings;

    private IntegratedGradients(Settings settings) {
        this.settings = settings;
    }

    /** Black baseline, 50 steps, Gauss–Legendre, batches of 16 path points. */
    public static IntegratedGradients create() {
        return new IntegratedGradients(new Settings(Baseline.black(), 50, Rule.GAUSS_LEGENDRE, 0, 16));
    }

    /** The reference input. */
    public IntegratedGradients baseline(Baseline newBaseline) {
        Settings s = settings;
        return new IntegratedGradients(new Settings(newBaseline, s.steps(), s.rule(), s.tolerance(), s.batchSize()));
    }

    /** The number of points on the path: the gradient evaluations per image (with a tolerance, at most that). */
    public IntegratedGradients steps(int n) {
        Settings s = settings;
        return new IntegratedGradients(new Settings(s.baseline(), n, s.rule(), s.tolerance(), s.batchSize()));
    }

    /** How many path points go through the model in one pass (the internal batch size). */
    public IntegratedGradients batchSize(int n) {
        Settings s = settings;
        return new IntegratedGradients(new Settings(s.baseline(), s.steps(), s.rule(), s.tolerance(), n));
    }

    /** The quadrature rule. */
    public IntegratedGradients rule(Rule newRule) {
        Settings s = settings;
        return new IntegratedGradients(new Settings(s.baseline(), s.steps(), newRule, s.tolerance(), s.batchSize()));
    }

    /**
     * Stops the {@link Rule#ADAPTIVE adaptive} rule as soon as the attributions complete to within this fraction of
     * {@code |f(x) − f(x')|}, {@code steps} being then the most it may spend; the diagnostic {@code "steps"} says
     * how many it took. 0 (the default) spends the whole budget.
     */
    public IntegratedGradients tolerance(double relative) {
        Settings s = settings;
        return new IntegratedGradients(new Settings(s.baseline(), s.steps(), s.rule(), relative, s.batchSize()));
    }

    @Override
    public String name() {
        return "Integrated Gradients";
    }

    @Override
    public MethodOutput attribute(ExplainableModel model, NDManager scope, NDArray input, ResolvedTarget target) {
        double tolerance = settings.tolerance();
        Rule rule = settings.rule();
        int steps = settings.steps();
        if (tolerance > 0 && rule != Rule.ADAPTIVE) {
            throw new IllegalArgumentException("a tolerance of " + tolerance + " needs the adaptive rule, which can"
                    + " stop early, but the rule is " + rule + "; add .rule(IntegratedGradients.Rule.ADAPTIVE)");
        }
        int n = (int) input.getShape().get(0);
        float[][] x = rows(input);
        float[][] base = new float[n][];
        for (int i = 0; i < n; i++) {
            base[i] = Baselines.normalized(settings.baseline(), model.spec(), x[i], i);
        }
        Shape one = input.getShape().slice(1);
        NDArray baselines = Batches.stack(scope, base, one, input.getDataType());
        // f(x) and f(x') in one pass; the top prediction is fixed on the clean input
        NDArray outputs = model.seam().forward(scope, input.concat(baselines));
        ResolvedTarget fixed = target.isLazy()
                ? target.withClasses(ResolvedTarget.argMax(outputs.get("0:" + n))) : target;
        float[] ends = fixed.tile(2).scoreFunction().scores(outputs).toType(DataType.FLOAT32, false).toFloatArray();

        int per = x[0].length;
        float[][] maps = new float[n][];
        int[] classes = new int[n];
        List<Map<String, Double>> diagnostics = new ArrayList<>();
        Tally tally = Tally.of(model, name(), (long) n * steps);
        for (int i = 0; i < n; i++) {
            Path path = new Path(model, scope, input.getDataType(), one, x[i], base[i], fixed.slice(i, i + 1),
                    tally);
            Integral integral = rule == Rule.ADAPTIVE ? adaptive(path) : fixedRule(path, rule);
            double[] avg = integral.average();
            // an adaptive rule that met its tolerance early: the image's share of the work is done
            tally.reach((i + 1L) * steps);
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
            d.put("steps", (double) integral.evaluations());
            diagnostics.add(d);
            maps[i] = attr;
            classes[i] = fixed.isCustom() ? -1 : fixed.classes()[i];
        }
        return new MethodOutput(maps, (int) one.get(0), (int) one.get(1), (int) one.get(2), classes, diagnostics);
    }

    /** The straight path from one baseline to its input, evaluated in batches of path points. */
    private final class Path {
        private final ExplainableModel model;
        private final NDManager scope;
        private final DataType type;
        private final Shape one;
        private final float[] x;
        private final float[] base;
        private final ResolvedTarget target;
        private final Tally tally;

        Path(ExplainableModel model, NDManager scope, DataType type, Shape one, float[] x, float[] base,
                ResolvedTarget target, Tally tally) {
            this.model = model;
            this.scope = scope;
            this.type = type;
            this.one = one;
            this.x = x;
            this.base = base;
            this.target = target;
            this.tally = tally;
        }

        /** Gradients and scores at the path points {@code alphas}, handed to {@code sink} one point at a time. */
        void evaluate(double[] alphas, PointSink sink) {
            Batches.inChunks(scope, one, type, alphas.length, settings.batchSize(), tally, (k, points, offset) -> {
                double alpha = alphas[k];
                for (int j = 0; j < x.length; j++) {
                    points[offset + j] = (float) (base[j] + alpha * (x[j] - base[j]));
                }
            }, (chunk, batch, first, b) -> {
                GradientResult g = gradients(model, chunk, batch, null, target.repeatEach(b).scoreFunction());
                float[][] grads = rows(g.inputGradient());
                float[] scores = g.scores().toType(DataType.FLOAT32, false).toFloatArray();
                for (int s = 0; s < b; s++) {
                    sink.accept(first + s, grads[s], scores[s]);
                }
            });
        }

        /** {@code Σ|(g_b − g_a)(x − x')|}: how much two gradients differ, weighted by the path's direction. */
        double change(float[] ga, float[] gb) {
            double c = 0;
            for (int j = 0; j < x.length; j++) {
                c += Math.abs((double) (gb[j] - ga[j]) * (x[j] - base[j]));
            }
            return c;
        }

        /** The derivative of the score along the path, {@code ∇f · (x − x')}. */
        double slope(float[] gradient) {
            double h = 0;
            for (int j = 0; j < x.length; j++) {
                h += (double) gradient[j] * (x[j] - base[j]);
            }
            return h;
        }
    }

    /** Receives one evaluated path point. */
    @FunctionalInterface
    private interface PointSink {
        void accept(int index, float[] gradient, float score);
    }

    /** The path-averaged gradient and how many gradient evaluations it took. */
    private record Integral(double[] average, int evaluations) {}

    /** One evaluated path point: the input gradient, the score and the score's derivative along the path. */
    private record Point(float[] gradient, double score, double slope) {}

    /**
     * One interval of the adaptive grid with its two local error measures.
     *
     * @param scoreError the trapezoid's error on the score, {@code |f(b) − f(a) − (b − a)(f'(a) + f'(b))/2|}
     * @param change {@code (b − a) Σ|(∇f(b) − ∇f(a)) (x − x')|}, which bounds the trapezoid's error on the
     *     attributions when the gradient jumps once inside the interval
     */
    private record Interval(double a, double b, double scoreError, double change) {}

    /** The path-averaged gradient by a fixed rule. */
    private Integral fixedRule(Path path, Rule fixedRule) {
        int steps = settings.steps();
        double[][] nodes = nodes(fixedRule, steps);
        double[] avg = new double[path.x.length];
        path.evaluate(nodes[0], (k, g, score) -> {
            double w = nodes[1][k];
            for (int j = 0; j < g.length; j++) {
                avg[j] += w * g[j];
            }
        });
        return new Integral(avg, steps);
    }

    /**
     * The path-averaged gradient by adaptive trapezoid refinement. A ReLU or max-pool network is piecewise linear,
     * so along the path its gradient is piecewise constant and jumps wherever a unit switches; a fixed rule's error
     * comes from the intervals holding the largest jumps. Every gradient pass also gives the score, so each interval
     * of the grid carries two exact local measures for free: the trapezoid's error on the score, and how much the
     * gradient changed across it (weighted by {@code x − x'}). Starting from {@code steps / 4} evenly spaced points,
     * each round of {@code steps / 8} points goes a quarter to the largest score errors and the rest to the largest
     * changes, placed evenly inside the chosen intervals; the rule stops when the budget is spent or, with a
     * {@linkplain #tolerance(double) tolerance}, as soon as the attributions complete to within it. The result does
     * not depend on the batch size. Each path point's gradient is kept on the heap until the end (steps × input
     * size floats).
     */
    private Integral adaptive(Path path) {
        int steps = settings.steps();
        double tolerance = settings.tolerance();
        if (steps < 3) {
            return fixedRule(path, Rule.TRAPEZOID);
        }
        int first = Math.max(3, steps / 4);
        int round = Math.max(1, steps / 8);
        TreeMap<Double, Point> grid = new TreeMap<>();
        double[] initial = new double[first];
        for (int k = 0; k < first; k++) {
            initial[k] = (double) k / (first - 1);
        }
        addPoints(path, initial, grid);
        Map<Double, double[]> changes = new HashMap<>();
        int used = first;
        while (used < steps && !(tolerance > 0 && completenessGap(grid) <= tolerance)) {
            List<Interval> intervals = intervals(grid, path, changes);
            int r = Math.min(round, steps - used);
            int[] extra = new int[intervals.size()];
            int byScore = (r + 3) / 4;
            allocate(intervals, extra, byScore, true);
            allocate(intervals, extra, r - byScore, false);
            double[] alphas = new double[r];
            int next = 0;
            for (int i = 0; i < intervals.size(); i++) {
                Interval iv = intervals.get(i);
                for (int m = 1; m <= extra[i]; m++) {
                    alphas[next++] = iv.a() + (iv.b() - iv.a()) * m / (extra[i] + 1);
                }
            }
            addPoints(path, alphas, grid);
            used += r;
        }
        double[] avg = new double[path.x.length];
        double[] alphas = grid.keySet().stream().mapToDouble(Double::doubleValue).toArray();
        double[] weights = trapezoidWeights(alphas);
        for (int k = 0; k < alphas.length; k++) {
            float[] g = grid.get(alphas[k]).gradient();
            for (int j = 0; j < g.length; j++) {
                avg[j] += weights[k] * g[j];
            }
        }
        return new Integral(avg, used);
    }

    /** Evaluates the path at {@code alphas} and adds the points to the grid. */
    private static void addPoints(Path path, double[] alphas, TreeMap<Double, Point> grid) {
        path.evaluate(alphas, (k, g, score) -> grid.put(alphas[k], new Point(g, score, path.slope(g))));
    }

    /** The intervals of the grid with their error measures; the gradient changes are cached by interval. */
    private static List<Interval> intervals(TreeMap<Double, Point> grid, Path path, Map<Double, double[]> changes) {
        List<Interval> out = new ArrayList<>(grid.size() - 1);
        Map.Entry<Double, Point> prev = null;
        for (Map.Entry<Double, Point> e : grid.entrySet()) {
            if (prev != null) {
                double a = prev.getKey();
                double b = e.getKey();
                Point pa = prev.getValue();
                Point pb = e.getValue();
                double scoreError = Math.abs(pb.score() - pa.score() - (b - a) * (pa.slope() + pb.slope()) / 2);
                double[] cached = changes.get(a);
                if (cached == null || cached[0] != b) {
                    cached = new double[] {b, (b - a) * path.change(pa.gradient(), pb.gradient())};
                    changes.put(a, cached);
                }
                out.add(new Interval(a, b, scoreError, cached[1]));
            }
            prev = e;
        }
        return out;
    }

    /**
     * Gives {@code count} more points, one at a time, to the interval whose error per piece is largest (an
     * interval with {@code k} points inside is split into {@code k + 1} even pieces); ties go to the widest piece,
     * then to the leftmost interval.
     */
    private static void allocate(List<Interval> intervals, int[] extra, int count, boolean byScore) {
        for (int c = 0; c < count; c++) {
            int best = 0;
            double bestError = -1;
            double bestWidth = -1;
            for (int i = 0; i < intervals.size(); i++) {
                Interval iv = intervals.get(i);
                double error = (byScore ? iv.scoreError() : iv.change()) / (extra[i] + 1);
                double width = (iv.b() - iv.a()) / (extra[i] + 1);
                if (error > bestError || error == bestError && width > bestWidth) {
                    best = i;
                    bestError = error;
                    bestWidth = width;
                }
            }
            extra[best]++;
        }
    }

    /** Trapezoid weights on sorted points spanning [0, 1]. */
    private static double[] trapezoidWeights(double[] alphas) {
        double[] w = new double[alphas.length];
        for (int k = 0; k + 1 < alphas.length; k++) {
            double half = (alphas[k + 1] - alphas[k]) / 2;
            w[k] += half;
            w[k + 1] += half;
        }
        return w;
    }

    /** {@code |Σ attributions − (f(x) − f(x'))| / |f(x) − f(x')|} on the current grid, from the slopes alone. */
    private static double completenessGap(TreeMap<Double, Point> grid) {
        double[] alphas = grid.keySet().stream().mapToDouble(Double::doubleValue).toArray();
        double[] w = trapezoidWeights(alphas);
        double sum = 0;
        for (int k = 0; k < alphas.length; k++) {
            sum += w[k] * grid.get(alphas[k]).slope();
        }
        double difference = grid.lastEntry().getValue().score() - grid.firstEntry().getValue().score();
        double gap = Math.abs(sum - difference);
        return difference == 0 ? gap : gap / Math.abs(difference);
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
        return settings.parameters();
    }

    @Override
    public OptionalLong seed() {
        return settings.baseline() instanceof Baseline.UniformNoise u ? OptionalLong.of(u.seed())
                : OptionalLong.empty();
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
