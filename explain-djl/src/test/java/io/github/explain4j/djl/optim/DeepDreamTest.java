package io.github.explain4j.djl.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import io.github.explain4j.api.Images;
import io.github.explain4j.data.SyntheticShapes;
import io.github.explain4j.djl.ExplainableModel;
import io.github.explain4j.djl.zoo.ShapesNet;
import io.github.explain4j.optim.FeatureImage;
import io.github.explain4j.optim.Objective;
import java.awt.image.BufferedImage;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** DeepDream on a held-out image of the synthetic shapes with the bundled ShapesNet, on both engines. */
class DeepDreamTest {

    private static double meanSquare(ExplainableModel model, float[] pixels, String layer) {
        return model.call(scope -> {
            NDArray a = model.seam().activation(scope, model.pixelsToInput(scope, pixels), layer);
            return a.square().mean().getFloat();
        });
    }

    @ParameterizedTest
    @MethodSource("io.github.explain4j.djl.fixtures.TestNets#engines")
    void dreamingStrengthensTheLayerAcrossOctavesAndIsReproducible(String engine) {
        try (Model m = ShapesNet.load(engine)) {
            ExplainableModel model = ShapesNet.explainable(m);
            BufferedImage photo = SyntheticShapes.create(64).sample(SyntheticShapes.TEST_SEED, 7).image();
            float[] original = Images.toChw(photo, 3, 64, 64);
            DeepDream dream = DeepDream.of("stage2").octaves(3).seed(5); // 10 steps of 1.5/255 per octave, as the original
            FeatureImage d = dream.dream(model, photo);
            float[] dreamt = d.image(0);
            double before = meanSquare(model, original, "stage2");
            double after = meanSquare(model, dreamt, "stage2");
            System.out.printf("%s DeepDream stage2: mean square %.4f → %.4f%n", engine, before, after);
            // measured: 0.868 → 1.145 after 30 steps on both engines
            assertTrue(after > 1.25 * before, engine + ": the layer's mean square went " + before + " → " + after);
            for (float v : dreamt) {
                assertTrue(v >= 0 && v <= 1, "pixels stay in [0, 1]: " + v);
            }
            // the dream is a change of the photo, not a new image: most of it is still there
            double diff = 0;
            for (int i = 0; i < dreamt.length; i++) {
                diff += Math.abs(dreamt[i] - original[i]) / dreamt.length;
            }
            assertTrue(diff > 0.005 && diff < 0.25, "mean change " + diff);
            assertEquals(30, d.objectiveHistory().length, "3 octaves of 10 steps");
            assertEquals(java.util.List.of(10, 20, 30), java.util.List.copyOf(d.intermediates().keySet()));
            assertArrayEquals(dreamt, d.intermediates().get(30).get(0), 1e-6f, "the last octave is the result");
            double[] h = d.objectiveHistory();
            assertTrue(h[29] > h[20], engine + ": the finest octave climbs: " + h[20] + " → " + h[29]);
            assertArrayEquals(dreamt, dream.dream(model, photo).image(0), "the same seed, the same dream");
            assertEquals("deepdream(stage2)", d.provenance().target());
            assertEquals("3", d.provenance().parameters().get("octaves"));
            // a channel objective works the same way and raises that channel; its gradient sits on few pixels, so the
            // mean-normalised step must be smaller than the original's 1.5/255 (which overshoots: 0.66 → 0.08)
            FeatureImage c = DeepDream.of(Objective.channel("stage3", 50)).octaves(2).steps(8).stepSize(5e-4)
                    .dream(model, photo);
            double ch0 = model.call(scope -> model.seam().activation(scope, model.pixelsToInput(scope, original),
                    "stage3").get(":, 50").mean().getFloat());
            double ch1 = model.call(scope -> model.seam().activation(scope, model.pixelsToInput(scope, c.image(0)),
                    "stage3").get(":, 50").mean().getFloat());
            assertTrue(ch1 > ch0 + 0.1, engine + ": channel 50 went " + ch0 + " → " + ch1);
        }
    }

    @ParameterizedTest
    @MethodSource("io.github.explain4j.djl.fixtures.TestNets#engines")
    void badSettingsAreRefusedWithTheFix(String engine) {
        try (Model m = ShapesNet.load(engine)) {
            ExplainableModel model = ShapesNet.explainable(m);
            expect(() -> DeepDream.of("stage2").octaves(0), "octaves was 0");
            expect(() -> DeepDream.of("stage2").octaveScale(1), "octave scale was 1.0");
            expect(() -> DeepDream.of("stage2").steps(0), "steps was 0");
            expect(() -> DeepDream.of("stage2").stepSize(Double.NaN), "step size was NaN");
            expect(() -> DeepDream.of("stage2").jitter(0.5), "jitter was 0.5");
            expect(() -> DeepDream.of("stage2").octaves(12).dream(model, new float[3 * 64 * 64]),
                    "shrink the 64×64 input below 2×2");
            expect(() -> DeepDream.of("nope").dream(model, new float[3 * 64 * 64]), "unknown layer 'nope'");
            expect(() -> DeepDream.of("stage2").dream(model, new float[10]), "the model takes 3×64×64");
        }
    }

    private static void expect(Runnable r, String part) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, r::run);
        assertTrue(e.getMessage().contains(part), "'" + e.getMessage() + "' should contain '" + part + "'");
    }
}
