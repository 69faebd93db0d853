package io.github.explain4j.djl.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The heap sigmoid against {@code 1 / (1 + e^(−x))} in double precision on a dense grid and at the extremes: within
 * 2.5·10⁻⁷ everywhere (the bound its javadoc states; the fit script's float32 evaluation gives 1.8·10⁻⁷), in [0, 1],
 * exactly ½ at 0, NaN for NaN, and a part of an array written without touching the rest.
 */
class HeapSigmoidTest {

    @Test
    void isWithinItsBoundOfTheExactSigmoid() {
        int n = 2_000_001;
        float[] x = new float[n + 5];
        for (int i = 0; i < n; i++) {
            x[i] = -40f + 80f * i / (n - 1);
        }
        x[n] = Float.MAX_VALUE;
        x[n + 1] = -Float.MAX_VALUE;
        x[n + 2] = Float.POSITIVE_INFINITY;
        x[n + 3] = Float.NEGATIVE_INFINITY;
        x[n + 4] = Float.MIN_VALUE;
        float[] s = new float[x.length];
        HeapSigmoid.apply(x, s, 0, x.length);
        double largest = 0;
        for (int i = 0; i < x.length; i++) {
            double exact = 1 / (1 + Math.exp(-(double) x[i]));
            largest = Math.max(largest, Math.abs(s[i] - exact));
            assertTrue(s[i] >= 0 && s[i] <= 1, "sigmoid(" + x[i] + ") = " + s[i]);
        }
        assertTrue(largest <= 2.5e-7, "largest error " + largest);
        float[] zero = new float[1];
        HeapSigmoid.apply(new float[] {0f}, zero, 0, 1);
        assertEquals(0.5f, zero[0]);
        float[] nan = new float[1];
        HeapSigmoid.apply(new float[] {Float.NaN}, nan, 0, 1);
        assertTrue(Float.isNaN(nan[0]));
    }

    @Test
    void writesOnlyThePartAsked() {
        float[] in = {1, 2, 3, 4, 5};
        float[] out = {-1, -1, -1, -1, -1};
        HeapSigmoid.apply(in, out, 1, 4);
        assertEquals(-1f, out[0]);
        assertEquals(-1f, out[4]);
        for (int i = 1; i < 4; i++) {
            assertEquals(1 / (1 + Math.exp(-in[i])), out[i], 2.5e-7);
        }
    }
}
