package io.github.explain4j.djl.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import io.github.explain4j.api.Images;
import io.github.explain4j.djl.ExplainableModel;
import io.github.explain4j.djl.zoo.ShapesNet;
import io.github.explain4j.optim.FeatureImage;
import io.github.explain4j.optim.Objective;
import io.github.explain4j.optim.Parameterization;
import io.github.explain4j.optim.Transforms;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** FeatureVisualization's start image (what style transfer starts from), on ShapesNet and both engines. */
class FeatureVisualizationStartTest {

    /**
     * The first step sees the start image: its objective value is the value of the photo computed by a trace of its
     * own (up to the sigmoid's inverse, which clamps pixels into [1e-4, 1 − 1e-4]); every image of a batch starts
     * from it, so without random transforms they stay equal.
     */
    @ParameterizedTest
    @MethodSource("io.github.explain4j.djl.fixtures.TestNets#engines")
    void theFirstStepSeesTheStartImageAndEveryImageOfTheBatchStartsFromIt(String engine) {
        try (Model m = ShapesNet.load(engine)) {
            ExplainableModel model = ShapesNet.explainable(m);
            float[] photo = Images.toChw(Images.read(TextureSynthesisTest.ROOT.resolve("assets/images/chelsea.png")),
                    3, 64, 64);
            Objective o = Objective.channel("stage2", 9);
            double expected = TextureSynthesisTest.value(model, o, photo);
            for (Parameterization p : new Parameterization[] {Parameterization.pixels(),
                Parameterization.pixels().decorrelated().batch(2),
                Parameterization.pixels().range(Parameterization.Range.CLIP)}) {
                FeatureImage img = FeatureVisualization.of(o).parameterization(p).transforms(Transforms.none())
                        .start(photo).steps(3).optimize(model);
                assertEquals(expected, img.objectiveHistory()[0], 1e-4 * Math.abs(expected), engine + " " + p);
                assertTrue(img.objectiveHistory()[2] > img.objectiveHistory()[0], engine + " " + p);
                assertEquals("image", img.provenance().parameters().get("start"));
                if (p.batch() == 2) {
                    assertArrayEquals(img.image(0), img.image(1), engine);
                }
            }
            FeatureImage random = FeatureVisualization.of(o).parameterization(Parameterization.pixels())
                    .transforms(Transforms.none()).start(photo).start(new float[0]).steps(1).optimize(model);
            assertTrue(Math.abs(random.objectiveHistory()[0] - expected) > 1e-3 * Math.abs(expected),
                    "an empty start is the random start again");
            assertEquals(null, random.provenance().parameters().get("start"));
        }
    }
}
