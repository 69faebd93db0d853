package io.github.explain4j.djl.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import io.github.explain4j.api.Images;
import io.github.explain4j.djl.ExplainableModel;
import io.github.explain4j.djl.zoo.ShapesNet;
import io.github.explain4j.optim.Objective;
import io.github.explain4j.optim.Parameterization;
import java.awt.image.BufferedImage;
import java.util.Arrays;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Mistakes in texture synthesis and style transfer get a message naming the value and the fix; long runs report
 * progress, stop on an interrupt and leave no arrays behind — on ShapesNet (64×64), both engines.
 */
class StyleRefusalTest {

    private static final BufferedImage BRICK = Images.read(TextureSynthesisTest.ROOT.resolve(
            "assets/images/brick.png"));
    private static final BufferedImage CAT = Images.read(TextureSynthesisTest.ROOT.resolve(
            "assets/images/chelsea.png"));

    @ParameterizedTest
    @MethodSource("io.github.explain4j.djl.fixtures.TestNets#engines")
    void mistakesAreRefusedWithTheFix(String engine) {
        try (Model m = ShapesNet.load(engine)) {
            ExplainableModel model = ShapesNet.explainable(m);
            float[] grey = new float[64 * 64];
            Arrays.fill(grey, 0.5f);
            float[] rgb = new float[3 * 64 * 64];
            Arrays.fill(rgb, 0.5f);
            int[] rgbShape = {3, 64, 64};
            // layers
            expect(() -> TextureSynthesis.of(BRICK).layers("stage2", "stage9").steps(2).synthesize(model),
                    "unknown layer 'stage9'");
            expect(() -> TextureSynthesis.of(BRICK).steps(2).synthesize(model), "no style layers were given; name"
                    + " them with layers(...)");
            expect(() -> StyleTransfer.of(BRICK, CAT).styleLayers("stage2").steps(2).transfer(model),
                    "no content layer was given; name it with contentLayer(...)");
            expect(() -> StyleTransfer.of(BRICK, CAT).styleLayers("stage2").contentLayer("stage7").steps(2)
                    .transfer(model), "unknown layer 'stage7'");
            expect(() -> TextureSynthesis.gram(model, rgb, 3, 64, 64, "nope"), "unknown layer 'nope'");
            // weights
            expect(() -> StyleTransfer.of(BRICK, CAT).styleWeight(Double.NaN), "style weight was NaN; expected a"
                    + " finite number ≥ 0");
            expect(() -> StyleTransfer.of(BRICK, CAT).styleWeight(-1), "style weight was -1.0; expected a finite"
                    + " number ≥ 0");
            expect(() -> StyleTransfer.of(BRICK, CAT).totalVariationWeight(Double.POSITIVE_INFINITY),
                    "total variation weight was Infinity");
            // images
            expect(() -> StyleTransfer.of(grey, new int[] {1, 64, 64}, rgb, rgbShape).styleLayers("stage2")
                    .contentLayer("stage3").steps(2).transfer(model), "the style image has 1 channel but the model"
                    + " takes 3; give it 3 channels (Images.toChw(image, 3, height, width) converts a picture)");
            expect(() -> StyleTransfer.of(rgb, rgbShape, grey, new int[] {1, 64, 64}).styleLayers("stage2")
                    .contentLayer("stage3").steps(2).transfer(model), "the content image has 1 channel but the"
                    + " model takes 3");
            expect(() -> TextureSynthesis.of(grey, 1, 64, 64).layers("stage2").steps(2).synthesize(model),
                    "the texture image has 1 channel but the model takes 3");
            expect(() -> TextureSynthesis.of(new float[10], 3, 2, 2), "texture image has 10 values; 3×2×2 needs 12");
            expect(() -> TextureSynthesis.of(new float[] {0, 255, 0, 0}, 1, 2, 2), "texture image has the value"
                    + " 255.0 at index 1; expected pixel values in [0, 1] (divide 0–255 values by 255)");
            expect(() -> StyleTransfer.of(rgb, rgbShape, new float[3 * 32 * 32], new int[] {3, 32, 32})
                    .styleLayers("stage2").contentLayer("stage3").steps(2).transfer(model), "the content image is"
                    + " 32×32 but the model's input is 64×64; give it at that size, or state the size with"
                    + " model.withSpec(...)");
            expect(() -> StyleTransfer.of(rgb, new int[] {3, 64}, rgb, rgbShape), "style image shape was [3, 64];"
                    + " expected {channels, height, width}");
            expect(() -> StyleTransfer.of(BRICK, CAT).styleSize(1, 40), "style size was 1×40; expected a height and"
                    + " a width of at least 2 pixels each");
            // style transfer starts from the photo, which only pixels can represent
            expect(() -> StyleTransfer.of(BRICK, CAT).styleLayers("stage2").contentLayer("stage3")
                    .parameterization(Parameterization.fft()).steps(2).transfer(model), "starting from an image"
                    + " needs the pixel parameterisation, not fft(1/f^1), sigmoid; use Parameterization.pixels()");
            expect(() -> FeatureVisualization.of(Objective.channel("stage2", 1)).start(new float[5]).steps(2)
                    .optimize(model), "the start image has 5 values; the optimised image is 3×64×64 = 12288");
            expect(() -> FeatureVisualization.of(Objective.channel("stage2", 1)).start(new float[] {2}),
                    "the start image has the value 2.0 at index 0; expected pixel values in [0, 1]");
            expect(() -> TextureSynthesis.gram(model, new float[3 * 2 * 2], 3, 2, 2, "stage3"), "the model did not"
                    + " take the 2×2 image up to [stage3]");
            // a target computed on another layer
            float[] gram = TextureSynthesis.gram(model, rgb, 3, 64, 64, "stage2");
            assertEquals(32 * 32, gram.length);
            expect(() -> FeatureVisualization.of(Objective.style("stage3", gram)).steps(2).optimize(model),
                    "the Gram target of style(stage3, 32×32 Gram) is 32×32 but layer 'stage3' gives shape [1, 64, 16,"
                    + " 16]; compute the target at this layer of this model (TextureSynthesis.gram)");
        }
    }

    @ParameterizedTest
    @MethodSource("io.github.explain4j.djl.fixtures.TestNets#engines")
    void anInterruptCancelsAtTheNextStepProgressIsReportedAndNothingLeaks(String engine) {
        try (Model m = ShapesNet.load(engine)) {
            AtomicInteger reported = new AtomicInteger();
            java.util.Set<String> tasks = new java.util.HashSet<>();
            ExplainableModel model = ShapesNet.explainable(m).withProgress((task, done, total) -> {
                reported.set((int) done);
                tasks.add(task);
                if (done == 3) {
                    Thread.currentThread().interrupt();
                }
            });
            CancellationException e = assertThrows(CancellationException.class,
                    () -> StyleTransfer.of(BRICK, CAT).styleLayers("stage2").contentLayer("stage3").steps(50)
                            .transfer(model));
            assertTrue(Thread.interrupted(), "the interrupt stays set for the caller");
            assertTrue(e.getMessage().contains("was cancelled at step 4 of 50"), e.getMessage());
            assertEquals(3, reported.get());
            assertEquals(java.util.Set.of("Style Transfer"), tasks);
            int before = m.getNDManager().getManagedArrays().size();
            ExplainableModel quiet = ShapesNet.explainable(m);
            TextureSynthesis.of(BRICK).layers("stage2", "stage3").steps(3).synthesize(quiet);
            TextureSynthesis.of(BRICK).layer("stage2", 0.8).layer("stage3", 0.2).steps(3).synthesize(quiet);
            StyleTransfer.of(BRICK, CAT).styleLayers("stage2").contentLayer("stage3").steps(3).transfer(quiet);
            TextureSynthesis.gram(quiet, Images.toChw(BRICK, 3, 40, 50), 3, 40, 50, "stage2");
            assertEquals(before, m.getNDManager().getManagedArrays().size(), "arrays left behind");
        }
    }

    private static void expect(Runnable r, String part) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, r::run);
        assertTrue(e.getMessage().contains(part), "'" + e.getMessage() + "' should contain '" + part + "'");
    }
}
