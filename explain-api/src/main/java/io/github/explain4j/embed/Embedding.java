package io.github.explain4j.embed;

import java.util.Arrays;
import java.util.Objects;

/**
 * Points of a dataset placed in the plane: {@code n × 2} coordinates, the points' class labels if known, the method
 * that placed them with its settings (provenance text) and, for t-SNE, the final Kullback–Leibler divergence
 * {@code KL(P‖Q)} of van der Maaten &amp; Hinton (2008), "Visualizing Data using t-SNE", JMLR 9:2579–2605. A heap
 * value: immutable, defensive copies in and out.
 *
 * <p>Made by {@link Tsne#embed(float[][], int[])} and {@link Pca#embedding(float[][], int[])}; drawn by
 * {@link io.github.explain4j.render.ScatterPlot} and {@link io.github.explain4j.render.ImageMap} (Karpathy's
 * "t-SNE visualization of CNN codes").
 */
public final class Embedding {

    private final double[][] coordinates;
    private final int[] labels;
    private final String method;
    private final String provenance;
    private final double klDivergence;

    private Embedding(double[][] coordinates, int[] labels, String method, String provenance, double klDivergence) {
        this.coordinates = coordinates;
        this.labels = labels;
        this.method = method;
        this.provenance = provenance;
        this.klDivergence = klDivergence;
    }

    /**
     * An embedding from its parts.
     *
     * @param coordinates {@code n × 2} finite coordinates, {@code n ≥ 1}
     * @param labels one label ≥ 0 per point, or null when the classes are unknown
     * @param method the method's name, e.g. {@code "t-SNE (Barnes–Hut)"}
     * @param provenance the method's settings in words
     * @param klDivergence the final KL divergence, or {@code NaN} when the method has none (PCA)
     * @return the embedding
     */
    public static Embedding of(double[][] coordinates, int[] labels, String method, String provenance,
            double klDivergence) {
        Objects.requireNonNull(coordinates, "coordinates");
        if (coordinates.length == 0) {
            throw new IllegalArgumentException("coordinates were empty; expected at least one point");
        }
        double[][] copy = new double[coordinates.length][];
        for (int i = 0; i < coordinates.length; i++) {
            double[] p = Objects.requireNonNull(coordinates[i], "coordinates[" + i + "]");
            if (p.length != 2) {
                throw new IllegalArgumentException("point " + i + " has " + p.length
                        + " coordinates; expected 2 (an embedding in the plane)");
            }
            if (!Double.isFinite(p[0]) || !Double.isFinite(p[1])) {
                throw new IllegalArgumentException("point " + i + " is (" + p[0] + ", " + p[1]
                        + "); expected finite coordinates");
            }
            copy[i] = p.clone();
        }
        return new Embedding(copy, checkLabels(labels, copy.length), Objects.requireNonNull(method, "method"),
                Objects.requireNonNull(provenance, "provenance"), klDivergence);
    }

    private static int[] checkLabels(int[] labels, int n) {
        if (labels == null) {
            return null;
        }
        if (labels.length != n) {
            throw new IllegalArgumentException("there are " + labels.length + " labels for " + n
                    + " points; expected one label per point (or none)");
        }
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0) {
                throw new IllegalArgumentException("label " + i + " was " + labels[i]
                        + "; expected a class index ≥ 0");
            }
        }
        return labels.clone();
    }

    /** The same points with these labels (null: none). */
    public Embedding withLabels(int[] labels) {
        return new Embedding(coordinates, checkLabels(labels, coordinates.length), method, provenance, klDivergence);
    }

    /** @return the number of points */
    public int size() {
        return coordinates.length;
    }

    /** @return the first coordinate of point {@code i} */
    public double x(int i) {
        return coordinates[i][0];
    }

    /** @return the second coordinate of point {@code i} */
    public double y(int i) {
        return coordinates[i][1];
    }

    /** @return a copy of the {@code n × 2} coordinates */
    public double[][] coordinates() {
        double[][] out = new double[coordinates.length][];
        for (int i = 0; i < out.length; i++) {
            out[i] = coordinates[i].clone();
        }
        return out;
    }

    /** @return whether the points have class labels */
    public boolean hasLabels() {
        return labels != null;
    }

    /**
     * The class labels.
     *
     * @return a copy of the labels, one per point
     * @throws IllegalStateException if there are none; see {@link #hasLabels()}
     */
    public int[] labels() {
        if (labels == null) {
            throw new IllegalStateException("this embedding has no labels; give them to embed(data, labels) or"
                    + " withLabels(labels)");
        }
        return labels.clone();
    }

    /** @return the method's name, e.g. {@code "t-SNE (exact)"} */
    public String method() {
        return method;
    }

    /** @return the method's settings in words, e.g. {@code "perplexity 30, θ 0.5, 1000 iterations, seed 1, …"} */
    public String provenance() {
        return provenance;
    }

    /** @return the final KL divergence of t-SNE (estimated with Barnes–Hut's normaliser there), or NaN */
    public double klDivergence() {
        return klDivergence;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Embedding e && Arrays.deepEquals(coordinates, e.coordinates)
                && Arrays.equals(labels, e.labels) && method.equals(e.method) && provenance.equals(e.provenance)
                && Double.compare(klDivergence, e.klDivergence) == 0;
    }

    @Override
    public int hashCode() {
        return Objects.hash(Arrays.deepHashCode(coordinates), Arrays.hashCode(labels), method, provenance,
                klDivergence);
    }

    @Override
    public String toString() {
        return method + " of " + coordinates.length + " points (" + provenance + ")";
    }
}
