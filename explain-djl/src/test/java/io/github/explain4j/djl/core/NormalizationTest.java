package io.github.explain4j.djl.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.explain4j.api.InputSpec;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The heap normalisation an optimisation step runs, against its formula written out in double precision: the input
 * {@code (x − mean_c) / std_c} per channel over a batch of two, in place and into another buffer alike; the gradient
 * back to pixels {@code scale · g / std_c}; and mismatched sizes refused.
 */
class NormalizationTest {

    private static final InputSpec SPEC = InputSpec.rgb(4, 5).normalized(new float[] {0.485f, 0.456f, 0.406f},
            new float[] {0.229f, 0.224f, 0.225f});

    @Test
    void theBatchIsNormalisedPerChannelInPlaceAndIntoAnotherBuffer() {
        float[] batch = random(2 * 3 * 20, 1);
        float[] into = new float[batch.length];
        Normalization.toModelInto(SPEC, batch, into);
        float[] inPlace = batch.clone();
        Normalization.toModelInPlace(SPEC, inPlace);
        assertArrayEquals(into, inPlace);
        for (int i = 0; i < batch.length; i++) {
            int c = i / 20 % 3;
            double expected = (batch[i] - (double) SPEC.mean()[c]) / SPEC.std()[c];
            assertEquals(expected, into[i], 1e-6 * Math.max(1, Math.abs(expected)), "value " + i);
        }
    }

    @Test
    void theGradientIsScaledAndDividedByEachChannelsStd() {
        float[] g = random(2 * 3 * 20, 2);
        float[] scaled = g.clone();
        Normalization.gradientToPixelsInPlace(SPEC, scaled, 0.125f);
        float[] unscaled = g.clone();
        Normalization.gradientToPixelsInPlace(SPEC, unscaled);
        for (int i = 0; i < g.length; i++) {
            double expected = g[i] / (double) SPEC.std()[i / 20 % 3];
            assertEquals(expected, unscaled[i], 1e-6 * Math.abs(expected), "value " + i);
            assertEquals(0.125 * expected, scaled[i], 1e-6 * Math.abs(expected), "scaled value " + i);
        }
    }

    @Test
    void mismatchedSizesAreRefused() {
        IllegalArgumentException out = assertThrows(IllegalArgumentException.class,
                () -> Normalization.toModelInto(SPEC, new float[60], new float[59]));
        assertTrue(out.getMessage().contains("59") && out.getMessage().contains("60"), out.getMessage());
        IllegalArgumentException batch = assertThrows(IllegalArgumentException.class,
                () -> Normalization.gradientToPixelsInPlace(SPEC, new float[61], 1));
        assertTrue(batch.getMessage().contains("61"), batch.getMessage());
    }

    private static float[] random(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (r.nextDouble() * 2 - 0.5);
        }
        return v;
    }
}
