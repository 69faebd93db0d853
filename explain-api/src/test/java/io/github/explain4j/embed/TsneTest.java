package io.github.explain4j.embed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CancellationException;
import org.junit.jupiter.api.Test;

class TsneTest {

    /** {@code clusters} Gaussian blobs (σ 1) in {@code d} dimensions around centres drawn with σ 10. */
    static float[][] blobs(int clusters, int perCluster, int d, long seed, int[] labels) {
        Random r = new Random(seed);
        double[][] centres = new double[clusters][d];
        for (double[] c : centres) {
            for (int j = 0; j < d; j++) {
                c[j] = 10 * r.nextGaussian();
            }
        }
        float[][] x = new float[clusters * perCluster][d];
        for (int i = 0; i < x.length; i++) {
            labels[i] = i % clusters;
            for (int j = 0; j < d; j++) {
                x[i][j] = (float) (centres[labels[i]][j] + r.nextGaussian());
            }
        }
        return x;
    }

    private static float[][] toFloat(Embedding e) {
        return Points.toFloat(e.coordinates());
    }

    @Test
    void perplexityCalibrationGivesTheRequestedEntropy() {
        Random r = new Random(2);
        for (double perplexity : new double[] {2, 5, 30, 50}) {
            double[] dist = new double[200];
            for (int j = 0; j < dist.length; j++) {
                dist[j] = 40 + 30 * r.nextDouble() * r.nextDouble();
            }
            double[] p = Tsne.calibrate(dist, perplexity);
            double sum = 0;
            double bits = 0;
            for (double v : p) {
                sum += v;
                if (v > 0) {
                    bits -= v * Math.log(v) / Math.log(2);
                }
            }
            assertEquals(1, sum, 1e-9);
            assertEquals(Math.log(perplexity) / Math.log(2), bits, 1e-3, "perplexity " + perplexity);
            // nearer neighbours get more probability
            int nearest = 0;
            int farthest = 0;
            for (int j = 0; j < dist.length; j++) {
                nearest = dist[j] < dist[nearest] ? j : nearest;
                farthest = dist[j] > dist[farthest] ? j : farthest;
            }
            assertTrue(p[nearest] > p[farthest]);
        }
    }

    /** A random symmetric P with zero diagonal summing to 1, and a random embedding. */
    private static double[] randomP(int n, Random r) {
        double[] p = new double[n * n];
        double sum = 0;
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                double v = r.nextDouble();
                p[i * n + j] = v;
                p[j * n + i] = v;
                sum += 2 * v;
            }
        }
        for (int c = 0; c < p.length; c++) {
            p[c] /= sum;
        }
        return p;
    }

    /** KL(P‖Q) written out from the definition, independently of the code under test. */
    private static double kl(double[] p, int n, double[] y) {
        double[][] w = new double[n][n];
        double z = 0;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                if (i != j) {
                    double dx = y[2 * i] - y[2 * j];
                    double dy = y[2 * i + 1] - y[2 * j + 1];
                    w[i][j] = 1 / (1 + dx * dx + dy * dy);
                    z += w[i][j];
                }
            }
        }
        double kl = 0;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                if (i != j) {
                    kl += p[i * n + j] * Math.log(p[i * n + j] / (w[i][j] / z));
                }
            }
        }
        return kl;
    }

    @Test
    void exactGradientEqualsFiniteDifferencesOfTheKlDivergence() {
        Random r = new Random(4);
        int n = 9;
        double[] p = randomP(n, r);
        double[] y = new double[2 * n];
        for (int c = 0; c < y.length; c++) {
            y[c] = 2 * r.nextGaussian();
        }
        double[] grad = new double[2 * n];
        Tsne.exactGradient(p, n, y, 1, grad);
        double h = 1e-6;
        for (int c = 0; c < y.length; c++) {
            double[] plus = y.clone();
            double[] minus = y.clone();
            plus[c] += h;
            minus[c] -= h;
            double numeric = (kl(p, n, plus) - kl(p, n, minus)) / (2 * h);
            assertEquals(numeric, grad[c], 1e-6 + 1e-5 * Math.abs(numeric), "coordinate " + c);
        }
        assertEquals(kl(p, n, y), Tsne.klDivergence(p, n, y), 1e-12);
    }

    @Test
    void barnesHutWithThetaZeroEqualsTheExactGradient() {
        Random r = new Random(6);
        int n = 60;
        double[] p = randomP(n, r);
        double[] y = new double[2 * n];
        for (int c = 0; c < y.length; c++) {
            y[c] = 5 * r.nextGaussian();
        }
        // coincident points must not break the tree
        y[2 * 7] = y[2 * 3];
        y[2 * 7 + 1] = y[2 * 3 + 1];
        y[2 * 8] = y[2 * 3];
        y[2 * 8 + 1] = y[2 * 3 + 1];
        for (double exaggeration : new double[] {1, 12}) {
            double[] exact = new double[2 * n];
            double zExact = Tsne.exactGradient(p, n, y, exaggeration, exact);
            double[] bh = new double[2 * n];
            double zBh = Tsne.barnesHutGradient(Tsne.Sparse.of(p, n), y, 0, exaggeration, bh);
            assertEquals(zExact, zBh, 1e-9 * zExact);
            assertArrayEquals(exact, bh, 1e-12);
        }
        // θ = 0.5 approximates: within a few per cent of the gradient's norm
        double[] exact = new double[2 * n];
        Tsne.exactGradient(p, n, y, 1, exact);
        double[] bh = new double[2 * n];
        Tsne.barnesHutGradient(Tsne.Sparse.of(p, n), y, 0.5, 1, bh);
        double err = 0;
        double norm = 0;
        for (int c = 0; c < exact.length; c++) {
            err += (exact[c] - bh[c]) * (exact[c] - bh[c]);
            norm += exact[c] * exact[c];
        }
        assertTrue(Math.sqrt(err / norm) < 0.05, "relative error at θ 0.5 was " + Math.sqrt(err / norm));
    }

    @Test
    void exactTsneKeepsWellSeparatedClustersApart() {
        int[] labels = new int[250];
        float[][] x = blobs(5, 50, 50, 8, labels);
        Embedding e = Tsne.defaults().embed(x, labels);
        assertEquals("t-SNE (exact)", e.method());
        double t = Trustworthiness.of(x, e, 10);
        double acc = NearestNeighbours.k(5).leaveOneOutAccuracy(toFloat(e), labels);
        assertTrue(t >= 0.9, "trustworthiness was " + t);
        assertTrue(acc >= 0.95, "2-D k-NN accuracy was " + acc);
        assertTrue(e.klDivergence() > 0 && e.klDivergence() < 3, "KL was " + e.klDivergence());
        assertArrayEquals(labels, e.labels());
    }

    @Test
    void barnesHutTsneKeepsWellSeparatedClustersApart() {
        int[] labels = new int[600];
        float[][] x = blobs(5, 120, 50, 9, labels);
        Embedding e = Tsne.defaults().withExactBelow(0).embed(x, labels);
        assertEquals("t-SNE (Barnes–Hut)", e.method());
        assertTrue(e.provenance().contains("90 nearest neighbours, θ 0.5"), e.provenance());
        double t = Trustworthiness.of(x, e, 10);
        double acc = NearestNeighbours.k(5).leaveOneOutAccuracy(toFloat(e), labels);
        assertTrue(t >= 0.9, "trustworthiness was " + t);
        assertTrue(acc >= 0.95, "2-D k-NN accuracy was " + acc);
        // the approximation optimises the same objective: its final KL (over its sparse P) is within 5 % of exact
        // t-SNE's on the same data (measured: 0.914 against 0.918)
        Embedding exact = Tsne.defaults().embed(x, labels);
        assertEquals(exact.klDivergence(), e.klDivergence(), 0.05 * exact.klDivergence());
    }

    @Test
    void theSameSeedGivesTheSameEmbeddingAndAnotherSeedAnother() {
        int[] labels = new int[120];
        float[][] x = blobs(3, 40, 60, 10, labels);
        Tsne tsne = Tsne.defaults().withPerplexity(10).withIterations(300);
        assertEquals(tsne.embed(x), tsne.embed(x));
        assertNotEquals(tsne.embed(x).coordinates()[0][0], tsne.withSeed(2).embed(x).coordinates()[0][0]);
        Tsne bh = tsne.withExactBelow(0);
        assertArrayEquals(bh.embed(x).coordinates(), bh.embed(x).coordinates());
        // more than 50 dimensions: reduced by PCA first, said in the provenance
        assertTrue(tsne.embed(x).provenance().contains("PCA 60 → 50 dimensions"));
    }

    @Test
    void progressIsReportedAndAnInterruptCancels() {
        int[] labels = new int[60];
        float[][] x = blobs(3, 20, 5, 12, labels);
        List<String> seen = new ArrayList<>();
        long[] last = new long[2];
        Tsne tsne = Tsne.defaults().withPerplexity(5).withIterations(40).withProgress((task, done, total) -> {
            if (task.equals("t-SNE")) {
                seen.add(task);
                last[0] = done;
                last[1] = total;
            }
        });
        tsne.embed(x);
        assertEquals(40, seen.size());
        assertArrayEquals(new long[] {40, 40}, last);
        Thread.currentThread().interrupt();
        try {
            CancellationException c = assertThrows(CancellationException.class, () -> tsne.embed(x));
            assertTrue(c.getMessage().contains("cancelled"), c.getMessage());
        } finally {
            Thread.interrupted();
        }
    }

    @Test
    void learningRateAndMethodFollowTheSize() {
        Tsne t = Tsne.defaults();
        assertEquals(200, t.learningRate(1200));
        assertEquals(1000, t.learningRate(12_000));
        assertEquals(50, t.withLearningRate(50).learningRate(12_000));
        assertTrue(t.isExact(4999));
        assertTrue(!t.isExact(5000));
    }

    @Test
    void badInputIsRefusedWithTheFix() {
        float[][] hundred = new float[100][3];
        for (int i = 0; i < 100; i++) {
            hundred[i][0] = i;
        }
        String tooLarge = assertThrows(IllegalArgumentException.class,
                () -> Tsne.defaults().withPerplexity(80).embed(hundred)).getMessage();
        assertTrue(tooLarge.contains("perplexity was 80.0 but there are only 100 points; expected perplexity"
                + " < (n − 1)/3 = 33.0, e.g. 30"), tooLarge);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Tsne.defaults().embed(new float[0][]))
                .getMessage().contains("no points"));
        float[][] nan = hundred.clone();
        nan[4] = new float[] {0, Float.NaN, 0};
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Tsne.defaults().embed(nan)).getMessage()
                .contains("data[4][1] was NaN"));
        float[][] ragged = hundred.clone();
        ragged[9] = new float[2];
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Tsne.defaults().embed(ragged)).getMessage()
                .contains("row 9 has 2 values but row 0 has 3"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Tsne.defaults().withTheta(1.5)).getMessage()
                .contains("theta was 1.5"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Tsne.defaults().withPerplexity(0.5))
                .getMessage().contains("perplexity was 0.5"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Tsne.defaults().embed(hundred, new int[3]))
                .getMessage().contains("3 labels for 100 points"));
    }
}
