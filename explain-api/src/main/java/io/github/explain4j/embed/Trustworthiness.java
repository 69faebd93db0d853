package io.github.explain4j.embed;

import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.stream.IntStream;

/**
 * Trustworthiness of an embedding (Venna &amp; Kaski 2001, "Neighborhood preservation in nonlinear projection
 * methods: an experimental study", ICANN 2001, LNCS 2130): how far the points that appear among a point's
 * {@code k} nearest in the embedding really are among its nearest in the original space,
 *
 * <pre>
 * T(k) = 1 − 2 / (n k (2n − 3k − 1)) · Σ_i Σ_{j ∈ U_k(i)} (r(i, j) − k)
 * </pre>
 *
 * where {@code U_k(i)} holds the embedding's {@code k} nearest neighbours of {@code i} that are not among its
 * {@code k} nearest in the original space and {@code r(i, j)} is {@code j}'s rank among {@code i}'s neighbours in
 * the original space (1 for the nearest). 1 means no false neighbours; the normalisation puts the worst case at
 * 0 and requires {@code k < n/2}. Ties in distance are ranked by index.
 *
 * <p>Exact, {@code O(n² (D + k))} time and {@code O(n)} memory per thread: fine for a few thousand points.
 */
public final class Trustworthiness {

    private Trustworthiness() {}

    /**
     * The trustworthiness of an {@link Embedding} of {@code original}.
     *
     * @param original {@code n × D} points
     * @param embedding their embedding, same order
     * @param k the neighbourhood size, {@code 1 ≤ k < n/2}
     * @return {@code T(k)}, at most 1
     */
    public static double of(float[][] original, Embedding embedding, int k) {
        return of(original, Objects.requireNonNull(embedding, "embedding").coordinates(), k);
    }

    /**
     * The trustworthiness of an embedding of {@code original} in any dimension.
     *
     * @param original {@code n × D} points
     * @param embedded {@code n × d} points, same order
     * @param k the neighbourhood size, {@code 1 ≤ k < n/2}
     * @return {@code T(k)}, at most 1
     */
    public static double of(float[][] original, double[][] embedded, int k) {
        int d = Points.check(original, "original");
        Objects.requireNonNull(embedded, "embedded");
        int n = original.length;
        if (embedded.length != n) {
            throw new IllegalArgumentException("embedded has " + embedded.length + " points but original has " + n
                    + "; expected the same points in the same order");
        }
        int e = Points.check(Points.toFloat(embedded), "embedded");
        if (k < 1 || 2 * k >= n) {
            throw new IllegalArgumentException("k was " + k + " but there are " + n + " points; expected 1 ≤ k < n/2"
                    + " (Venna & Kaski's normalisation), e.g. " + Math.max(1, Math.min(12, (n - 1) / 2)));
        }
        double[][] low = new double[n][];
        for (int i = 0; i < n; i++) {
            low[i] = embedded[i].clone();
        }
        double[] penalty = new double[n];
        Thread caller = Thread.currentThread();
        IntStream.range(0, n).parallel().forEach(i -> {
            if (caller.isInterrupted()) {
                return;
            }
            double[] high = new double[n];
            for (int j = 0; j < n; j++) {
                double s = 0;
                float[] a = original[i];
                float[] b = original[j];
                for (int t = 0; t < d; t++) {
                    double v = a[t] - b[t];
                    s += v * v;
                }
                high[j] = s;
            }
            double[] flat = new double[n];
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int t = 0; t < e; t++) {
                    double v = low[i][t] - low[j][t];
                    s += v * v;
                }
                flat[j] = s;
            }
            int[] nearHigh = smallest(high, i, k);
            int[] nearLow = smallest(flat, i, k);
            double sum = 0;
            for (int j : nearLow) {
                boolean shared = false;
                for (int h : nearHigh) {
                    shared |= h == j;
                }
                if (!shared) {
                    int rank = 1;
                    for (int l = 0; l < n; l++) {
                        if (l != i && l != j && (high[l] < high[j] || (high[l] == high[j] && l < j))) {
                            rank++;
                        }
                    }
                    sum += rank - k;
                }
            }
            penalty[i] = sum;
        });
        if (caller.isInterrupted()) {
            throw new CancellationException("trustworthiness of " + n + " points was cancelled (the thread was"
                    + " interrupted)");
        }
        double total = 0;
        for (double p : penalty) {
            total += p;
        }
        return 1 - 2.0 / ((double) n * k * (2.0 * n - 3.0 * k - 1)) * total;
    }

    /** The {@code k} indices other than {@code self} with the smallest distances, ties to the lower index. */
    static int[] smallest(double[] dist, int self, int k) {
        int[] idx = new int[k];
        double[] best = new double[k];
        int size = 0;
        for (int j = 0; j < dist.length; j++) {
            if (j == self) {
                continue;
            }
            double v = dist[j];
            if (size == k && v >= best[k - 1]) {
                continue;
            }
            int pos = size < k ? size++ : k - 1;
            while (pos > 0 && best[pos - 1] > v) {
                best[pos] = best[pos - 1];
                idx[pos] = idx[pos - 1];
                pos--;
            }
            best[pos] = v;
            idx[pos] = j;
        }
        return idx;
    }
}
