package io.github.explain4j.djl.zoo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import io.github.explain4j.api.Attribution;
import io.github.explain4j.api.Target;
import io.github.explain4j.data.SyntheticShapes;
import io.github.explain4j.djl.ExplainableModel;
import io.github.explain4j.djl.attribution.IntegratedGradients;
import io.github.explain4j.djl.cam.GradCam;
import io.github.explain4j.djl.fixtures.TestNets;
import io.github.explain4j.metrics.Localization;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * On held-out synthetic images whose object masks are known: the bundled model is accurate, Grad-CAM points at
 * the object, randomising the weights destroys that (Adebayo et al.'s sanity check), and Integrated Gradients
 * is complete.
 */
class ShapesNetLocalizationTest {

    private static final int IMAGES = 240;
    private static final int DILATION = 3;
    private static final SyntheticShapes SHAPES = SyntheticShapes.create(64);

    private record Score(double accuracy, double pointing, double chance) {}

    private static Score gradCamPointing(ExplainableModel model) {
        int hits = 0;
        int correct = 0;
        double chance = 0;
        for (int from = 0; from < IMAGES; from += 60) {
            List<SyntheticShapes.Sample> samples = SHAPES.samples(SyntheticShapes.TEST_SEED, from, 60);
            List<BufferedImage> images = new ArrayList<>();
            samples.forEach(s -> images.add(s.image()));
            List<Attribution> maps = GradCam.create().explain(model, images, Target.topPrediction());
            for (int i = 0; i < samples.size(); i++) {
                SyntheticShapes.Sample s = samples.get(i);
                Attribution a = maps.get(i);
                boolean[] mask = s.dilatedMask(DILATION);
                hits += Localization.pointingHit(a.heatmap(), 64, 64, mask) ? 1 : 0;
                correct += a.provenance().targetClass() == s.label() ? 1 : 0;
                int inside = 0;
                for (boolean b : mask) {
                    inside += b ? 1 : 0;
                }
                chance += inside / 4096.0;
            }
        }
        return new Score(correct / (double) IMAGES, hits / (double) IMAGES, chance / IMAGES);
    }

    @ParameterizedTest
    @MethodSource("io.github.explain4j.djl.fixtures.TestNets#engines")
    void gradCamPointsAtTheObjectAndStopsWhenTheWeightsAreRandomised(String engine) {
        try (Model model = ShapesNet.load(engine); Model randomised = ShapesNet.load(engine)) {
            Score trained = gradCamPointing(ShapesNet.explainable(model));
            // every layer re-drawn (cascading randomisation to the input), before the first forward pass
            TestNets.randomize(randomised.getBlock(), 99);
            Score random = gradCamPointing(ShapesNet.explainable(randomised));
            System.out.printf(Locale.ROOT, "%s: accuracy %.3f, Grad-CAM pointing %.3f (chance %.3f); randomised"
                    + " weights: accuracy %.3f, pointing %.3f%n", engine, trained.accuracy(), trained.pointing(),
                    trained.chance(), random.accuracy(), random.pointing());
            assertTrue(trained.accuracy() >= 0.95, "accuracy " + trained.accuracy());
            assertTrue(trained.pointing() >= 0.90, "pointing game " + trained.pointing());
            assertTrue(random.pointing() <= trained.chance() + 0.15,
                    "randomised weights should point near chance " + trained.chance() + ", got " + random.pointing());
        }
    }

    /**
     * Completeness of Integrated Gradients on a real (piecewise-linear, very confident) network: the attributions'
     * sum, recomputed here, approaches f(x) − f(x') as the steps grow. Measured on 8 held-out images: at 64 steps
     * the mean relative error is about 2 % (median about 1 %, a few images up to 10 %: the path crosses many ReLU
     * and max-pool boundaries); at 256 steps it is about 0.5 %. On a linear model it is exact at any step count
     * ({@code LinearModelLawsTest}).
     */
    @ParameterizedTest
    @MethodSource("io.github.explain4j.djl.fixtures.TestNets#engines")
    void integratedGradientsConvergesToCompleteness(String engine) {
        try (Model model = ShapesNet.load(engine)) {
            ExplainableModel m = ShapesNet.explainable(model);
            List<BufferedImage> images = new ArrayList<>();
            SHAPES.samples(SyntheticShapes.TEST_SEED, 300, 8).forEach(s -> images.add(s.image()));
            double[] mean = new double[2];
            int[] steps = {64, 256};
            for (int k = 0; k < 2; k++) {
                List<Attribution> maps = IntegratedGradients.create().steps(steps[k]).batchSize(64)
                        .explain(m, images, Target.topPrediction());
                for (Attribution a : maps) {
                    double diff = a.diagnostic("score").orElseThrow() - a.diagnostic("baselineScore").orElseThrow();
                    // recomputed from the map, independently of the method's own delta
                    double relative = Math.abs(a.sum() - diff) / Math.abs(diff);
                    assertEquals(relative, a.diagnostic("relativeDelta").orElseThrow(), 1e-4);
                    assertTrue(relative < 0.15, steps[k] + " steps: " + relative);
                    mean[k] += relative / maps.size();
                }
            }
            System.out.printf(Locale.ROOT, "%s: IG mean relative completeness error %.4f at 64 steps, %.4f at 256%n",
                    engine, mean[0], mean[1]);
            assertTrue(mean[0] < 0.035, "64 steps: mean " + mean[0]);
            assertTrue(mean[1] < 0.01, "256 steps: mean " + mean[1]);
            assertTrue(mean[1] < mean[0] / 2, "the error shrinks with the steps");
        }
    }

    @Test
    void bothEnginesGiveTheSameMaps() {
        List<BufferedImage> images = new ArrayList<>();
        SHAPES.samples(SyntheticShapes.TEST_SEED, 400, 4).forEach(s -> images.add(s.image()));
        try (Model pt = ShapesNet.load("PyTorch"); Model mx = ShapesNet.load("MXNet")) {
            List<Attribution> a = GradCam.create().explain(ShapesNet.explainable(pt), images, Target.classIndex(1));
            List<Attribution> b = GradCam.create().explain(ShapesNet.explainable(mx), images, Target.classIndex(1));
            for (int n = 0; n < images.size(); n++) {
                float[] x = a.get(n).values();
                float[] y = b.get(n).values();
                float max = 0;
                for (float v : x) {
                    max = Math.max(max, Math.abs(v));
                }
                for (int j = 0; j < x.length; j++) {
                    assertEquals(x[j], y[j], 1e-3 * Math.max(1, max), "pixel " + j + " of image " + n);
                }
            }
        }
    }
}
