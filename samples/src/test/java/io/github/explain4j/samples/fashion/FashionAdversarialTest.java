package io.github.explain4j.samples.fashion;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import io.github.explain4j.api.Images;
import io.github.explain4j.djl.ExplainableModel;
import io.github.explain4j.render.Heatmaps;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The adversarial picture of the gallery on two test images, both engines: the file is written at the size the
 * grid's layout gives, and every class the picture states is recomputed here by a forward pass of the returned
 * heap image: the clean images keep their labels, PGD's images do not, every fooling image is its class.
 */
class FashionAdversarialTest {

    private static final Path MODEL_DIR = Path.of("..").toAbsolutePath().normalize()
            .resolve(FashionNet.COMMITTED_DIR);

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void thePictureShowsCleanImagesRightAndTheirAttacksWrong(String engine, @TempDir Path dir) throws Exception {
        try (Model m = FashionNet.load(MODEL_DIR, engine)) {
            ExplainableModel model = FashionNet.explainable(m);
            Path file = dir.resolve("adversarial.png");
            FashionAdversarial.Shown shown = FashionAdversarial.write(model, 2, file);
            assertTrue(Files.size(file) > 0, "written");
            BufferedImage picture = Images.read(file);
            int cell = FashionMnist.SIDE * FashionAdversarial.ZOOM;
            // five cells a row, both strips as wide: the attacks (2 rows) above the fooling images (2 rows)
            assertEquals(5 * cell + 4 * Heatmaps.GRID_GAP, picture.getWidth());
            assertTrue(picture.getHeight() > 4 * cell + 3 * Heatmaps.GRID_GAP, "height " + picture.getHeight());
            assertEquals(2, shown.clean().size());
            for (int i = 0; i < 2; i++) {
                int label = shown.clean().labels()[i];
                assertEquals(label, predicted(model, shown.clean().image(i)), engine + ": clean image " + i);
                int pgd = predicted(model, shown.pgd().image(i));
                assertNotEquals(label, pgd, engine + ": PGD image " + i + " keeps its label");
                assertEquals(pgd, shown.pgd().predictions()[i], engine + ": the caption's class");
                assertEquals(predicted(model, shown.fgsm().image(i)), shown.fgsm().predictions()[i], engine);
                assertTrue(shown.pgd().perturbation(i) <= FashionAdversarial.EPSILON + 1e-6, engine);
                assertTrue(shown.fgsm().perturbation(i) <= FashionAdversarial.EPSILON + 1e-6, engine);
            }
            for (int k = 0; k < 10; k++) {
                assertEquals(k, predicted(model, shown.fooling().image(k)), engine + ": fooling image " + k);
                assertTrue(shown.fooling().confidences()[k] >= 0.99f, engine + ": class " + k + " at p = "
                        + shown.fooling().confidences()[k]);
            }
        }
    }

    /** The network's class for one pixel image. */
    private static int predicted(ExplainableModel model, float[] pixels) {
        float[] p = model.call(scope -> model.seam().forward(scope, model.pixelsToInput(scope, pixels)).softmax(1)
                .toFloatArray());
        int best = 0;
        for (int k = 1; k < p.length; k++) {
            best = p[k] > p[best] ? k : best;
        }
        return best;
    }
}
