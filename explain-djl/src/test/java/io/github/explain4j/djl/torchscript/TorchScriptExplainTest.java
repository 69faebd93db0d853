package io.github.explain4j.djl.torchscript;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.github.explain4j.api.Attribution;
import io.github.explain4j.api.LayerInfo;
import io.github.explain4j.api.Target;
import io.github.explain4j.djl.ExplainableModel;
import io.github.explain4j.djl.attribution.IntegratedGradients;
import io.github.explain4j.djl.attribution.Saliency;
import io.github.explain4j.djl.cam.GradCam;
import io.github.explain4j.djl.core.AttributionMethod;
import io.github.explain4j.djl.fixtures.TestNets;
import io.github.explain4j.djl.seam.GradientResult;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * explain4j on a TorchScript module gives the same answers as PyTorch itself and as the same weights run as a DJL
 * block: the fixtures of {@code tools/make-torchscript.py} ({@link TinyCnn}). PyTorch only — TorchScript is a
 * PyTorch format, and the DJL-block reference runs on PyTorch too.
 *
 * <p>Closeness is measured relative to the scale of the expected values: {@code max|a − e| ≤ tol · max|e|}.
 */
class TorchScriptExplainTest {

    /** Tolerance, relative to the largest expected magnitude. */
    private static final double TOLERANCE = 1e-5;

    private static final int CLASS = TinyCnn.targetClass();

    /** The largest difference relative to the largest expected magnitude; fails above {@code tolerance}. */
    static double assertClose(float[] expected, float[] actual, double tolerance, String what) {
        assertEquals(expected.length, actual.length, what + ": length");
        double scale = 0;
        double worst = 0;
        for (int i = 0; i < expected.length; i++) {
            scale = Math.max(scale, Math.abs(expected[i]));
            worst = Math.max(worst, Math.abs((double) expected[i] - actual[i]));
        }
        assertTrue(scale > 0, what + ": expected values are all zero");
        double relative = worst / scale;
        System.out.printf(Locale.ROOT, "%s: max |diff| %.3g, scale %.3g, relative %.3g%n", what, worst, scale,
                relative);
        assertTrue(relative <= tolerance, what + ": max |diff| " + worst + " is " + relative
                + " of the scale " + scale + " (tolerance " + tolerance + ")");
        return relative;
    }

    private static float[] concat(List<Attribution> maps) {
        int per = maps.get(0).values().length;
        float[] all = new float[per * maps.size()];
        for (int i = 0; i < maps.size(); i++) {
            System.arraycopy(maps.get(i).values(), 0, all, i * per, per);
        }
        return all;
    }

    private static List<Attribution> explain(AttributionMethod method, ExplainableModel model, NDManager manager) {
        try (NDManager scope = manager.newSubManager()) {
            return method.explainTensor(model, TinyCnn.input(scope), Target.classIndex(CLASS));
        }
    }

    @Test
    void forwardEqualsPyTorchsLogitsAndTheDjlBlock() throws Exception {
        try (Model ts = TinyCnn.load(TinyCnn.EXPORTED); NDManager m = TestNets.manager("PyTorch")) {
            ExplainableModel model = ExplainableModel.of(ts, TinyCnn.SPEC);
            ExplainableModel djl = ExplainableModel.of(TinyCnn.djlBlock(m), m, TinyCnn.SPEC);
            assertEquals("PyTorch", model.engine());
            assertTrue(model.seam() instanceof TorchScriptSeam, model.seam().toString());
            try (NDManager scope = ts.getNDManager().newSubManager(); NDManager s2 = m.newSubManager()) {
                float[] logits = model.seam().forward(scope, TinyCnn.input(scope)).toFloatArray();
                assertClose(TinyCnn.values("logits"), logits, TOLERANCE, "TorchScript logits vs PyTorch");
                float[] djlLogits = djl.seam().forward(s2, TinyCnn.input(s2)).toFloatArray();
                assertClose(TinyCnn.values("logits"), djlLogits, TOLERANCE, "DJL block logits vs PyTorch");
            }
            assertEquals(5, model.numClasses());
        }
    }

    @Test
    void saliencyEqualsPyTorchsInputGradientAndTheDjlBlocks() throws Exception {
        try (Model ts = TinyCnn.load(TinyCnn.EXPORTED); NDManager m = TestNets.manager("PyTorch")) {
            ExplainableModel model = ExplainableModel.of(ts, TinyCnn.SPEC);
            ExplainableModel djl = ExplainableModel.of(TinyCnn.djlBlock(m), m, TinyCnn.SPEC);
            float[] saliency = concat(explain(Saliency.create(), model, ts.getNDManager()));
            assertClose(TinyCnn.values("inputGradient"), saliency, TOLERANCE, "Saliency (TorchScript) vs PyTorch");
            float[] djlSaliency = concat(explain(Saliency.create(), djl, m));
            assertClose(djlSaliency, saliency, TOLERANCE, "Saliency: TorchScript vs DJL block");
        }
    }

    @Test
    void integratedGradientsEqualTheDjlBlocks() throws Exception {
        try (Model ts = TinyCnn.load(TinyCnn.EXPORTED); NDManager m = TestNets.manager("PyTorch")) {
            ExplainableModel model = ExplainableModel.of(ts, TinyCnn.SPEC);
            ExplainableModel djl = ExplainableModel.of(TinyCnn.djlBlock(m), m, TinyCnn.SPEC);
            IntegratedGradients ig = IntegratedGradients.create().steps(16);
            List<Attribution> a = explain(ig, model, ts.getNDManager());
            List<Attribution> b = explain(ig, djl, m);
            assertClose(concat(b), concat(a), TOLERANCE, "Integrated Gradients (16 steps): TorchScript vs DJL block");
            for (int n = 0; n < a.size(); n++) {
                double delta = a.get(n).diagnostic("delta").orElseThrow();
                double djlDelta = b.get(n).diagnostic("delta").orElseThrow();
                double score = a.get(n).diagnostic("score").orElseThrow();
                System.out.printf(Locale.ROOT, "IG input %d: score %.6f (DJL %.6f), completeness delta %.3g"
                        + " (DJL %.3g), relative delta %.3g%n", n, score,
                        b.get(n).diagnostic("score").orElseThrow(), delta, djlDelta,
                        a.get(n).diagnostic("relativeDelta").orElseThrow());
                assertEquals(b.get(n).diagnostic("score").orElseThrow(), score, 1e-5 * Math.max(1, Math.abs(score)));
                assertEquals(djlDelta, delta, 1e-4 * Math.max(1, Math.abs(score)), "same quadrature error");
                assertEquals(TinyCnn.values("logits")[n * 5 + CLASS], score, 1e-5 * Math.max(1, Math.abs(score)));
            }
        }
    }

    @Test
    void gradCamAtFeaturesEqualsTheDjlBlocksAndPyTorchsCam() throws Exception {
        try (Model ts = TinyCnn.load(TinyCnn.EXPORTED); NDManager m = TestNets.manager("PyTorch")) {
            ExplainableModel model = ExplainableModel.of(ts, TinyCnn.SPEC);
            ExplainableModel djl = ExplainableModel.of(TinyCnn.djlBlock(m), m, TinyCnn.SPEC);
            float[] cam = concat(explain(GradCam.at("features"), model, ts.getNDManager()));
            float[] djlCam = concat(explain(GradCam.at(TinyCnn.DJL_FEATURES), djl, m));
            assertClose(djlCam, cam, TOLERANCE, "Grad-CAM: TorchScript 'features' vs DJL block '06LambdaBlock'");
            // the default layer is the features, the only spatial layer
            assertClose(cam, concat(explain(GradCam.create(), model, ts.getNDManager())), 0,
                    "Grad-CAM default layer vs 'features'");
            assertClose(cam, concat(explain(GradCam.at("forward_features"), model, ts.getNDManager())), 0,
                    "Grad-CAM at 'forward_features' vs 'features'");

            // the 8×8 map before upsampling, against PyTorch's own Grad-CAM of the fixture script
            try (NDManager scope = ts.getNDManager().newSubManager()) {
                GradientResult g = model.seam().gradients(scope, TinyCnn.input(scope), "features",
                        out -> out.get(":, " + CLASS));
                assertEquals(TinyCnn.featuresShape(), g.activation().getShape());
                assertEquals(TinyCnn.featuresShape(), g.activationGradient().getShape());
                NDArray alpha = g.activationGradient().mean(new int[] {3}).mean(new int[] {2});
                NDArray map = g.activation().mul(alpha.expandDims(2).expandDims(3)).sum(new int[] {1})
                        .maximum(0f);
                assertClose(TinyCnn.values("camAlpha"), alpha.toFloatArray(), TOLERANCE,
                        "Grad-CAM channel weights vs PyTorch");
                assertClose(TinyCnn.values("cam"), map.toFloatArray(), TOLERANCE, "Grad-CAM 8x8 map vs PyTorch");
                assertClose(TinyCnn.values("logits"), g.output().toFloatArray(), TOLERANCE,
                        "logits of forward_head(forward_features(x)) vs PyTorch");
            }
        }
    }

    @Test
    void layersAreTheExportedFeaturesOnly() throws Exception {
        try (Model ts = TinyCnn.load(TinyCnn.EXPORTED); Model plain = TinyCnn.load(TinyCnn.PLAIN)) {
            ExplainableModel model = ExplainableModel.of(ts, TinyCnn.SPEC);
            List<LayerInfo> layers = model.layers();
            assertEquals(1, layers.size(), layers.toString());
            assertEquals("features", layers.get(0).path());
            assertEquals(List.of(1L, 12L, 8L, 8L), java.util.Arrays.stream(layers.get(0).outputShape()).boxed()
                    .toList());
            assertEquals("features", model.lastSpatialLayer().path());
            assertEquals("features", model.seam().resolveLayer("forward_features"));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> model.seam().resolveLayer("conv2"));
            assertTrue(e.getMessage().contains("'features'") && e.getMessage().contains("conv2"), e.getMessage());
            assertEquals(List.of(), ExplainableModel.of(plain, TinyCnn.SPEC).layers());
        }
    }

    @Test
    void layerMethodsOnAModuleWithoutTheExportsFailWithTheConvention() throws Exception {
        try (Model plain = TinyCnn.load(TinyCnn.PLAIN)) {
            ExplainableModel model = ExplainableModel.of(plain, TinyCnn.SPEC);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> explain(GradCam.at("features"), model, plain.getNDManager()));
            String message = e.getMessage();
            assertTrue(message.contains("forward_features(x) and forward_head(features)")
                    && message.contains("@torch.jit.export") && message.contains("README")
                    && message.contains("[forward]"), message);
            // without a layer name, Grad-CAM finds no spatial layer to use
            IllegalArgumentException noLayer = assertThrows(IllegalArgumentException.class,
                    () -> explain(GradCam.create(), model, plain.getNDManager()));
            assertTrue(noLayer.getMessage().contains("no layer with a spatial output"), noLayer.getMessage());
            // input-gradient methods need no export
            assertClose(TinyCnn.values("inputGradient"), concat(explain(Saliency.create(), model,
                    plain.getNDManager())), TOLERANCE, "Saliency (TorchScript without exports) vs PyTorch");
        }
    }

    @Test
    void anIntermediateOutputIsRefusedClearly() throws Exception {
        try (Model ts = TinyCnn.load(TinyCnn.EXPORTED)) {
            ExplainableModel model = ExplainableModel.of(ts, TinyCnn.SPEC);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> model.withOutputLayer("features"));
            assertTrue(e.getMessage().contains("TorchScript") && e.getMessage().contains("forward"), e.getMessage());
        }
    }

    @Test
    void aModuleLoadedWithoutTrainParamSaysHowToLoadIt() throws Exception {
        try (Model ts = Model.newInstance("tiny_cnn", "PyTorch")) {
            ts.load(TinyCnn.file(TinyCnn.EXPORTED));
            ExplainableModel model = ExplainableModel.of(ts, TinyCnn.SPEC);
            int before = ts.getNDManager().getManagedArrays().size()
                    + model.seam().manager().getManagedArrays().size();
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> explain(Saliency.create(), model, ts.getNDManager()));
            assertTrue(e.getMessage().contains("trainParam") && e.getMessage().contains("TorchScriptModels.load"),
                    e.getMessage());
            assertThrows(IllegalStateException.class,
                    () -> explain(GradCam.at("features"), model, ts.getNDManager()));
            assertEquals(before, ts.getNDManager().getManagedArrays().size()
                    + model.seam().manager().getManagedArrays().size(), "arrays after failed explanations");
            // and the next gradient computation is not blocked by a collector left open
            try (Model good = TinyCnn.load(TinyCnn.EXPORTED)) {
                assertClose(TinyCnn.values("inputGradient"), concat(explain(Saliency.create(),
                        ExplainableModel.of(good, TinyCnn.SPEC), good.getNDManager())), TOLERANCE,
                        "Saliency after a failed one");
            }
        }
    }
}
