package io.github.explain4j.djl.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import io.github.explain4j.api.Images;
import io.github.explain4j.djl.ExplainableModel;
import io.github.explain4j.djl.tfjs.TfjsModels;
import io.github.explain4j.optim.FeatureImage;
import io.github.explain4j.optim.Objective;
import java.awt.image.BufferedImage;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Style transfer (Gatys et al. 2016) of chelsea.png in the style of starry_night.jpg with the imported MobileNetV2
 * backbone at 64×64, on both engines.
 */
class StyleTransferTest {

    static final String CONTENT_LAYER = "block_5_expand_relu";

    static StyleTransfer transfer() {
        BufferedImage style = Images.read(TextureSynthesisTest.ROOT.resolve("assets/images/starry_night.jpg"));
        BufferedImage photo = Images.read(TextureSynthesisTest.ROOT.resolve("assets/images/chelsea.png"));
        return StyleTransfer.of(style, photo).styleLayers(TextureSynthesisTest.STYLE_LAYERS)
                .contentLayer(CONTENT_LAYER).styleWeight(100);
    }

    /** {@code ‖F(a) − F(b)‖² / ‖F(b)‖²} at a layer, computed from two activations on the heap. */
    static double relativeError(ExplainableModel model, String layer, float[] a, float[] b) {
        float[][] f = model.call(scope -> {
            NDArray fa = model.seam().activation(scope, model.pixelsToInput(scope, a), layer);
            NDArray fb = model.seam().activation(scope, model.pixelsToInput(scope, b), layer);
            return new float[][] {fa.toFloatArray(), fb.toFloatArray()};
        });
        double diff = 0;
        double norm = 0;
        for (int i = 0; i < f[0].length; i++) {
            diff += (double) (f[0][i] - f[1][i]) * (f[0][i] - f[1][i]);
            norm += (double) f[1][i] * f[1][i];
        }
        return diff / norm;
    }

    /**
     * The painted photo keeps its content: its activation at the content layer is within 25 % (relative squared
     * error) of the photo's, while the style loss falls at least 10× from the photo's. Calibration (60 Adam steps
     * of 0.05 from the photo, style weight 100): relative content error 0.192 on both engines (the style image
     * itself is at 0.526), style loss 0.344 → 0.0256 (13.4×) on both engines. With style weight 1 the content error
     * was 0.029 and the style fell 10.5× in 100 steps; with 10⁴, 0.28 and 33.7×.
     */
    @ParameterizedTest
    @MethodSource("io.github.explain4j.djl.fixtures.TestNets#engines")
    void theContentStaysWithinItsBoundWhileTheStyleLossFalls(String engine) throws Exception {
        try (Model m = TfjsModels.mobileNetV2(TextureSynthesisTest.ROOT.resolve("models"), engine)) {
            ExplainableModel model = TextureSynthesisTest.backbone(m);
            StyleTransfer transfer = transfer().steps(60);
            Objective style = transfer.styleObjective(model);
            int side = TextureSynthesisTest.SIDE;
            float[] photo = Images.toChw(Images.read(TextureSynthesisTest.ROOT.resolve("assets/images/chelsea.png")),
                    3, side, side);
            float[] starry = Images.toChw(Images.read(TextureSynthesisTest.ROOT.resolve(
                    "assets/images/starry_night.jpg")), 3, side, side);
            long start = System.nanoTime();
            FeatureImage painted = transfer.transfer(model);
            long ms = (System.nanoTime() - start) / 1_000_000;
            double content = relativeError(model, CONTENT_LAYER, painted.image(0), photo);
            double styleOfStarry = relativeError(model, CONTENT_LAYER, starry, photo);
            double before = -TextureSynthesisTest.value(model, style, photo);
            double after = -TextureSynthesisTest.value(model, style, painted.image(0));
            System.out.printf("%s style transfer: relative content error %.4f (the style image: %.4f); style loss"
                    + " %.4g → %.4g (%.1f×) (%d ms)%n", engine, content, styleOfStarry, before, after,
                    before / after, ms);
            assertTrue(content <= 0.25, engine + ": relative content error " + content);
            assertTrue(styleOfStarry > 2 * content, engine + ": the style image's content error " + styleOfStarry);
            assertTrue(before >= 10 * after, engine + ": style loss " + before + " → " + after);
            assertEquals("Style Transfer", painted.provenance().method());
            assertEquals("content image", painted.provenance().parameters().get("start"));
            assertEquals(CONTENT_LAYER, painted.provenance().parameters().get("contentLayer"));
            assertEquals("100.0", painted.provenance().parameters().get("styleWeight"));
        }
    }

    /**
     * The same settings give the same image, bit for bit, run after run: the targets are heap values in the
     * objective, made into arrays afresh at each step, so no native array is held across steps (holding one made
     * PyTorch nondeterministic in FeatureVisualization before).
     */
    @ParameterizedTest
    @MethodSource("io.github.explain4j.djl.fixtures.TestNets#engines")
    void theSameSettingsGiveTheSameImageRunAfterRun(String engine) throws Exception {
        try (Model m = TfjsModels.mobileNetV2(TextureSynthesisTest.ROOT.resolve("models"), engine)) {
            ExplainableModel model = TextureSynthesisTest.backbone(m);
            StyleTransfer transfer = transfer().steps(8).totalVariationWeight(1e-3);
            FeatureImage first = transfer.transfer(model);
            FeatureImage second = transfer.transfer(model);
            assertArrayEquals(first.image(0), second.image(0), engine);
            assertArrayEquals(first.objectiveHistory(), second.objectiveHistory(), 0.0, engine);
            double[] h = first.objectiveHistory();
            assertTrue(h[h.length - 1] > h[0], engine + ": the objective rose: " + h[0] + " → " + h[h.length - 1]);
        }
    }
}
