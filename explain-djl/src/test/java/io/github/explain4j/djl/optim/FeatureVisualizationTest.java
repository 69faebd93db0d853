package io.github.explain4j.djl.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import io.github.explain4j.data.SyntheticShapes;
import io.github.explain4j.djl.ExplainableModel;
import io.github.explain4j.djl.zoo.ShapesNet;
import io.github.explain4j.optim.FeatureImage;
import io.github.explain4j.optim.Objective;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Feature visualisation on the bundled ShapesNet, on both engines. */
class FeatureVisualizationTest {

    /** The softmax probabilities of the model for one image in pixel space (normalised as the spec says). */
    static float[] probabilities(ExplainableModel model, float[] pixels) {
        return model.call(scope -> {
            int c = model.spec().channels();
            int h = model.spec().height();
            int w = model.spec().width();
            float[] x = new float[pixels.length];
            for (int ch = 0; ch < c; ch++) {
                for (int j = 0; j < h * w; j++) {
                    x[ch * h * w + j] = model.spec().normalize(ch, pixels[ch * h * w + j]);
                }
            }
            NDArray out = model.seam().forward(scope, scope.create(x, new Shape(1, c, h, w)));
            return out.softmax(1).toFloatArray();
        });
    }

    @ParameterizedTest
    @MethodSource("io.github.explain4j.djl.fixtures.TestNets#engines")
    void classImagesReachTheirClass(String engine) {
        try (Model m = ShapesNet.load(engine)) {
            ExplainableModel model = ShapesNet.explainable(m);
            for (int k = 0; k < 3; k++) {
                long start = System.nanoTime();
                // Lucid's defaults (FFT, decorrelation, standard transforms, Adam 0.05); the circle's logit stays
                // on a plateau for about 130 steps before it climbs, so half of Lucid's 512 steps
                FeatureImage img = FeatureVisualization.of(Objective.classLogit(k)).steps(256).seed(k)
                        .optimize(model);
                float[] p = probabilities(model, img.image(0));
                System.out.printf("%s class %d: p=%s, logit %.2f → %.2f (%d ms)%n", engine, k,
                        java.util.Arrays.toString(p), img.objectiveHistory()[0],
                        img.objectiveHistory()[img.objectiveHistory().length - 1], (System.nanoTime() - start) / 1000000);
                assertTrue(p[k] >= 0.99f, engine + ": class " + k + " reached p = " + p[k]);
                assertEquals(k, img.provenance().targetClass());
                assertEquals("logit(class " + k + ")", img.provenance().target());
                assertEquals("fft(1/f^1), decorrelated, sigmoid", img.provenance().parameters().get("parameterization"));
            }
        }
    }

    @ParameterizedTest
    @MethodSource("io.github.explain4j.djl.fixtures.TestNets#engines")
    void aChannelImageExcitesTheChannelMoreThanAnyOfAThousandRealImages(String engine) {
        String layer = "stage3";
        try (Model m = ShapesNet.load(engine)) {
            ExplainableModel model = ShapesNet.explainable(m);
            // the channel a grey image excites least (but not zero): activation maximisation must build it up
            float[] grey = new float[3 * 64 * 64];
            java.util.Arrays.fill(grey, 0.5f);
            float[] onGrey = model.call(scope -> {
                NDArray a = model.seam().activation(scope, model.pixelsToInput(scope, grey), layer);
                return a.reshape(1, a.getShape().get(1), -1).mean(new int[] {2}).toFloatArray();
            });
            int pick = -1;
            for (int c = 0; c < onGrey.length; c++) {
                if (onGrey[c] >= 0.01f && (pick < 0 || onGrey[c] < onGrey[pick])) {
                    pick = c;
                }
            }
            int channel = pick;
            SyntheticShapes shapes = SyntheticShapes.create(64);
            double best = model.call(scope -> {
                double max = Double.NEGATIVE_INFINITY;
                for (int start = 0; start < 1000; start += 100) {
                    List<BufferedImage> batch = new ArrayList<>();
                    for (int i = start; i < start + 100; i++) {
                        batch.add(shapes.sample(SyntheticShapes.TEST_SEED, i).image());
                    }
                    NDArray a = model.seam().activation(scope, model.toInput(scope, batch), layer);
                    float[] means = a.get(":, " + channel).reshape(100, -1).mean(new int[] {1}).toFloatArray();
                    for (float v : means) {
                        max = Math.max(max, v);
                    }
                }
                return max;
            });
            FeatureImage img = FeatureVisualization.of(Objective.channel(layer, channel)).steps(128).seed(3)
                    .optimize(model);
            double[] h = img.objectiveHistory();
            double reached = model.call(scope -> {
                NDArray x = model.pixelsToInput(scope, img.image(0));
                return (double) model.seam().activation(scope, x, layer).get(":, " + channel).mean().getFloat();
            });
            System.out.printf("%s %s channel %d: best of 1,000 real images %.3f; random start %.3f; optimised %.3f%n",
                    engine, layer, channel, best, h[0], reached);
            assertTrue(reached > best, engine + ": optimised " + reached + " vs the best real image " + best);
            assertTrue(reached >= 10 * Math.max(h[0], 1e-3), engine + ": optimised " + reached + " vs start " + h[0]);
        }
    }
}
