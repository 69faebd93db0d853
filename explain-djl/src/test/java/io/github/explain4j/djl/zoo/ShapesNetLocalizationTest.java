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
     * Integrated Gradients on a real (piecewise-linear, very confident) network, from a black baseline, against a
     * converged reference (384 trapezoid steps) on held-out images. Along the path the gradient of a ReLU and
     * max-pool network is piecewise constant with many jumps, so every 64-point rule leaves an error of order 1/64
     * (measured on 40 other images: per-pixel L1 error 2.0 % for Gauss–Legendre, 1.8 % for the trapezoid, 1.4 % for
     * the adaptive rule; completeness error mean 2.1 %, 1.7 %, 1.2 %, worst image 14 %, 9 %, 6 %). Asserted here:
     * the reference is complete, the adaptive rule is closer to it than Gauss–Legendre at the same 64 steps on
     * both measures, and with a 1 % tolerance every image's attributions complete to within 1 %.
     */
    @ParameterizedTest
    @MethodSource("io.github.explain4j.djl.fixtures.TestNets#engines")
    void integratedGradientsConvergesToCompleteness(String engine) {
        try (Model model = ShapesNet.load(engine)) {
            ExplainableModel m = ShapesNet.explainable(model);
            List<BufferedImage> images = new ArrayList<>();
            SHAPES.samples(SyntheticShapes.TEST_SEED, 300, 6).forEach(s -> images.add(s.image()));
            Target top = Target.topPrediction();
            List<Attribution> reference = IntegratedGradients.create().rule(IntegratedGradients.Rule.TRAPEZOID)
                    .steps(384).batchSize(64).explain(m, images, top);
            List<Attribution> legendre = IntegratedGradients.create().steps(64).batchSize(32)
                    .explain(m, images, top);
            IntegratedGradients adaptive = IntegratedGradients.create().rule(IntegratedGradients.Rule.ADAPTIVE)
                    .batchSize(32);
            List<Attribution> adaptive64 = adaptive.steps(64).explain(m, images, top);
            List<Attribution> tolerant = adaptive.steps(256).tolerance(0.01).explain(m, images, top);
            double[] completeness = new double[4];
            double[] distance = new double[2];
            double steps = 0;
            for (int i = 0; i < images.size(); i++) {
                List<Attribution> all = List.of(reference.get(i), legendre.get(i), adaptive64.get(i), tolerant.get(i));
                for (int k = 0; k < all.size(); k++) {
                    double relative = relativeCompleteness(all.get(k));
                    completeness[k] += relative / images.size();
                }
                distance[0] += TestNets.relativeL1(legendre.get(i).values(), reference.get(i).values()) / images.size();
                distance[1] += TestNets.relativeL1(adaptive64.get(i).values(), reference.get(i).values()) / images.size();
                double relative = relativeCompleteness(tolerant.get(i));
                assertTrue(relative <= 0.01 + 1e-4, "image " + i + " with a 1 % tolerance: " + relative);
                steps += tolerant.get(i).diagnostic("steps").orElseThrow() / images.size();
            }
            System.out.printf(Locale.ROOT, "%s: IG completeness error (mean) 384-step reference %.4f; 64 steps:"
                    + " Gauss-Legendre %.4f, adaptive %.4f; tolerance 1 %%: %.4f in %.0f steps on average."
                    + " L1 distance to the reference: Gauss-Legendre %.4f, adaptive %.4f%n", engine,
                    completeness[0], completeness[1], completeness[2], completeness[3], steps, distance[0],
                    distance[1]);
            assertTrue(completeness[0] < 0.006, "384 steps: mean " + completeness[0]);
            assertTrue(completeness[2] < completeness[1], "adaptive " + completeness[2] + " vs " + completeness[1]);
            assertTrue(distance[1] < 0.9 * distance[0], "adaptive " + distance[1] + " vs " + distance[0]);
            assertTrue(distance[0] < 0.05, "64 Gauss-Legendre steps should be near the reference: " + distance[0]);
            assertTrue(steps < 256, "the tolerance should stop early, took " + steps);
        }
    }

    /** {@code |Σ map − (f(x) − f(x'))| / |f(x) − f(x')|}, recomputed from the map and checked against the method's. */
    private static double relativeCompleteness(Attribution a) {
        double diff = a.diagnostic("score").orElseThrow() - a.diagnostic("baselineScore").orElseThrow();
        double relative = Math.abs(a.sum() - diff) / Math.abs(diff);
        assertEquals(relative, a.diagnostic("relativeDelta").orElseThrow(), 1e-4);
        return relative;
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
