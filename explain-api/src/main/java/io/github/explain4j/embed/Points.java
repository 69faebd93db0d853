package io.github.explain4j.embed;

import java.util.Objects;

/** The argument checks shared by the package: a dataset is a non-empty, rectangular table of finite floats. */
final class Points {

    private Points() {}

    /**
     * Checks a table of points.
     *
     * @param data the points, one row each
     * @param name what the rows are, for messages ({@code "data"}, {@code "queries"})
     * @return the number of columns (the points' dimension)
     */
    static int check(float[][] data, String name) {
        Objects.requireNonNull(data, name);
        if (data.length == 0) {
            throw new IllegalArgumentException(name + " had no points; expected at least one row");
        }
        Objects.requireNonNull(data[0], name + "[0]");
        int d = data[0].length;
        if (d == 0) {
            throw new IllegalArgumentException(name + "[0] had no values; expected rows of at least one value");
        }
        for (int i = 0; i < data.length; i++) {
            float[] row = Objects.requireNonNull(data[i], name + "[" + i + "]");
            if (row.length != d) {
                throw new IllegalArgumentException(name + " is ragged: row " + i + " has " + row.length
                        + " values but row 0 has " + d + "; expected every row of the same length");
            }
            for (int j = 0; j < d; j++) {
                if (!Float.isFinite(row[j])) {
                    throw new IllegalArgumentException(name + "[" + i + "][" + j + "] was " + row[j]
                            + "; expected finite values (drop or impute NaN and infinite features first)");
                }
            }
        }
        return d;
    }

    /** Checks labels against {@code n} points: one each, all ≥ 0. */
    static void checkLabels(int[] labels, int n, String name) {
        Objects.requireNonNull(labels, name);
        if (labels.length != n) {
            throw new IllegalArgumentException("there are " + labels.length + " " + name + " for " + n
                    + " points; expected one label per point");
        }
        for (int i = 0; i < n; i++) {
            if (labels[i] < 0) {
                throw new IllegalArgumentException(name + "[" + i + "] was " + labels[i]
                        + "; expected a class index ≥ 0");
            }
        }
    }

    /** Copies doubles to floats. */
    static float[][] toFloat(double[][] x) {
        float[][] out = new float[x.length][];
        for (int i = 0; i < x.length; i++) {
            out[i] = new float[x[i].length];
            for (int j = 0; j < x[i].length; j++) {
                out[i][j] = (float) x[i][j];
            }
        }
        return out;
    }
}
