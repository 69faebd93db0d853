package io.github.explain4j.djl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.modality.cv.Image;
import ai.djl.modality.cv.ImageFactory;
import io.github.explain4j.api.Attribution;
import io.github.explain4j.api.Target;
import io.github.explain4j.data.SyntheticShapes;
import io.github.explain4j.djl.attribution.IntegratedGradients;
import io.github.explain4j.djl.attribution.Saliency;
import io.github.explain4j.djl.cam.GradCam;
import io.github.explain4j.djl.zoo.ShapesNet;
import io.github.explain4j.render.Heatmaps;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The one-liners and the image entry points give the same maps as the long form, on both engines. */
class ExplainerTest {

    @TempDir
    Path dir;

    @ParameterizedTest
    @MethodSource("io.github.explain4j.djl.fixtures.TestNets#engines")
    void oneLinersAgreeWithTheLongFormForImagesFilesAndDjlImages(String engine) throws Exception {
        SyntheticShapes.Sample s = SyntheticShapes.create(64).sample(SyntheticShapes.TEST_SEED, 5);
        BufferedImage image = s.image();
        Path file = Heatmaps.write(image, dir.resolve("input.png"));
        Image djlImage = ImageFactory.getInstance().fromFile(file);
        try (Model m = ShapesNet.load(engine)) {
            ExplainableModel model = ShapesNet.explainable(m);
            Attribution oneLine = Explainer.gradCam(model, image);
            Attribution longForm = GradCam.create().explain(model, image, Target.topPrediction());
            assertArrayEquals(longForm.values(), oneLine.values());
            assertArrayEquals(longForm.values(), Explainer.gradCam(model, file).values());
            assertArrayEquals(longForm.values(), GradCam.create().explain(model, djlImage, Target.topPrediction())
                    .values());
            assertEquals(s.label(), oneLine.provenance().targetClass(), "the bundled model classifies it");
            assertEquals(1, oneLine.channels());
            assertEquals(64, oneLine.height());
            Attribution saliency = Explainer.saliency(model, image);
            assertEquals(3, saliency.channels());
            assertTrue(Files.size(file) > 0);
        }
    }

    @ParameterizedTest
    @MethodSource("io.github.explain4j.djl.fixtures.TestNets#engines")
    void longWorkReportsItsProgressAndCustomTargetsAreLinear(String engine) {
        List<BufferedImage> images = new ArrayList<>();
        SyntheticShapes.create(64).samples(SyntheticShapes.TEST_SEED, 10, 2).forEach(x -> images.add(x.image()));
        try (Model m = ShapesNet.load(engine)) {
            List<long[]> reports = new ArrayList<>();
            ExplainableModel model = ShapesNet.explainable(m).withProgress((task, done, total) -> {
                assertEquals("Integrated Gradients", task);
                reports.add(new long[] {done, total});
            });
            IntegratedGradients.create().steps(10).batchSize(4).explain(model, images, Target.classIndex(0));
            assertEquals(6, reports.size(), "3 batches per image, 2 images");
            assertArrayEquals(new long[] {20, 20}, reports.get(reports.size() - 1));

            // the gradient is linear in the target: d(y0 - y2)/dx = dy0/dx - dy2/dx
            Attribution margin = Saliency.create().explain(model, images.get(0),
                    CustomTarget.of(out -> out.get(":, 0").sub(out.get(":, 2")), "circle minus triangle"));
            float[] a = Saliency.create().explain(model, images.get(0), Target.classIndex(0)).values();
            float[] b = Saliency.create().explain(model, images.get(0), Target.classIndex(2)).values();
            float[] c = margin.values();
            for (int j = 0; j < a.length; j++) {
                assertEquals(a[j] - b[j], c[j], 1e-5 * Math.max(1, Math.abs(c[j])));
            }
            assertEquals("circle minus triangle", margin.provenance().target());
            assertEquals(-1, margin.provenance().targetClass());
        }
    }
}
