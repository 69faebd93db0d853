package io.github.explain4j.djl.tfjs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import io.github.explain4j.api.Attribution;
import io.github.explain4j.api.Images;
import io.github.explain4j.api.InputSpec;
import io.github.explain4j.api.Target;
import io.github.explain4j.djl.ExplainableModel;
import io.github.explain4j.djl.cam.GradCam;
import io.github.explain4j.metrics.Localization;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Grad-CAM on a real network and a real photo: the imported emotion classifier, shown a head-and-shoulders crop
 * of the astronaut photo, predicts "happy", and Grad-CAM of "happy" puts most of its mass on the face, whose box
 * (x 150–290, y 20–160 in the photo) is known.
 */
class EmotionGradCamTest {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    /** The crop shown to the model: x, y, width, height in the photo. */
    private static final int[] CROP = {90, 0, 260, 260};

    @ParameterizedTest
    @MethodSource("io.github.explain4j.djl.fixtures.TestNets#engines")
    void gradCamOfHappyConcentratesOnTheAstronautsFace(String engine) throws Exception {
        BufferedImage photo = Images.read(ROOT.resolve("assets/images/astronaut.png"));
        BufferedImage crop = photo.getSubimage(CROP[0], CROP[1], CROP[2], CROP[3]);
        try (Model m = TfjsModels.emotion(ROOT.resolve("models"), engine)) {
            ExplainableModel model = ExplainableModel.of(m, InputSpec.grey(64, 64)
                    .normalized(new float[] {0.5f}, new float[] {0.5f}).withLabels(TfjsModels.labels(m)))
                    .withOutputLayer("global_average_pooling2d_1"); // logits, before the softmax
            Attribution top = GradCam.at("add_2").explain(model, crop, Target.topPrediction());
            assertEquals("happy", model.spec().labels().get(top.provenance().targetClass()));
            Attribution happy = GradCam.at("add_2").explain(model, crop, Target.label("happy"));
            boolean[] face = new boolean[64 * 64];
            int inside = 0;
            for (int y = 0; y < 64; y++) {
                for (int x = 0; x < 64; x++) {
                    double px = CROP[0] + (x + 0.5) * CROP[2] / 64.0;
                    double py = CROP[1] + (y + 0.5) * CROP[3] / 64.0;
                    face[y * 64 + x] = px >= 150 && px <= 290 && py >= 20 && py <= 160;
                    inside += face[y * 64 + x] ? 1 : 0;
                }
            }
            double area = inside / 4096.0;
            double mass = Localization.massInside(happy.heatmap(), 64, 64, face);
            System.out.printf("%s: Grad-CAM(happy) mass on the face %.3f, face box area %.3f%n", engine, mass, area);
            assertTrue(mass > 0.5, "most of the mass on the face: " + mass);
            assertTrue(mass > 1.5 * area, "well above the box's share of the image " + area + ": " + mass);
        }
    }
}
