package io.github.explain4j.djl.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.explain4j.api.Baseline;
import io.github.explain4j.api.InputSpec;
import io.github.explain4j.djl.internal.Blur;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Every {@link Baseline} realised for an input, in pixel space and in the model's normalised space. */
class BaselinesTest {

    private static final InputSpec SPEC = InputSpec.rgb(4, 5).normalized(
            new float[] {0.5f, 0.4f, 0.3f}, new float[] {0.25f, 0.2f, 0.5f});

    private static float[] image(long seed) {
        Random r = new Random(seed);
        float[] x = new float[3 * 4 * 5];
        for (int j = 0; j < x.length; j++) {
            x[j] = r.nextFloat();
        }
        return x;
    }

    @Test
    void constantAndBlackFillEveryValue() {
        float[] x = image(1);
        float[] grey = Baselines.pixels(Baseline.constant(0.25f), SPEC, x, 0);
        float[] black = Baselines.pixels(Baseline.black(), SPEC, x, 3);
        for (int j = 0; j < x.length; j++) {
            assertEquals(0.25f, grey[j], 0f);
            assertEquals(0f, black[j], 0f);
        }
        assertTrue(Baselines.isBlack(Baseline.black()));
        assertFalse(Baselines.isBlack(Baseline.constant(0.25f)));
        assertFalse(Baselines.isBlack(Baseline.blurred(2)));
    }

    @Test
    void noiseIsSeededPerInputOfTheBatchAndInTheUnitInterval() {
        float[] x = image(2);
        float[] a0 = Baselines.pixels(Baseline.uniformNoise(9), SPEC, x, 0);
        float[] a1 = Baselines.pixels(Baseline.uniformNoise(9), SPEC, x, 1);
        assertArrayEquals(a0, Baselines.pixels(Baseline.uniformNoise(9), SPEC, image(3), 0), "seeded, input-blind");
        assertFalse(Arrays.equals(a0, a1), "each input of a batch its own noise");
        for (float v : a1) {
            assertTrue(v >= 0 && v < 1, "in [0, 1): " + v);
        }
    }

    @Test
    void blurredIsTheInputBlurredAndCustomIsItselfOfTheRightShape() {
        float[] x = image(4);
        assertArrayEquals(Blur.gaussian(x, 3, 4, 5, 1.5), Baselines.pixels(Baseline.blurred(1.5), SPEC, x, 0));
        float[] chw = image(5);
        assertArrayEquals(chw, Baselines.pixels(Baseline.custom(chw, 3, 4, 5), SPEC, x, 0));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Baselines.pixels(Baseline.custom(new float[60], 3, 5, 4), SPEC, x, 0));
        assertTrue(e.getMessage().contains("custom baseline is 3x5x4; expected the model's input shape 3x4x5"),
                e.getMessage());
    }

    @Test
    void theNormalisedVariantWorksInPixelSpaceBetweenTheNormalisations() {
        float[] pixels = image(6);
        float[] model = Normalization.toModel(SPEC, pixels);
        for (int j = 0; j < pixels.length; j++) {
            int c = j / 20;
            assertEquals(SPEC.normalize(c, pixels[j]), model[j], 0f);
        }
        for (Baseline b : new Baseline[] {Baseline.black(), Baseline.blurred(0.8), Baseline.uniformNoise(2)}) {
            float[] expected = Normalization.toModel(SPEC,
                    Baselines.pixels(b, SPEC, Normalization.toPixels(SPEC, model), 1));
            assertArrayEquals(expected, Baselines.normalized(b, SPEC, model, 1), b.describe());
        }
        // black in pixel space is −mean/std in model space
        float[] black = Baselines.normalized(Baseline.black(), SPEC, model, 0);
        assertEquals(-2f, black[0], 1e-6f);
        assertEquals(-2f, black[20], 1e-6f);
        assertEquals(-0.6f, black[40], 1e-6f);
    }
}
