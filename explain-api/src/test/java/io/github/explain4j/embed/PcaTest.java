package io.github.explain4j.embed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class PcaTest {

    /**
     * m points evenly spaced on an ellipse with semi-axes a along u = (cos φ, sin φ) and b along v, centred at c:
     * the sample covariance is (a² u uᵀ + b² v vᵀ) · (m/2) / (m − 1), so the first component is ±u with variance
     * a² m / (2 (m − 1)) and the second ±v with b² m / (2 (m − 1)).
     */
    @Test
    void rotatedEllipseHasItsAxesAsComponentsAndTheirVariances() {
        int m = 36;
        double a = 3;
        double b = 1;
        double phi = Math.toRadians(30);
        double[] u = {Math.cos(phi), Math.sin(phi)};
        double[] v = {-Math.sin(phi), Math.cos(phi)};
        float[][] data = new float[m][];
        for (int k = 0; k < m; k++) {
            double t = 2 * Math.PI * k / m;
            data[k] = new float[] {(float) (5 + a * Math.cos(t) * u[0] + b * Math.sin(t) * v[0]),
                (float) (-2 + a * Math.cos(t) * u[1] + b * Math.sin(t) * v[1])};
        }
        Pca pca = Pca.fit(data);
        double[][] comp = pca.components();
        double sign0 = Math.signum(comp[0][0] * u[0] + comp[0][1] * u[1]);
        assertEquals(u[0], sign0 * comp[0][0], 1e-5);
        assertEquals(u[1], sign0 * comp[0][1], 1e-5);
        double sign1 = Math.signum(comp[1][0] * v[0] + comp[1][1] * v[1]);
        assertEquals(v[0], sign1 * comp[1][0], 1e-5);
        assertEquals(v[1], sign1 * comp[1][1], 1e-5);
        double scale = m / (2.0 * (m - 1));
        assertArrayEquals(new double[] {a * a * scale, b * b * scale}, pca.explainedVariance(), 1e-5);
        assertArrayEquals(new double[] {0.9, 0.1}, pca.explainedVarianceRatio(), 1e-6);
        assertArrayEquals(new double[] {5, -2}, pca.mean(), 1e-5);
        // a new point two units along u from the centre scores (±2, 0)
        double[][] s = pca.project(new float[][] {{(float) (5 + 2 * u[0]), (float) (-2 + 2 * u[1])}});
        assertEquals(2, Math.abs(s[0][0]), 1e-5);
        assertEquals(0, s[0][1], 1e-5);
    }

    @Test
    void reconstructionFromAllComponentsIsExactAndComponentsAreOrthonormal() {
        Random r = new Random(3);
        float[][] data = new float[50][6];
        for (float[] row : data) {
            for (int j = 0; j < 6; j++) {
                row[j] = (float) (r.nextGaussian() * (j + 1) + j);
            }
        }
        Pca pca = Pca.fit(data);
        assertEquals(6, pca.componentCount());
        double[][] back = pca.reconstruct(pca.project(data));
        for (int i = 0; i < data.length; i++) {
            for (int j = 0; j < 6; j++) {
                assertEquals(data[i][j], back[i][j], 1e-4, "point " + i + " value " + j);
            }
        }
        double[][] c = pca.components();
        for (int p = 0; p < 6; p++) {
            for (int q = 0; q < 6; q++) {
                double dot = 0;
                for (int j = 0; j < 6; j++) {
                    dot += c[p][j] * c[q][j];
                }
                assertEquals(p == q ? 1 : 0, dot, 1e-9);
            }
        }
        double sum = 0;
        double[] ratio = pca.explainedVarianceRatio();
        for (int k = 0; k < ratio.length; k++) {
            sum += ratio[k];
            assertTrue(k == 0 || ratio[k] <= ratio[k - 1], "ratios decrease");
        }
        assertEquals(1, sum, 1e-9);
        // fewer components: the projection keeps the leading scores
        double[][] two = pca.withComponents(2).project(data);
        double[][] all = pca.project(data);
        assertEquals(all[7][1], two[7][1], 1e-12);
    }

    @Test
    void badInputIsRefusedWithTheFix() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Pca.fit(new float[0][]))
                .getMessage().contains("no points"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> Pca.fit(new float[][] {{1, 2}, {3}})).getMessage().contains("ragged"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> Pca.fit(new float[][] {{1, 2}, {Float.NaN, 1}})).getMessage().contains("data[1][0] was NaN"));
        Pca pca = Pca.fit(new float[][] {{1, 2}, {3, 1}, {0, 0}});
        assertTrue(assertThrows(IllegalArgumentException.class, () -> pca.withComponents(3))
                .getMessage().contains("expected 1 to 2"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> pca.project(new float[][] {{1, 2, 3}}))
                .getMessage().contains("fitted on 2"));
    }

    @Test
    void truncatedFitEqualsTheFullFitsLeadingComponents() {
        // rank-10 signal with variances 100 … 10 in 80 dimensions, plus noise of variance 1e-4: a clear gap after 10
        java.util.Random r = new java.util.Random(3);
        int n = 300;
        int d = 80;
        double[][] basis = new double[10][d];
        for (double[] b : basis) {
            for (int j = 0; j < d; j++) {
                b[j] = r.nextGaussian();
            }
        }
        float[][] data = new float[n][d];
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < 10; c++) {
                double a = r.nextGaussian() * Math.sqrt(100 - 10 * c);
                for (int j = 0; j < d; j++) {
                    data[i][j] += (float) (a * basis[c][j]);
                }
            }
            for (int j = 0; j < d; j++) {
                data[i][j] += (float) (r.nextGaussian() * 0.01);
            }
        }
        Pca full = Pca.fit(data);
        Pca five = Pca.fit(data, 5);
        assertEquals(5, five.componentCount());
        for (int c = 0; c < 5; c++) {
            assertEquals(full.explainedVariance()[c], five.explainedVariance()[c], 1e-6 * full.explainedVariance()[c]);
            assertEquals(full.explainedVarianceRatio()[c], five.explainedVarianceRatio()[c], 1e-6);
            for (int j = 0; j < d; j++) {
                assertEquals(full.components()[c][j], five.components()[c][j], 1e-5, "component " + c + ", " + j);
            }
        }
        IllegalArgumentException k = assertThrows(IllegalArgumentException.class, () -> Pca.fit(data, 81));
        assertTrue(k.getMessage().contains("components was 81"), k.getMessage());
    }
}
