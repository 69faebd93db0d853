package io.github.explain4j.djl.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import io.github.explain4j.djl.ExplainableModel;
import io.github.explain4j.djl.zoo.ShapesNet;
import io.github.explain4j.optim.FeatureImage;
import io.github.explain4j.optim.Objective;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Per-layer style weights {@code w_l} (Gatys et al. 2016, eq. 5) in texture synthesis and style transfer, on
 * ShapesNet (64×64), both engines: the weighted objective's value on an image is {@code Σ_l w_l · E_l}, each
 * {@code E_l} the single-layer objective {@link Objective#style} with the Gram target {@link TextureSynthesis#gram}
 * evaluated on its own; equal weights {@code 1/L} are the default; a weight of 0 drops the layer; the weights are
 * in the provenance and the objective's description.
 */
class StyleLayerWeightsTest {

    private static final int SIDE = 64;
    private static final int[] SHAPE = {3, SIDE, SIDE};

    @ParameterizedTest
    @MethodSource("io.github.explain4j.djl.fixtures.TestNets#engines")
    void theWeightedStyleObjectiveIsTheWeightedSumOfTheSingleLayerObjectives(String engine) {
        try (Model m = ShapesNet.load(engine)) {
            ExplainableModel model = ShapesNet.explainable(m);
            float[] style = image(1);
            float[] photo = image(2);
            Objective e2 = Objective.style("stage2", TextureSynthesis.gram(model, style, 3, SIDE, SIDE, "stage2"));
            Objective e3 = Objective.style("stage3", TextureSynthesis.gram(model, style, 3, SIDE, SIDE, "stage3"));
            double a = 0.7;
            double b = 0.2;
            Objective texture = TextureSynthesis.of(style, 3, SIDE, SIDE).layer("stage2", a).layer("stage3", b)
                    .objective(model);
            StyleTransfer transfer = StyleTransfer.of(style, SHAPE, photo, SHAPE).styleLayer("stage2", a)
                    .styleLayer("stage3", b).contentLayer("stage3").styleWeight(10);
            Objective styleOnly = transfer.styleObjective(model);
            Objective equal = TextureSynthesis.of(style, 3, SIDE, SIDE).layers("stage2", "stage3").objective(model);
            for (long seed = 3; seed < 6; seed++) {
                float[] x = image(seed);
                double v2 = TextureSynthesisTest.value(model, e2, x);
                double v3 = TextureSynthesisTest.value(model, e3, x);
                String what = engine + " seed " + seed + ": E2 = " + v2 + ", E3 = " + v3;
                assertTrue(v2 < 0 && v3 < 0 && Math.abs(v2 / v3 - 1) > 0.1, "fixture: distinct losses; " + what);
                close(a * v2 + b * v3, TextureSynthesisTest.value(model, texture, x), what + ", texture");
                close(a * v2 + b * v3, TextureSynthesisTest.value(model, styleOnly, x), what + ", transfer's style");
                close(0.5 * v2 + 0.5 * v3, TextureSynthesisTest.value(model, equal, x), what + ", equal weights");
                // the whole transfer objective: content + styleWeight · (a·E2 + b·E3)
                double content = TextureSynthesisTest.value(model, transfer.contentObjective(model), x);
                close(content + 10 * (a * v2 + b * v3), TextureSynthesisTest.value(model, transfer.objective(model),
                        x), what + ", transfer");
                if (seed == 3) {
                    System.out.printf("%s style weights: E2 %.6g, E3 %.6g, 0.7·E2 + 0.2·E3 %.6g, objective %.6g%n",
                            engine, v2, v3, a * v2 + b * v3, TextureSynthesisTest.value(model, texture, x));
                }
            }
            assertEquals("0.7 × style(stage2, 32×32 Gram) + 0.2 × style(stage3, 64×64 Gram)", texture.description());
        }
    }

    @ParameterizedTest
    @MethodSource("io.github.explain4j.djl.fixtures.TestNets#engines")
    void aLayerOfWeightZeroDoesNotCountAndTheWeightsAreInTheProvenance(String engine) {
        try (Model m = ShapesNet.load(engine)) {
            ExplainableModel model = ShapesNet.explainable(m);
            float[] style = image(11);
            Objective e2 = Objective.style("stage2", TextureSynthesis.gram(model, style, 3, SIDE, SIDE, "stage2"));
            // stage3 at weight 0: the objective is E2 alone, whatever stage3's target would be
            Objective zero = TextureSynthesis.of(style, 3, SIDE, SIDE).layer("stage2", 1).layer("stage3", 0)
                    .objective(model);
            Objective again = TextureSynthesis.of(style, 3, SIDE, SIDE).layers("stage2", "stage3")
                    .layer("stage3", 0).layer("stage2", 1).objective(model);
            float[] x = image(13);
            double v2 = TextureSynthesisTest.value(model, e2, x);
            assertEquals(v2, TextureSynthesisTest.value(model, zero, x), 1e-6 * Math.abs(v2), engine);
            assertEquals(v2, TextureSynthesisTest.value(model, again, x), 1e-6 * Math.abs(v2), engine);
            assertFalse(zero.description().contains("stage3"), zero.description());

            TextureSynthesis synthesis = TextureSynthesis.of(style, 3, SIDE, SIDE).layer("stage2", 0.75)
                    .layer("stage3", 0.25).steps(2).seed(1);
            FeatureImage texture = synthesis.synthesize(model);
            assertEquals("[stage2, stage3]", texture.provenance().parameters().get("layers"));
            assertEquals("{stage2=0.75, stage3=0.25}", texture.provenance().parameters().get("layerWeights"));
            assertEquals("0.75 × style(stage2, 32×32 Gram) + 0.25 × style(stage3, 64×64 Gram)",
                    texture.provenance().target());
            FeatureImage painted = StyleTransfer.of(style, SHAPE, image(14), SHAPE).styleLayer("stage2", 2)
                    .styleLayer("stage3", 0).contentLayer("stage3").steps(2).transfer(model);
            assertEquals("{stage2=2.0, stage3=0.0}", painted.provenance().parameters().get("styleLayerWeights"));
            // the style weight (1000 by default) multiplies the layer's weight
            assertTrue(painted.provenance().target().endsWith(" + 2000 × style(stage2, 32×32 Gram)"),
                    painted.provenance().target());
            assertEquals("{stage2=0.5, stage3=0.5}", StyleTransfer.of(style, SHAPE, image(14), SHAPE)
                    .styleLayers("stage2", "stage3").parameters().get("styleLayerWeights"), "default: equal");
        }
    }

    @ParameterizedTest
    @MethodSource("io.github.explain4j.djl.fixtures.TestNets#engines")
    void badWeightsAndLayersAreRefusedWithTheFix(String engine) {
        try (Model m = ShapesNet.load(engine)) {
            ExplainableModel model = ShapesNet.explainable(m);
            float[] style = image(21);
            TextureSynthesis t = TextureSynthesis.of(style, 3, SIDE, SIDE);
            StyleTransfer s = StyleTransfer.of(style, SHAPE, image(22), SHAPE).contentLayer("stage3");
            expect(() -> t.layer("stage2", -0.5), "weight of style layer \"stage2\" was -0.5; expected a finite"
                    + " number ≥ 0");
            expect(() -> s.styleLayer("stage2", Double.NaN), "weight of style layer \"stage2\" was NaN");
            expect(() -> s.styleLayer("stage2", Double.POSITIVE_INFINITY), "was Infinity");
            expect(() -> t.layer(null, 1), "a style layer had a null name");
            expect(() -> t.layers("stage2", "stage2"), "style layers named \"stage2\" twice; name each layer once");
            expect(() -> t.layer("stage2", 1).layer("stage9", 0.5).objective(model), "unknown layer 'stage9'");
            expect(() -> s.styleLayer("stage9", 0).styleObjective(model), "unknown layer 'stage9'");
            expect(() -> t.layer("stage2", 0).layer("stage3", 0).objective(model), "every style layer has weight 0"
                    + " ({stage2=0.0, stage3=0.0}); give at least one layer a positive weight");
            expect(() -> s.styleObjective(model), "no style layers were given; name them with styleLayers(...)");
        }
    }

    private static void close(double expected, double actual, String what) {
        assertEquals(expected, actual, 1e-5 * Math.abs(expected), what + ": expected " + expected + ", was "
                + actual);
    }

    /** A seeded image: a random grating plus noise, in [0, 1]. */
    private static float[] image(long seed) {
        Random random = new Random(seed);
        double fx = 0.05 + 0.3 * random.nextDouble();
        double fy = 0.05 + 0.3 * random.nextDouble();
        float[] chw = new float[3 * SIDE * SIDE];
        for (int c = 0; c < 3; c++) {
            double phase = random.nextDouble() * 6;
            for (int y = 0; y < SIDE; y++) {
                for (int x = 0; x < SIDE; x++) {
                    double v = 0.5 + 0.35 * Math.sin(fx * x + fy * y + phase) + 0.15 * (random.nextDouble() - 0.5);
                    chw[(c * SIDE + y) * SIDE + x] = (float) Math.min(1, Math.max(0, v));
                }
            }
        }
        return chw;
    }

    private static void expect(Runnable r, String part) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, r::run);
        assertTrue(e.getMessage().contains(part), "'" + e.getMessage() + "' should contain '" + part + "'");
    }
}
