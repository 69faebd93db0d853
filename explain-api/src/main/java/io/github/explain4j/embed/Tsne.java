package io.github.explain4j.embed;

import io.github.explain4j.api.ProgressListener;
import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.CancellationException;
import java.util.stream.IntStream;

/**
 * t-distributed stochastic neighbour embedding of a dataset in the plane: van der Maaten &amp; Hinton (2008),
 * "Visualizing Data using t-SNE", JMLR 9:2579–2605, exact for small sets, and the Barnes–Hut approximation of
 * van der Maaten (2014), "Accelerating t-SNE using Tree-Based Algorithms", JMLR 15:3221–3245, for large ones.
 * Immutable settings with withers; {@link #embed(float[][], int[])} returns an {@link Embedding}.
 *
 * <p>What it does, in order:
 * <ol>
 *   <li>When the points have more than {@link #pcaDimensions()} (default 50) values, they are first projected on
 *       their leading principal components ({@link Pca}), as is customary; {@code withPcaDimensions(0)} turns it
 *       off.</li>
 *   <li>Input affinities: for each point a Gaussian over its neighbours whose precision is found by bisection so
 *       that the distribution's perplexity {@code 2^H(P_i)} equals {@link #perplexity()} (default 30), then
 *       symmetrised, {@code p_ij = (p_j|i + p_i|j) / 2n}. Exact t-SNE uses all other points; Barnes–Hut uses the
 *       exact {@code ⌊3·perplexity⌋} nearest ({@link NearestNeighbours}) and keeps {@code P} sparse.</li>
 *   <li>Gradient descent on {@code KL(P‖Q)} with Student-t output affinities {@code q_ij ∝ (1 + |y_i − y_j|²)⁻¹}:
 *       start {@code y ~ N(0, 10⁻⁴ I)} from the seed; early exaggeration (P × 12) for the first 250 iterations,
 *       momentum 0.5 for those and 0.8 after; per-coordinate gains (Jacobs 1988, "delta-bar-delta": + 0.2 when the
 *       gradient's sign changes, × 0.8 when not, at least 0.01); 1000 iterations; the embedding re-centred after
 *       each step. The learning rate defaults to {@code max(200, n / 12)}, i.e. {@code n / exaggeration} as
 *       recommended by Belkina et al. (2019), "Automated optimized parameters for t-distributed stochastic
 *       neighbor embedding", Nat. Commun. 10:5415, with the 2008 paper's 200 as the floor.</li>
 *   <li>Barnes–Hut: the repulsive forces come from a quadtree of the embedding rebuilt every iteration; a cell is
 *       summarised by its centre of mass when it does not contain the point and {@code side / distance < θ}
 *       (default 0.5). θ = 0 opens every cell and gives the exact gradient.</li>
 * </ol>
 *
 * <p>Exact t-SNE takes {@code O(n²)} time per iteration and {@code n²} doubles of memory (200 MB at 5,000
 * points); it is chosen below {@link #exactBelow()} points (default {@value #DEFAULT_EXACT_BELOW}), Barnes–Hut from
 * there on ({@code O(n log n)} per iteration).
 *
 * <p>The same seed gives the same embedding, bit for bit (every sum runs in a fixed order; Barnes–Hut's per-point
 * repulsions run in parallel on the common fork-join pool, each independent of the others). Progress goes to the
 * {@link ProgressListener} as {@code "t-SNE affinities"} (points) and {@code "t-SNE"} (iterations). An interrupt of
 * the calling thread stops the work with a {@link CancellationException}; the interrupt flag stays set.
 *
 * <p>No t-SNE library on Maven Central is both maintained and under an Apache/MIT/BSD licence, hence this one.
 *
 * <pre>{@code
 * Embedding e = Tsne.defaults().withSeed(7).withProgress(listener).embed(features, labels);
 * BufferedImage plot = ScatterPlot.of(e, classNames).render(800, 640);
 * }</pre>
 */
public final class Tsne {

    /** The number of points from which Barnes–Hut replaces exact t-SNE by default. */
    public static final int DEFAULT_EXACT_BELOW = 5000;

    private final double perplexity;
    private final double theta;
    private final int iterations;
    private final double learningRate;
    private final double exaggeration;
    private final int exaggerationIterations;
    private final long seed;
    private final int exactBelow;
    private final int pcaDimensions;
    private final ProgressListener listener;

    private Tsne(double perplexity, double theta, int iterations, double learningRate, double exaggeration,
            int exaggerationIterations, long seed, int exactBelow, int pcaDimensions, ProgressListener listener) {
        this.perplexity = perplexity;
        this.theta = theta;
        this.iterations = iterations;
        this.learningRate = learningRate;
        this.exaggeration = exaggeration;
        this.exaggerationIterations = exaggerationIterations;
        this.seed = seed;
        this.exactBelow = exactBelow;
        this.pcaDimensions = pcaDimensions;
        this.listener = listener;
    }

    /**
     * The customary settings: perplexity 30, θ 0.5, 1000 iterations, learning rate {@code max(200, n/12)}, early
     * exaggeration 12 for 250 iterations, seed 1, exact below 5,000 points, PCA to 50 dimensions first, no
     * progress listener.
     *
     * @return the settings
     */
    public static Tsne defaults() {
        return new Tsne(30, 0.5, 1000, Double.NaN, 12, 250, 1, DEFAULT_EXACT_BELOW, 50, ProgressListener.NONE);
    }

    /**
     * The perplexity, an effective number of neighbours per point.
     *
     * @param perplexity at least 1; it must also be below {@code (n − 1)/3} for the data embedded
     * @return new settings
     */
    public Tsne withPerplexity(double perplexity) {
        if (!(perplexity >= 1) || !Double.isFinite(perplexity)) {
            throw new IllegalArgumentException("perplexity was " + perplexity + "; expected a finite value ≥ 1 (an"
                    + " effective number of neighbours), e.g. 30");
        }
        return new Tsne(perplexity, theta, iterations, learningRate, exaggeration, exaggerationIterations, seed,
                exactBelow, pcaDimensions, listener);
    }

    /**
     * Barnes–Hut's accuracy: a cell is summarised when {@code side / distance < θ}.
     *
     * @param theta in {@code [0, 1]}; 0 is exact (and slow), 0.5 customary
     * @return new settings
     */
    public Tsne withTheta(double theta) {
        if (!(theta >= 0 && theta <= 1)) {
            throw new IllegalArgumentException("theta was " + theta + "; expected a value in [0, 1], e.g. 0.5");
        }
        return new Tsne(perplexity, theta, iterations, learningRate, exaggeration, exaggerationIterations, seed,
                exactBelow, pcaDimensions, listener);
    }

    /**
     * The number of gradient steps, the early-exaggeration ones included.
     *
     * @param iterations at least 1, e.g. 1000
     * @return new settings
     */
    public Tsne withIterations(int iterations) {
        if (iterations < 1) {
            throw new IllegalArgumentException("iterations was " + iterations + "; expected at least 1, e.g. 1000");
        }
        return new Tsne(perplexity, theta, iterations, learningRate, exaggeration, exaggerationIterations, seed,
                exactBelow, pcaDimensions, listener);
    }

    /**
     * A fixed learning rate instead of {@code max(200, n / exaggeration)}.
     *
     * @param learningRate positive, e.g. 200
     * @return new settings
     */
    public Tsne withLearningRate(double learningRate) {
        if (!(learningRate > 0) || !Double.isFinite(learningRate)) {
            throw new IllegalArgumentException("learning rate was " + learningRate
                    + "; expected a positive finite value, e.g. 200");
        }
        return new Tsne(perplexity, theta, iterations, learningRate, exaggeration, exaggerationIterations, seed,
                exactBelow, pcaDimensions, listener);
    }

    /**
     * Early exaggeration: P multiplied by {@code factor} for the first {@code iterations} steps, which are also
     * the steps with momentum 0.5.
     *
     * @param factor at least 1, e.g. 12
     * @param iterations at least 0, e.g. 250
     * @return new settings
     */
    public Tsne withEarlyExaggeration(double factor, int iterations) {
        if (!(factor >= 1) || !Double.isFinite(factor) || iterations < 0) {
            throw new IllegalArgumentException("early exaggeration was " + factor + " for " + iterations
                    + " iterations; expected a finite factor ≥ 1 for ≥ 0 iterations, e.g. 12 for 250");
        }
        return new Tsne(perplexity, theta, this.iterations, learningRate, factor, iterations, seed, exactBelow,
                pcaDimensions, listener);
    }

    /** The seed of the initial embedding. */
    public Tsne withSeed(long seed) {
        return new Tsne(perplexity, theta, iterations, learningRate, exaggeration, exaggerationIterations, seed,
                exactBelow, pcaDimensions, listener);
    }

    /**
     * The size from which Barnes–Hut is used: exact t-SNE for fewer points.
     *
     * @param points at least 0; 0 always uses Barnes–Hut, {@code Integer.MAX_VALUE} never
     * @return new settings
     */
    public Tsne withExactBelow(int points) {
        if (points < 0) {
            throw new IllegalArgumentException("exactBelow was " + points + "; expected a number of points ≥ 0, e.g."
                    + " 5000");
        }
        return new Tsne(perplexity, theta, iterations, learningRate, exaggeration, exaggerationIterations, seed,
                points, pcaDimensions, listener);
    }

    /**
     * The dimension the points are reduced to by PCA first, when they have more.
     *
     * @param dimensions 0 (no PCA) or at least 2, e.g. 50
     * @return new settings
     */
    public Tsne withPcaDimensions(int dimensions) {
        if (dimensions < 0 || dimensions == 1) {
            throw new IllegalArgumentException("PCA dimensions was " + dimensions + "; expected 0 (no PCA) or at"
                    + " least 2, e.g. 50");
        }
        return new Tsne(perplexity, theta, iterations, learningRate, exaggeration, exaggerationIterations, seed,
                exactBelow, dimensions, listener);
    }

    /** Where progress goes. */
    public Tsne withProgress(ProgressListener listener) {
        return new Tsne(perplexity, theta, iterations, learningRate, exaggeration, exaggerationIterations, seed,
                exactBelow, pcaDimensions, Objects.requireNonNull(listener, "listener"));
    }

    /** @return the perplexity */
    public double perplexity() {
        return perplexity;
    }

    /** @return Barnes–Hut's θ */
    public double theta() {
        return theta;
    }

    /** @return the number of iterations */
    public int iterations() {
        return iterations;
    }

    /** @return the seed */
    public long seed() {
        return seed;
    }

    /** @return the size from which Barnes–Hut is used */
    public int exactBelow() {
        return exactBelow;
    }

    /** @return the PCA dimension, 0 for none */
    public int pcaDimensions() {
        return pcaDimensions;
    }

    /**
     * The learning rate used for {@code n} points.
     *
     * @param n the number of points
     * @return the fixed rate, or {@code max(200, n / exaggeration)}
     */
    public double learningRate(int n) {
        return Double.isNaN(learningRate) ? Math.max(200, n / exaggeration) : learningRate;
    }

    /** @return whether {@code n} points are embedded by exact t-SNE (else Barnes–Hut) */
    public boolean isExact(int n) {
        return n < exactBelow;
    }

    /**
     * Embeds unlabelled points.
     *
     * @param data {@code n × D} finite values
     * @return the embedding, without labels
     */
    public Embedding embed(float[][] data) {
        return embed(data, null);
    }

    /**
     * Embeds points in the plane.
     *
     * @param data {@code n × D} finite values, with {@code n > 3·perplexity + 1}
     * @param labels the points' classes (kept in the embedding for plots), or null
     * @return the embedding
     * @throws CancellationException if the thread is interrupted
     */
    public Embedding embed(float[][] data, int[] labels) {
        int d = Points.check(data, "data");
        int n = data.length;
        if (labels != null) {
            Points.checkLabels(labels, n, "labels");
        }
        if (!(perplexity < (n - 1) / 3.0)) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "perplexity was %s but there are only %d"
                    + " points; expected perplexity < (n − 1)/3 = %.1f, e.g. %s", perplexity, n, (n - 1) / 3.0,
                    n > 91 ? "30" : String.format(Locale.ROOT, "%.0f", Math.max(1, Math.floor((n - 2) / 3.0)))));
        }
        float[][] x = data;
        String reduced = "";
        if (pcaDimensions > 0 && d > pcaDimensions) {
            x = Points.toFloat(Pca.fit(data, Math.min(pcaDimensions, Math.min(n, d))).project(data));
            reduced = ", PCA " + d + " → " + x[0].length + " dimensions first";
        }
        boolean exact = isExact(n);
        double rate = learningRate(n);
        double[] y = new double[2 * n];
        Random random = new Random(seed);
        for (int i = 0; i < 2 * n; i++) {
            y[i] = 1e-2 * random.nextGaussian();
        }
        double[] dense = null;
        Sparse sparse = null;
        int neighbours = Math.min(n - 1, (int) Math.floor(3 * perplexity));
        if (exact) {
            dense = denseAffinities(x, perplexity);
        } else {
            sparse = sparseAffinities(x, perplexity, neighbours);
        }
        double[] grad = new double[2 * n];
        double[] update = new double[2 * n];
        double[] gains = new double[2 * n];
        Arrays.fill(gains, 1);
        for (int it = 0; it < iterations; it++) {
            if (Thread.currentThread().isInterrupted()) {
                throw new CancellationException("t-SNE was cancelled at iteration " + (it + 1) + " of " + iterations
                        + " (the thread was interrupted)");
            }
            boolean early = it < exaggerationIterations;
            double exag = early ? exaggeration : 1;
            if (exact) {
                exactGradient(dense, n, y, exag, grad);
            } else {
                barnesHutGradient(sparse, y, theta, exag, grad);
            }
            double momentum = early ? 0.5 : 0.8;
            for (int c = 0; c < 2 * n; c++) {
                gains[c] = (grad[c] > 0) != (update[c] > 0) ? gains[c] + 0.2 : gains[c] * 0.8;
                if (gains[c] < 0.01) {
                    gains[c] = 0.01;
                }
                update[c] = momentum * update[c] - rate * gains[c] * grad[c];
                y[c] += update[c];
            }
            centre(y, n);
            listener.progress("t-SNE", it + 1, iterations);
        }
        double kl = exact ? klDivergence(dense, n, y) : klDivergence(sparse, y, theta);
        double[][] coordinates = new double[n][];
        for (int i = 0; i < n; i++) {
            coordinates[i] = new double[] {y[2 * i], y[2 * i + 1]};
        }
        String method = exact ? "t-SNE (exact)" : "t-SNE (Barnes–Hut)";
        String provenance = String.format(Locale.ROOT, "%d points of %d dimensions%s; perplexity %s%s, %d"
                + " iterations, learning rate %.1f%s, early exaggeration %s for %d iterations, momentum 0.5 → 0.8,"
                + " seed %d", n, d, reduced, perplexity,
                exact ? ", all pairs" : ", " + neighbours + " nearest neighbours, θ " + theta, iterations, rate,
                Double.isNaN(learningRate) ? " (max(200, n/" + exaggeration + "))" : "", exaggeration,
                exaggerationIterations, seed);
        return Embedding.of(coordinates, labels, method, provenance, kl);
    }

    private static void centre(double[] y, int n) {
        double mx = 0;
        double my = 0;
        for (int i = 0; i < n; i++) {
            mx += y[2 * i];
            my += y[2 * i + 1];
        }
        mx /= n;
        my /= n;
        for (int i = 0; i < n; i++) {
            y[2 * i] -= mx;
            y[2 * i + 1] -= my;
        }
    }

    // ---------------------------------------------------------------- input affinities

    /**
     * The conditional distribution {@code p_j|i ∝ exp(−β d_ij)} over a point's neighbours whose perplexity
     * {@code exp(H)} (H in nats) equals {@code perplexity}, β by bisection (tolerance 1e-5 nats on H, at most 200
     * steps).
     *
     * @param squaredDistances the squared distances to the neighbours (the point itself excluded)
     * @param perplexity the target
     * @return the probabilities, summing to 1, in the order of the distances
     */
    static double[] calibrate(double[] squaredDistances, double perplexity) {
        int m = squaredDistances.length;
        double min = Double.POSITIVE_INFINITY;
        for (double v : squaredDistances) {
            min = Math.min(min, v);
        }
        double target = Math.log(perplexity);
        double beta = 1;
        double lo = 0;
        double hi = Double.POSITIVE_INFINITY;
        double[] p = new double[m];
        for (int step = 0; step < 200; step++) {
            double sum = 0;
            double weighted = 0;
            for (int j = 0; j < m; j++) {
                double shifted = squaredDistances[j] - min;
                p[j] = Math.exp(-beta * shifted);
                sum += p[j];
                weighted += p[j] * shifted;
            }
            double entropy = Math.log(sum) + beta * weighted / sum;
            for (int j = 0; j < m; j++) {
                p[j] /= sum;
            }
            double gap = entropy - target;
            if (Math.abs(gap) < 1e-5) {
                break;
            }
            if (gap > 0) {
                lo = beta;
                beta = Double.isInfinite(hi) ? beta * 2 : (beta + hi) / 2;
            } else {
                hi = beta;
                beta = (lo + beta) / 2;
            }
        }
        return p;
    }

    /** Symmetrised affinities over all pairs, row-major {@code n × n}, zero diagonal, summing to 1. */
    private double[] denseAffinities(float[][] x, double perplexity) {
        int n = x.length;
        int d = x[0].length;
        double[] p = new double[n * n];
        double[] dist = new double[n - 1];
        for (int i = 0; i < n; i++) {
            checkInterrupt("affinities", i, n);
            for (int j = 0, c = 0; j < n; j++) {
                if (j == i) {
                    continue;
                }
                double s = 0;
                for (int t = 0; t < d; t++) {
                    double v = x[i][t] - x[j][t];
                    s += v * v;
                }
                dist[c++] = s;
            }
            double[] row = calibrate(dist, perplexity);
            for (int j = 0, c = 0; j < n; j++) {
                if (j != i) {
                    p[i * n + j] = row[c++];
                }
            }
            if ((i + 1) % 256 == 0 || i + 1 == n) {
                listener.progress("t-SNE affinities", i + 1, n);
            }
        }
        return symmetrise(p, n);
    }

    /** {@code (P + Pᵀ) / 2n} of conditional affinities, in place. */
    static double[] symmetrise(double[] p, int n) {
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                double v = (p[i * n + j] + p[j * n + i]) / (2.0 * n);
                p[i * n + j] = v;
                p[j * n + i] = v;
            }
            p[i * n + i] = 0;
        }
        return p;
    }

    private void checkInterrupt(String what, int done, int total) {
        if (Thread.currentThread().isInterrupted()) {
            throw new CancellationException("t-SNE was cancelled while computing the " + what + " (" + done + " of "
                    + total + " points; the thread was interrupted)");
        }
    }

    /** Sparse symmetric affinities: row {@code i} holds {@code cols[start[i] .. start[i+1])} and their values. */
    static final class Sparse {
        final int n;
        final int[] start;
        final int[] cols;
        final double[] values;

        Sparse(int n, int[] start, int[] cols, double[] values) {
            this.n = n;
            this.start = start;
            this.cols = cols;
            this.values = values;
        }

        /** The non-zero entries of a dense row-major {@code n × n} matrix. */
        static Sparse of(double[] dense, int n) {
            int[] start = new int[n + 1];
            for (int i = 0; i < n; i++) {
                int c = 0;
                for (int j = 0; j < n; j++) {
                    c += dense[i * n + j] != 0 ? 1 : 0;
                }
                start[i + 1] = start[i] + c;
            }
            int[] cols = new int[start[n]];
            double[] values = new double[start[n]];
            for (int i = 0, k = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    if (dense[i * n + j] != 0) {
                        cols[k] = j;
                        values[k++] = dense[i * n + j];
                    }
                }
            }
            return new Sparse(n, start, cols, values);
        }
    }

    /** Affinities over each point's {@code k} nearest neighbours, symmetrised: {@code (P + Pᵀ) / 2n}. */
    private Sparse sparseAffinities(float[][] x, double perplexity, int k) {
        int n = x.length;
        NearestNeighbours.Result near = NearestNeighbours.search(x, x, k, true);
        // conditional rows, then every entry written to (i, j) and (j, i)
        int[] count = new int[n];
        double[][] rows = new double[n][];
        double[] dist = new double[k];
        for (int i = 0; i < n; i++) {
            checkInterrupt("affinities", i, n);
            for (int j = 0; j < k; j++) {
                dist[j] = near.squaredDistances[i][j];
            }
            rows[i] = calibrate(dist, perplexity);
            count[i] += k;
            for (int j : near.indices[i]) {
                count[j]++;
            }
            if ((i + 1) % 256 == 0 || i + 1 == n) {
                listener.progress("t-SNE affinities", i + 1, n);
            }
        }
        int[][] rowCols = new int[n][];
        double[][] rowValues = new double[n][];
        int[] fill = new int[n];
        for (int i = 0; i < n; i++) {
            rowCols[i] = new int[count[i]];
            rowValues[i] = new double[count[i]];
        }
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < k; c++) {
                int j = near.indices[i][c];
                double v = rows[i][c];
                rowCols[i][fill[i]] = j;
                rowValues[i][fill[i]++] = v;
                rowCols[j][fill[j]] = i;
                rowValues[j][fill[j]++] = v;
            }
        }
        // per row: sort by column, add duplicates (pairs that are neighbours both ways)
        int[] start = new int[n + 1];
        int[][] mergedCols = new int[n][];
        double[][] mergedValues = new double[n][];
        for (int i = 0; i < n; i++) {
            int m = count[i];
            long[] keys = new long[m];
            for (int c = 0; c < m; c++) {
                keys[c] = ((long) rowCols[i][c] << 32) | c;
            }
            Arrays.sort(keys);
            int[] cols = new int[m];
            double[] values = new double[m];
            int size = 0;
            for (int c = 0; c < m; c++) {
                int col = (int) (keys[c] >>> 32);
                double v = rowValues[i][(int) keys[c]];
                if (size > 0 && cols[size - 1] == col) {
                    values[size - 1] += v;
                } else {
                    cols[size] = col;
                    values[size++] = v;
                }
            }
            mergedCols[i] = Arrays.copyOf(cols, size);
            mergedValues[i] = Arrays.copyOf(values, size);
            start[i + 1] = start[i] + size;
        }
        int[] cols = new int[start[n]];
        double[] values = new double[start[n]];
        for (int i = 0; i < n; i++) {
            System.arraycopy(mergedCols[i], 0, cols, start[i], mergedCols[i].length);
            for (int c = 0; c < mergedValues[i].length; c++) {
                values[start[i] + c] = mergedValues[i][c] / (2.0 * n);
            }
        }
        return new Sparse(n, start, cols, values);
    }

    // ---------------------------------------------------------------- gradients

    /**
     * The exact gradient of {@code KL(P‖Q)} with respect to the embedding,
     * {@code ∂C/∂y_i = 4 Σ_j (α p_ij − q_ij) (1 + |y_i − y_j|²)⁻¹ (y_i − y_j)}, computed in one pass over the pairs
     * as {@code 4 (α Σ_j p_ij w_ij (y_i − y_j) − Σ_j w_ij² (y_i − y_j) / Z)} with {@code w_ij = (1 + |y_i − y_j|²)⁻¹}
     * and {@code Z = Σ_{k≠l} w_kl}.
     *
     * @param p symmetric affinities, row-major {@code n × n}
     * @param n the number of points
     * @param y the embedding, {@code (x, y)} pairs
     * @param exaggeration α, the factor on P
     * @param grad receives the gradient, {@code (x, y)} pairs
     * @return Z
     */
    static double exactGradient(double[] p, int n, double[] y, double exaggeration, double[] grad) {
        double[] attract = new double[2 * n];
        double[] repel = new double[2 * n];
        double z = 0;
        for (int i = 0; i < n; i++) {
            double xi = y[2 * i];
            double yi = y[2 * i + 1];
            int row = i * n;
            for (int j = i + 1; j < n; j++) {
                double dx = xi - y[2 * j];
                double dy = yi - y[2 * j + 1];
                double w = 1 / (1 + dx * dx + dy * dy);
                z += 2 * w;
                double a = p[row + j] * w;
                double r = w * w;
                attract[2 * i] += a * dx;
                attract[2 * i + 1] += a * dy;
                attract[2 * j] -= a * dx;
                attract[2 * j + 1] -= a * dy;
                repel[2 * i] += r * dx;
                repel[2 * i + 1] += r * dy;
                repel[2 * j] -= r * dx;
                repel[2 * j + 1] -= r * dy;
            }
        }
        for (int c = 0; c < 2 * n; c++) {
            grad[c] = 4 * (exaggeration * attract[c] - repel[c] / z);
        }
        return z;
    }

    /**
     * {@code KL(P‖Q) = Σ_{i≠j} p_ij log(p_ij / q_ij)} over all pairs.
     *
     * @param p symmetric affinities, row-major {@code n × n}
     * @param n the number of points
     * @param y the embedding, {@code (x, y)} pairs
     * @return the divergence in nats
     */
    static double klDivergence(double[] p, int n, double[] y) {
        double z = 0;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                if (i != j) {
                    z += weight(y, i, j);
                }
            }
        }
        double kl = 0;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double pij = p[i * n + j];
                if (i != j && pij > 0) {
                    kl += pij * Math.log(pij / (weight(y, i, j) / z));
                }
            }
        }
        return kl;
    }

    /** KL over the sparse P, with Barnes–Hut's estimate of Z. */
    static double klDivergence(Sparse p, double[] y, double theta) {
        double z = barnesHutGradient(p, y, theta, 1, new double[y.length]);
        double kl = 0;
        for (int i = 0; i < p.n; i++) {
            for (int c = p.start[i]; c < p.start[i + 1]; c++) {
                double pij = p.values[c];
                if (pij > 0) {
                    kl += pij * Math.log(pij / (weight(y, i, p.cols[c]) / z));
                }
            }
        }
        return kl;
    }

    private static double weight(double[] y, int i, int j) {
        double dx = y[2 * i] - y[2 * j];
        double dy = y[2 * i + 1] - y[2 * j + 1];
        return 1 / (1 + dx * dx + dy * dy);
    }

    /**
     * Barnes–Hut's gradient: the attractive term exactly over the sparse P, the repulsive term and Z from a
     * quadtree of the embedding.
     *
     * @param p sparse symmetric affinities
     * @param y the embedding, {@code (x, y)} pairs
     * @param theta the summary criterion, {@code side / distance < θ}; 0 opens every cell
     * @param exaggeration the factor on P
     * @param grad receives the gradient, {@code (x, y)} pairs
     * @return the estimate of Z
     */
    static double barnesHutGradient(Sparse p, double[] y, double theta, double exaggeration, double[] grad) {
        int n = p.n;
        QuadTree tree = new QuadTree(y, n);
        double[] repel = new double[2 * n];
        double[] zi = new double[n];
        double theta2 = theta * theta;
        // each point's repulsion depends on the tree and the point only: chunks of points run in parallel, and Z is
        // summed afterwards in index order, so the result does not depend on the threads
        int chunks = (n + 255) / 256;
        IntStream.range(0, chunks).parallel().forEach(chunk -> {
            int[] stack = new int[256];
            double[] force = new double[2];
            for (int i = chunk * 256; i < Math.min(n, chunk * 256 + 256); i++) {
                zi[i] = tree.repulsion(i, theta2, force, stack);
                repel[2 * i] = force[0];
                repel[2 * i + 1] = force[1];
            }
        });
        double z = 0;
        for (double v : zi) {
            z += v;
        }
        for (int i = 0; i < n; i++) {
            double ax = 0;
            double ay = 0;
            double xi = y[2 * i];
            double yi = y[2 * i + 1];
            for (int c = p.start[i]; c < p.start[i + 1]; c++) {
                int j = p.cols[c];
                double dx = xi - y[2 * j];
                double dy = yi - y[2 * j + 1];
                double a = p.values[c] / (1 + dx * dx + dy * dy);
                ax += a * dx;
                ay += a * dy;
            }
            grad[2 * i] = 4 * (exaggeration * ax - repel[2 * i] / z);
            grad[2 * i + 1] = 4 * (exaggeration * ay - repel[2 * i + 1] / z);
        }
        return z;
    }

    /**
     * A point-region quadtree of the embedding in flat arrays: each cell's centre and half side, its points' count
     * and centre of mass, its first child (four in a row) or, for a leaf, a list of points (one, or several when
     * they coincide or the cell is too small to split further).
     */
    static final class QuadTree {
        private final double[] y;
        private double[] cx;
        private double[] cy;
        private double[] half;
        private double[] mx;
        private double[] my;
        private int[] count;
        private int[] child;
        private int[] head;
        private final int[] next;
        private int nodes;
        private final double minHalf;

        QuadTree(double[] y, int n) {
            this.y = y;
            int capacity = Math.max(16, 4 * n);
            cx = new double[capacity];
            cy = new double[capacity];
            half = new double[capacity];
            mx = new double[capacity];
            my = new double[capacity];
            count = new int[capacity];
            child = new int[capacity];
            head = new int[capacity];
            next = new int[n];
            double minX = Double.POSITIVE_INFINITY;
            double minY = Double.POSITIVE_INFINITY;
            double maxX = Double.NEGATIVE_INFINITY;
            double maxY = Double.NEGATIVE_INFINITY;
            for (int i = 0; i < n; i++) {
                minX = Math.min(minX, y[2 * i]);
                maxX = Math.max(maxX, y[2 * i]);
                minY = Math.min(minY, y[2 * i + 1]);
                maxY = Math.max(maxY, y[2 * i + 1]);
            }
            double h = Math.max(maxX - minX, maxY - minY) / 2 * (1 + 1e-9) + 1e-12;
            minHalf = h * 1e-12;
            node((minX + maxX) / 2, (minY + maxY) / 2, h);
            for (int i = 0; i < n; i++) {
                insert(i);
            }
            for (int c = 0; c < nodes; c++) {
                if (count[c] > 0) {
                    mx[c] /= count[c];
                    my[c] /= count[c];
                }
            }
        }

        private int node(double x, double yy, double h) {
            if (nodes == cx.length) {
                int size = cx.length * 2;
                cx = Arrays.copyOf(cx, size);
                cy = Arrays.copyOf(cy, size);
                half = Arrays.copyOf(half, size);
                mx = Arrays.copyOf(mx, size);
                my = Arrays.copyOf(my, size);
                count = Arrays.copyOf(count, size);
                child = Arrays.copyOf(child, size);
                head = Arrays.copyOf(head, size);
            }
            cx[nodes] = x;
            cy[nodes] = yy;
            half[nodes] = h;
            mx[nodes] = 0;
            my[nodes] = 0;
            count[nodes] = 0;
            child[nodes] = -1;
            head[nodes] = -1;
            return nodes++;
        }

        private int quadrant(int c, double x, double yy) {
            return (x >= cx[c] ? 1 : 0) + (yy >= cy[c] ? 2 : 0);
        }

        private void insert(int i) {
            double x = y[2 * i];
            double yy = y[2 * i + 1];
            int c = 0;
            while (true) {
                count[c]++;
                mx[c] += x;
                my[c] += yy;
                if (child[c] >= 0) {
                    c = child[c] + quadrant(c, x, yy);
                    continue;
                }
                int h = head[c];
                if (h < 0 || (y[2 * h] == x && y[2 * h + 1] == yy) || half[c] < minHalf) {
                    next[i] = h;
                    head[c] = i;
                    return;
                }
                // split: the leaf's points (all at one place) move to one child, then i goes on down
                double q = half[c] / 2;
                int first = node(cx[c] - q, cy[c] - q, q);
                node(cx[c] + q, cy[c] - q, q);
                node(cx[c] - q, cy[c] + q, q);
                node(cx[c] + q, cy[c] + q, q);
                child[c] = first;
                int target = first + quadrant(c, y[2 * h], y[2 * h + 1]);
                head[target] = h;
                for (int p = h; p >= 0; p = next[p]) {
                    count[target]++;
                    mx[target] += y[2 * p];
                    my[target] += y[2 * p + 1];
                }
                head[c] = -1;
                c = first + quadrant(c, x, yy);
            }
        }

        /**
         * The repulsion on point {@code i}: returns its share of Z, {@code Σ_j w_ij}, and writes
         * {@code Σ_j w_ij² (y_i − y_j)} to {@code force}.
         */
        double repulsion(int i, double theta2, double[] force, int[] stack) {
            double x = y[2 * i];
            double yy = y[2 * i + 1];
            double z = 0;
            double fx = 0;
            double fy = 0;
            int top = 0;
            int[] s = stack;
            s[top++] = 0;
            while (top > 0) {
                int c = s[--top];
                if (count[c] == 0) {
                    continue;
                }
                if (child[c] < 0) {
                    for (int p = head[c]; p >= 0; p = next[p]) {
                        if (p == i) {
                            continue;
                        }
                        double dx = x - y[2 * p];
                        double dy = yy - y[2 * p + 1];
                        double w = 1 / (1 + dx * dx + dy * dy);
                        z += w;
                        fx += w * w * dx;
                        fy += w * w * dy;
                    }
                    continue;
                }
                double dx = x - mx[c];
                double dy = yy - my[c];
                double d2 = dx * dx + dy * dy;
                double side = 2 * half[c];
                boolean inside = Math.abs(x - cx[c]) <= half[c] && Math.abs(yy - cy[c]) <= half[c];
                if (!inside && side * side < theta2 * d2) {
                    double w = 1 / (1 + d2);
                    double nw = count[c] * w;
                    z += nw;
                    fx += nw * w * dx;
                    fy += nw * w * dy;
                    continue;
                }
                if (top + 4 > s.length) {
                    s = Arrays.copyOf(s, s.length * 2);
                }
                for (int k = 0; k < 4; k++) {
                    s[top++] = child[c] + k;
                }
            }
            force[0] = fx;
            force[1] = fy;
            return z;
        }
    }
}
