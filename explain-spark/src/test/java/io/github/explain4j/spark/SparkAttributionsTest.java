package io.github.explain4j.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import io.github.explain4j.api.Attribution;
import io.github.explain4j.api.Attributor;
import io.github.explain4j.api.Target;
import io.github.explain4j.data.DatasetItem;
import io.github.explain4j.data.ImageSource;
import io.github.explain4j.data.SyntheticShapes;
import io.github.explain4j.djl.ExplainableModel;
import io.github.explain4j.djl.attribution.Saliency;
import io.github.explain4j.djl.cam.GradCam;
import io.github.explain4j.djl.zoo.ShapesNet;
import io.github.explain4j.spark.SparkAttributions.AttributorFactory;
import io.github.explain4j.spark.SparkAttributions.TargetFactory;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Attributions computed in Spark partitions are the ones {@link Attributor#explain} gives locally, float for float:
 * Grad-CAM at stage3 and Saliency on ShapesNet, both engines, 40 shapes images in 4 partitions of 10, batches of
 * 5 on both sides (the same batches, so the same arithmetic); with each image's own label as the target, the rows
 * carry the label's class and match local calls with that class.
 */
class SparkAttributionsTest {

    private static final int IMAGES = 40;
    private static final int PARTITIONS = 4;
    private static final int BATCH = 5;
    private static SparkSession spark;

    @BeforeAll
    static void start() {
        spark = LocalSpark.start("SparkAttributionsTest");
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    static Stream<String> engines() {
        return LocalSpark.engines();
    }

    private static List<DatasetItem> items() {
        try (Stream<DatasetItem> s = ImageSource.shapes(SyntheticShapes.create(64), SyntheticShapes.TEST_SEED, IMAGES)
                .stream()) {
            return s.toList();
        }
    }

    private static Dataset<Row> images() {
        return SparkImages.from(spark,
                ImageSource.shapes(SyntheticShapes.create(64), SyntheticShapes.TEST_SEED, IMAGES), PARTITIONS);
    }

    /** The local maps: the method over the images in consecutive batches of BATCH, one target per batch. */
    private static List<Attribution> local(String engine, AttributorFactory method, List<DatasetItem> items,
            java.util.function.Function<DatasetItem, Target> target) {
        List<Attribution> out = new ArrayList<>();
        try (Model m = ShapesNet.load(engine)) {
            ExplainableModel model = ShapesNet.explainable(m);
            Attributor<ExplainableModel, BufferedImage> a = method.create();
            for (int from = 0; from < items.size(); from += BATCH) {
                List<DatasetItem> batch = items.subList(from, Math.min(items.size(), from + BATCH));
                // one target per call: split the batch where the target changes, as the Spark side does
                int s = 0;
                while (s < batch.size()) {
                    Target t = target.apply(batch.get(s));
                    int e = s + 1;
                    while (e < batch.size() && t.equals(target.apply(batch.get(e)))) {
                        e++;
                    }
                    out.addAll(a.explain(model, batch.subList(s, e).stream().map(DatasetItem::image).toList(), t));
                    s = e;
                }
            }
        }
        return out;
    }

    private static void assertSame(List<DatasetItem> items, List<Attribution> here, List<Row> rows, String method,
            String what) {
        assertEquals(items.size(), rows.size(), what);
        for (int n = 0; n < items.size(); n++) {
            Row r = rows.get(n);
            Attribution a = here.get(n);
            String where = what + " image " + n;
            assertEquals(n, r.getLong(r.fieldIndex("index")), where);
            assertEquals(items.get(n).name(), r.getString(r.fieldIndex("name")), where);
            assertEquals(items.get(n).label(), r.getInt(r.fieldIndex("label")), where);
            assertEquals(method, r.getString(r.fieldIndex("method")), where);
            assertEquals(a.channels(), r.getInt(r.fieldIndex("channels")), where);
            assertEquals(a.height(), r.getInt(r.fieldIndex("height")), where);
            assertEquals(a.width(), r.getInt(r.fieldIndex("width")), where);
            float[] v = SparkAttributions.values(r);
            assertEquals(a.channels() * a.height() * a.width(), v.length, where);
            // float-exact: the same model parameters, the same pixels (PNG is lossless), the same batches
            assertArrayEquals(a.values(), v, where);
        }
    }

    @ParameterizedTest
    @MethodSource("engines")
    void gradCamAndSaliencyOnSparkEqualTheLocalMaps(String engine) {
        List<DatasetItem> items = items();
        Dataset<Row> images = images();
        for (AttributorFactory method : List.<AttributorFactory>of(() -> GradCam.at("stage3"), Saliency::create)) {
            List<Attribution> here = local(engine, method, items, i -> Target.topPrediction());
            String name = method.create().name();
            Dataset<Row> maps = SparkAttributions.explain(images, ModelLoaders.shapesNet(engine), method,
                    TargetFactory.topPrediction(), BATCH);
            assertEquals(SparkAttributions.SCHEMA, maps.schema());
            List<Row> rows = SparkAttributions.collectByIndex(maps);
            assertSame(items, here, rows, name, engine + " " + name);
            assertTrue(rows.stream().allMatch(r -> r.getString(r.fieldIndex("target")).equals("top prediction")));
        }
    }

    @Test
    void eachImagesLabelAsTargetMatchesLocalCallsWithThatClass() {
        List<DatasetItem> items = items();
        AttributorFactory method = () -> GradCam.at("stage3");
        List<Attribution> here = local("PyTorch", method, items, i -> Target.classIndex(i.label()));
        List<Row> rows = SparkAttributions.collectByIndex(SparkAttributions.explain(images(),
                ModelLoaders.shapesNet("PyTorch"), method, TargetFactory.label(), BATCH));
        assertSame(items, here, rows, "Grad-CAM", "label target");
        for (Row r : rows) {
            assertEquals("class " + r.getInt(r.fieldIndex("label")), r.getString(r.fieldIndex("target")));
        }
        // the label target differs from the top prediction somewhere or the maps agree: either way a class map
        List<Attribution> other = local("PyTorch", method, items, i -> Target.classIndex((i.label() + 1) % 3));
        boolean differs = false;
        for (int n = 0; n < items.size(); n++) {
            differs |= !java.util.Arrays.equals(other.get(n).values(), SparkAttributions.values(rows.get(n)));
        }
        assertTrue(differs, "another class's maps differ from the label's: the target reached the executors");
    }
}
