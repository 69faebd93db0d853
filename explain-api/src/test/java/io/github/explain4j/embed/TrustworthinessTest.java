package io.github.explain4j.embed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class TrustworthinessTest {

    /**
     * Points 0, 1, 3, 7, 15 on a line, embedded with points 1 and 2 swapped (at 3 and 1). With k = 1, points 0,
     * 1, 2 and 3 each get a false nearest neighbour of original rank 2 (penalty 2 − 1 each) and point 4 none, so
     * T = 1 − 2 / (5 · 1 · (10 − 3 − 1)) · 4 = 11/15.
     */
    @Test
    void handComputedCase() {
        float[][] original = {{0}, {1}, {3}, {7}, {15}};
        double[][] embedded = {{0, 0}, {3, 0}, {1, 0}, {7, 0}, {15, 0}};
        assertEquals(11.0 / 15, Trustworthiness.of(original, embedded, 1), 1e-12);
    }

    @Test
    void identityIsOneAndARandomEmbeddingOfClustersIsLow() {
        Random r = new Random(5);
        int n = 300;
        float[][] clusters = new float[n][10];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < 10; j++) {
                clusters[i][j] = (float) ((i % 5 == j % 5 ? 20 : 0) + r.nextGaussian());
            }
        }
        double[][] same = new double[n][10];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < 10; j++) {
                same[i][j] = clusters[i][j];
            }
        }
        assertEquals(1.0, Trustworthiness.of(clusters, same, 10), 1e-12);
        double[][] random = new double[n][2];
        for (double[] p : random) {
            p[0] = r.nextDouble();
            p[1] = r.nextDouble();
        }
        double t = Trustworthiness.of(clusters, random, 10);
        assertTrue(t < 0.7, "random embedding's trustworthiness was " + t);
    }

    @Test
    void badKIsRefused() {
        float[][] x = {{0}, {1}, {2}, {3}};
        double[][] y = {{0, 0}, {1, 0}, {2, 0}, {3, 0}};
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Trustworthiness.of(x, y, 2)).getMessage()
                .contains("k was 2 but there are 4 points; expected 1 ≤ k < n/2"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> Trustworthiness.of(x, new double[][] {{0, 0}}, 1)).getMessage().contains("same points"));
    }
}
