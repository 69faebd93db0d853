package io.github.explain4j.djl.inside;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import io.github.explain4j.api.ProgressListener;
import io.github.explain4j.data.DatasetItem;
import io.github.explain4j.data.ImageSource;
import io.github.explain4j.data.SyntheticShapes;
import io.github.explain4j.djl.ExplainableModel;
import io.github.explain4j.djl.data.DatasetJob;
import io.github.explain4j.djl.data.DatasetPass;
import io.github.explain4j.djl.data.JobList;
import io.github.explain4j.djl.zoo.ShapesNet;
import io.github.explain4j.inside.LayerActivations;
import io.github.explain4j.inside.LayerFeatures;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A layer's features over a dataset, both engines: each row is the image's activations computed alone (flattened,
 * or each channel's mean when pooled), in index order with the images' labels, also when partitions merge out of
 * order; an image fed twice is refused.
 */
class FeaturesTest {

    private static final SyntheticShapes SHAPES = SyntheticShapes.create(64);
    private static final ImageSource SOURCE = ImageSource.shapes(SHAPES, SyntheticShapes.TEST_SEED, 18);

    @ParameterizedTest
    @MethodSource("io.github.explain4j.djl.fixtures.TestNets#engines")
    void rowsAreEachImagesActivationsInIndexOrder(String engine) throws Exception {
        try (Model m = ShapesNet.load(engine)) {
            ExplainableModel model = ShapesNet.explainable(m);
            List<LayerFeatures> both = DatasetPass.over(SOURCE).batchSize(5).progress(ProgressListener.NONE)
                    .run(model, JobList.of(Features.of("stage3"), Features.of("stage3").pooled()));
            LayerFeatures flat = both.get(0);
            LayerFeatures pooled = both.get(1);
            assertEquals(18, flat.size());
            assertEquals(64 * 16 * 16, flat.dimension());
            assertEquals(64, pooled.dimension());
            List<DatasetItem> items;
            try (Stream<DatasetItem> s = SOURCE.stream()) {
                items = s.toList();
            }
            for (int i = 0; i < 18; i++) {
                assertEquals(i, flat.indices()[i]);
                assertEquals(items.get(i).label(), flat.labels()[i]);
                LayerActivations a = Activations.of(model, "stage3", items.get(i).image());
                float[] alone = a.values();
                float max = 0;
                for (float v : alone) {
                    max = Math.max(max, Math.abs(v));
                }
                assertArrayEquals(alone, flat.rows()[i], 1e-4f * max, engine + " image " + i);
                double[] means = a.channelMeans();
                for (int c = 0; c < 64; c++) {
                    assertEquals(means[c], pooled.rows()[i][c], 1e-4 * max, engine + " image " + i + " channel " + c);
                }
            }
            // partitions merged in reverse order still give rows in index order
            DatasetJob.Accumulator<LayerFeatures> late = Features.of("stage3").pooled().start(model);
            DatasetJob.Accumulator<LayerFeatures> early = Features.of("stage3").pooled().start(model);
            DatasetPass.feed(model, items.subList(9, 18), late);
            DatasetPass.feed(model, items.subList(0, 9), early);
            late.merge(early);
            LayerFeatures merged = late.result();
            assertArrayEquals(pooled.indices(), merged.indices());
            for (int i = 0; i < 18; i++) {
                assertArrayEquals(pooled.rows()[i], merged.rows()[i], 1e-4f);
            }
            IllegalArgumentException twice = assertThrows(IllegalArgumentException.class,
                    () -> DatasetPass.feed(model, items.subList(3, 4), early));
            assertTrue(twice.getMessage().contains("image 3 was fed twice"), twice.getMessage());
        }
    }
}
