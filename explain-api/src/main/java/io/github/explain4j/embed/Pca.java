package io.github.explain4j.embed;

import java.util.Arrays;
import java.util.Locale;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.SingularOps_DDRM;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.SingularValueDecomposition_F64;

/**
 * Principal component analysis (Pearson 1901; Hotelling 1933) of a dataset, fitted by EJML's singular value
 * decomposition of the centred data {@code X − mean = U Σ Vᵀ}: the components are the rows of {@code Vᵀ} in
 * decreasing order of their singular values, and component {@code k} explains the variance {@code σ_k² / (n − 1)}.
 * A fitted value: immutable, with a wither that keeps fewer components.
 *
 * <p>Signs are fixed so that each component's entry of largest magnitude is positive (an SVD's signs are
 * arbitrary; this makes the result independent of the decomposition's internals).
 *
 * <pre>{@code
 * Pca pca = Pca.fit(features);                       // all min(n, D) components
 * double[] ratio = pca.explainedVarianceRatio();     // decreasing, sums to 1 with all components
 * double[][] fifty = pca.withComponents(50).project(features);
 * Embedding plane = pca.embedding(features, labels); // the first two components, for a ScatterPlot
 * }</pre>
 */
public final class Pca {

    private final double[] mean;
    private final double[][] components;
    private final double[] variances;
    private final double totalVariance;
    private final int n;

    private Pca(double[] mean, double[][] components, double[] variances, double totalVariance, int n) {
        this.mean = mean;
        this.components = components;
        this.variances = variances;
        this.totalVariance = totalVariance;
        this.n = n;
    }

    /**
     * Fits all {@code min(n, D)} components.
     *
     * @param data {@code n × D} finite values, {@code n ≥ 2}
     * @return the fitted PCA
     */
    public static Pca fit(float[][] data) {
        int d = Points.check(data, "data");
        if (data.length < 2) {
            throw new IllegalArgumentException("data had 1 point; expected at least 2 for a variance");
        }
        int n = data.length;
        double[] mean = new double[d];
        DMatrixRMaj x = new DMatrixRMaj(n, d);
        double total = centre(data, mean, x);
        SingularValueDecomposition_F64<DMatrixRMaj> svd = DecompositionFactory_DDRM.svd(n, d, false, true, true);
        if (!svd.decompose(x)) {
            throw new IllegalStateException("EJML's SVD did not converge on the " + n + " × " + d + " data");
        }
        DMatrixRMaj w = svd.getW(null);
        DMatrixRMaj vt = svd.getV(null, true);
        SingularOps_DDRM.descendingOrder(null, false, w, vt, true);
        int k = Math.min(n, d);
        return new Pca(mean, components(w, vt, k, d), variances(w, k, n), total / (n - 1), n);
    }

    /**
     * Fits only the first {@code k} components, by randomised subspace iteration (Halko, Martinsson &amp; Tropp,
     * "Finding structure with randomness", SIAM Review 2011: {@code k + 10} random directions, four power
     * iterations re-orthonormalised by QR, then the exact SVD of the small projected matrix; a fixed seed, so the
     * result is deterministic). Far cheaper than {@link #fit(float[][])} when {@code k} is much smaller than
     * {@code min(n, D)} — t-SNE's reduction of CNN codes to 50 dimensions — and equal to it to rounding when the
     * spectrum has a gap after the {@code k}-th value; the explained-variance ratios stay relative to the whole
     * variance.
     *
     * @param data {@code n × D} finite values, {@code n ≥ 2}
     * @param k how many components, {@code 1 ≤ k ≤ min(n, D)}
     * @return the fitted PCA
     */
    public static Pca fit(float[][] data, int k) {
        int d = Points.check(data, "data");
        int n = data.length;
        if (n < 2) {
            throw new IllegalArgumentException("data had 1 point; expected at least 2 for a variance");
        }
        if (k < 1 || k > Math.min(n, d)) {
            throw new IllegalArgumentException("components was " + k + "; expected 1 to " + Math.min(n, d)
                    + " (min(n, D) of the data)");
        }
        int l = Math.min(k + 10, Math.min(n, d));
        if (l >= Math.min(n, d) / 2) {
            return fit(data).withComponents(k);
        }
        double[] mean = new double[d];
        DMatrixRMaj x = new DMatrixRMaj(n, d);
        double total = centre(data, mean, x);
        java.util.Random r = new java.util.Random(42);
        DMatrixRMaj omega = new DMatrixRMaj(d, l);
        for (int i = 0; i < omega.data.length; i++) {
            omega.data[i] = r.nextGaussian();
        }
        DMatrixRMaj q = orthonormal(mult(x, omega, false));
        for (int it = 0; it < 4; it++) {
            DMatrixRMaj z = orthonormal(mult(x, q, true));     // Xᵀ Q, D × l
            q = orthonormal(mult(x, z, false));                // X Z, n × l
        }
        DMatrixRMaj b = new DMatrixRMaj(l, d);
        org.ejml.dense.row.CommonOps_DDRM.multTransA(q, x, b);  // Qᵀ X, l × D
        SingularValueDecomposition_F64<DMatrixRMaj> svd = DecompositionFactory_DDRM.svd(l, d, false, true, true);
        if (!svd.decompose(b)) {
            throw new IllegalStateException("EJML's SVD did not converge on the projected " + l + " × " + d
                    + " data");
        }
        DMatrixRMaj w = svd.getW(null);
        DMatrixRMaj vt = svd.getV(null, true);
        SingularOps_DDRM.descendingOrder(null, false, w, vt, true);
        return new Pca(mean, components(w, vt, k, d), variances(w, k, n), total / (n - 1), n);
    }

    /** Writes the column means into {@code mean} and the centred data into {@code x}; returns the sum of squares. */
    private static double centre(float[][] data, double[] mean, DMatrixRMaj x) {
        int n = data.length;
        int d = mean.length;
        for (float[] row : data) {
            for (int j = 0; j < d; j++) {
                mean[j] += row[j];
            }
        }
        for (int j = 0; j < d; j++) {
            mean[j] /= n;
        }
        double total = 0;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                double v = data[i][j] - mean[j];
                x.data[i * d + j] = v;
                total += v * v;
            }
        }
        return total;
    }

    /** The first {@code k} rows of {@code Vᵀ}, each signed so that its largest-magnitude entry is positive. */
    private static double[][] components(DMatrixRMaj w, DMatrixRMaj vt, int k, int d) {
        double[][] components = new double[k][d];
        for (int c = 0; c < k; c++) {
            int largest = 0;
            for (int j = 0; j < d; j++) {
                components[c][j] = vt.get(c, j);
                if (Math.abs(components[c][j]) > Math.abs(components[c][largest])) {
                    largest = j;
                }
            }
            if (components[c][largest] < 0) {
                for (int j = 0; j < d; j++) {
                    components[c][j] = -components[c][j];
                }
            }
        }
        return components;
    }

    /** The variances {@code σ²/(n − 1)} of the first {@code k} singular values. */
    private static double[] variances(DMatrixRMaj w, int k, int n) {
        double[] variances = new double[k];
        for (int c = 0; c < k; c++) {
            variances[c] = w.get(c, c) * w.get(c, c) / (n - 1);
        }
        return variances;
    }

    /** {@code X·M} ({@code transposeX}: {@code Xᵀ·M}). */
    private static DMatrixRMaj mult(DMatrixRMaj x, DMatrixRMaj m, boolean transposeX) {
        DMatrixRMaj out = new DMatrixRMaj(transposeX ? x.numCols : x.numRows, m.numCols);
        if (transposeX) {
            org.ejml.dense.row.CommonOps_DDRM.multTransA(x, m, out);
        } else {
            org.ejml.dense.row.CommonOps_DDRM.mult(x, m, out);
        }
        return out;
    }

    /** An orthonormal basis of the columns of {@code y} (thin QR). */
    private static DMatrixRMaj orthonormal(DMatrixRMaj y) {
        org.ejml.interfaces.decomposition.QRDecomposition<DMatrixRMaj> qr =
                DecompositionFactory_DDRM.qr(y.numRows, y.numCols);
        if (!qr.decompose(y.copy())) {
            throw new IllegalStateException("QR failed on a " + y.numRows + " × " + y.numCols + " matrix");
        }
        return qr.getQ(null, true);
    }

    /**
     * The same fit with only the first {@code k} components.
     *
     * @param k how many, {@code 1 ≤ k ≤ }{@link #componentCount()}
     * @return the truncated PCA
     */
    public Pca withComponents(int k) {
        if (k < 1 || k > components.length) {
            throw new IllegalArgumentException("components was " + k + "; expected 1 to " + components.length
                    + " (min(n, D) of the fitted data)");
        }
        return new Pca(mean, Arrays.copyOf(components, k), Arrays.copyOf(variances, k), totalVariance, n);
    }

    /** @return how many components are kept */
    public int componentCount() {
        return components.length;
    }

    /** @return the dimension {@code D} of the fitted data */
    public int dimension() {
        return mean.length;
    }

    /** @return a copy of the data's mean */
    public double[] mean() {
        return mean.clone();
    }

    /** @return a copy of the components, unit vectors as rows, by decreasing variance */
    public double[][] components() {
        double[][] out = new double[components.length][];
        for (int c = 0; c < out.length; c++) {
            out[c] = components[c].clone();
        }
        return out;
    }

    /** @return the variance along each component, {@code σ_k² / (n − 1)}, decreasing */
    public double[] explainedVariance() {
        return variances.clone();
    }

    /** @return each component's share of the data's total variance; with all components they sum to 1 */
    public double[] explainedVarianceRatio() {
        double[] out = new double[variances.length];
        for (int c = 0; c < out.length; c++) {
            out[c] = totalVariance > 0 ? variances[c] / totalVariance : 0;
        }
        return out;
    }

    /**
     * The coordinates of points along the kept components: {@code (x − mean) · component_k}.
     *
     * @param points {@code m × D} points (the fitted data or new ones)
     * @return {@code m × }{@link #componentCount()} scores
     */
    public double[][] project(float[][] points) {
        int d = Points.check(points, "points");
        if (d != mean.length) {
            throw new IllegalArgumentException("points have " + d + " values each but the PCA was fitted on " + mean.length
                    + "; expected points of the fitted dimension");
        }
        double[][] out = new double[points.length][components.length];
        double[] centred = new double[d];
        for (int i = 0; i < points.length; i++) {
            for (int j = 0; j < d; j++) {
                centred[j] = points[i][j] - mean[j];
            }
            for (int c = 0; c < components.length; c++) {
                double s = 0;
                double[] v = components[c];
                for (int j = 0; j < d; j++) {
                    s += centred[j] * v[j];
                }
                out[i][c] = s;
            }
        }
        return out;
    }

    /**
     * Points back in the data's space from their scores: {@code mean + Σ_k score_k · component_k}. Exact (to
     * rounding) for the fitted data when all {@code min(n, D)} components are kept and {@code n > D}.
     *
     * @param scores {@code m × }{@link #componentCount()} scores, as from {@link #project(float[][])}
     * @return {@code m × D} points
     */
    public double[][] reconstruct(double[][] scores) {
        double[][] out = new double[scores.length][];
        for (int i = 0; i < scores.length; i++) {
            if (scores[i].length != components.length) {
                throw new IllegalArgumentException("scores[" + i + "] has " + scores[i].length + " values; expected "
                        + components.length + " (one per kept component)");
            }
            double[] p = mean.clone();
            for (int c = 0; c < components.length; c++) {
                for (int j = 0; j < p.length; j++) {
                    p[j] += scores[i][c] * components[c][j];
                }
            }
            out[i] = p;
        }
        return out;
    }

    /**
     * The points on the first two components, as an {@link Embedding} for a scatter plot.
     *
     * @param points the points to place
     * @param labels their classes, or null
     * @return the embedding; its method is {@code "PCA"}
     */
    public Embedding embedding(float[][] points, int[] labels) {
        if (components.length < 2) {
            throw new IllegalStateException("the PCA keeps " + components.length + " component(s); expected at least 2"
                    + " for a plane");
        }
        double[][] scores = withComponents(2).project(points);
        double[] ratio = explainedVarianceRatio();
        return Embedding.of(scores, labels, "PCA", String.format(Locale.ROOT,
                "first two principal components of %d × %d data (%.1f %% and %.1f %% of the variance)", n,
                mean.length, 100 * ratio[0], 100 * ratio[1]), Double.NaN);
    }
}
