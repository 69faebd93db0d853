package io.github.explain4j.djl.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import io.github.explain4j.api.Attribution;
import io.github.explain4j.api.ProgressListener;
import io.github.explain4j.api.Target;
import io.github.explain4j.data.ImageSource;
import io.github.explain4j.data.Npy;
import io.github.explain4j.data.SyntheticShapes;
import io.github.explain4j.djl.ExplainableModel;
import io.github.explain4j.djl.cam.GradCam;
import io.github.explain4j.djl.zoo.ShapesNet;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * Attributing a dataset to files, both engines: each written map equals the method's map of that image explained
 * alone; a run interrupted after 12 of 20 images resumes at image 12, reads only the 8 left, and a half-written
 * manifest line is cut and redone; a directory of another run is refused.
 */
class DatasetAttributionTest {

    private static final SyntheticShapes SHAPES = SyntheticShapes.create(64);
    private static final int IMAGES = 20;

    private static ImageSource counting(AtomicLong read) {
        return new CountingSource(ImageSource.shapes(SHAPES, SyntheticShapes.TEST_SEED, IMAGES), read);
    }

    @ParameterizedTest
    @MethodSource("io.github.explain4j.djl.fixtures.TestNets#engines")
    void mapsEqualTheMethodsAndAnInterruptedRunResumes(String engine, @TempDir Path dir) throws Exception {
        try (Model m = ShapesNet.load(engine)) {
            ExplainableModel model = ShapesNet.explainable(m);
            GradCam method = GradCam.at("stage3");
            AtomicLong read = new AtomicLong();
            ProgressListener stopAt12 = (task, done, total) -> {
                if (done == 12) {
                    Thread.currentThread().interrupt();
                }
            };
            DatasetAttribution job = DatasetAttribution.of(method, Target.topPrediction()).batchSize(6)
                    .heatmaps(true);
            CancellationException e = assertThrows(CancellationException.class,
                    () -> job.progress(stopAt12).write(model, counting(read), dir));
            assertTrue(Thread.interrupted());
            assertTrue(e.getMessage().contains("after 12 images"), e.getMessage());
            // a kill while writing image 12's line leaves half a line
            Files.writeString(dir.resolve(DatasetAttribution.MANIFEST), "12\tshap", java.nio.file.StandardOpenOption.APPEND);

            read.set(0);
            DatasetAttribution.Summary s = job.progress(ProgressListener.NONE).write(model, counting(read), dir);
            assertEquals(12, s.resumedFrom());
            assertEquals(8, s.written());
            assertEquals(8, read.get(), "images read on resume");

            List<String> lines = Files.readAllLines(dir.resolve(DatasetAttribution.MANIFEST));
            assertEquals(2 + IMAGES, lines.size());
            for (int i = 0; i < IMAGES; i++) {
                String[] f = lines.get(2 + i).split("\t");
                assertEquals(String.valueOf(i), f[0]);
                SyntheticShapes.Sample sample = SHAPES.sample(SyntheticShapes.TEST_SEED, i);
                assertEquals(String.valueOf(sample.label()), f[2]);
                Npy.Array written = Npy.read(dir.resolve(f[3]));
                Attribution alone = method.explain(model, sample.image(), Target.topPrediction());
                assertArrayEquals(new int[] {alone.channels(), alone.height(), alone.width()}, written.shape());
                float[] expected = alone.values();
                double max = 0;
                for (float v : expected) {
                    max = Math.max(max, Math.abs(v));
                }
                assertArrayEquals(expected, written.values(), (float) (1e-4 * max), engine + " image " + i);
                assertTrue(Files.size(dir.resolve("heatmaps/" + i + ".png")) > 0);
            }

            IllegalStateException other = assertThrows(IllegalStateException.class,
                    () -> DatasetAttribution.of(GradCam.at("stage2"), Target.topPrediction())
                            .progress(ProgressListener.NONE).write(model, counting(read), dir));
            assertTrue(other.getMessage().contains("another run"), other.getMessage());
        }
    }
}
