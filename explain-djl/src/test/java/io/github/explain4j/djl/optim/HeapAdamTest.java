package io.github.explain4j.djl.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The heap Adam step equals Algorithm 1 of Kingma &amp; Ba (2015) written out directly — bias-corrected moments
 * m̂ = m/(1−β₁ᵗ), v̂ = v/(1−β₂ᵗ), θ ± rate·m̂/(√v̂ + ε) — over several steps, ascending and descending, with
 * gradients of mixed sizes, on arrays small (one part) and large (parallel parts).
 */
class HeapAdamTest {

    @Test
    void equalsThePapersAlgorithmStepByStep() {
        Random random = new Random(3);
        for (int n : new int[] {7, 40_000}) {
            for (double rate : new double[] {0.05, -0.1}) {
                float[] theta = new float[n];
                double[] want = new double[n];
                for (int i = 0; i < n; i++) {
                    theta[i] = (float) random.nextGaussian();
                    want[i] = theta[i];
                }
                float[] first = new float[n];
                float[] second = new float[n];
                double[] m = new double[n];
                double[] v = new double[n];
                for (int t = 1; t <= 6; t++) {
                    float[] g = new float[n];
                    for (int i = 0; i < n; i++) {
                        g[i] = (float) (random.nextGaussian() * (i % 3 == 0 ? 1e-3 : 1));
                    }
                    HeapAdam.step(theta, first, second, g, rate, t);
                    for (int i = 0; i < n; i++) {
                        double gi = g[i];
                        m[i] = 0.9 * m[i] + 0.1 * gi;
                        v[i] = 0.999 * v[i] + 0.001 * gi * gi;
                        double mHat = m[i] / (1 - Math.pow(0.9, t));
                        double vHat = v[i] / (1 - Math.pow(0.999, t));
                        want[i] = (float) (want[i] + rate * mHat / (Math.sqrt(vHat) + 1e-8));
                    }
                    for (int i = 0; i < n; i++) {
                        assertEquals(want[i], theta[i], 1e-6 * (1 + Math.abs(want[i])),
                                "n " + n + " rate " + rate + " step " + t + " value " + i);
                    }
                }
            }
        }
    }
}
