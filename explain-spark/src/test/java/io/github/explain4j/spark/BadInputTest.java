package io.github.explain4j.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.explain4j.data.ImageSource;
import io.github.explain4j.data.SyntheticShapes;
import io.github.explain4j.djl.cam.GradCam;
import io.github.explain4j.djl.inside.TopActivations;
import io.github.explain4j.spark.SparkAttributions.TargetFactory;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Bad input is refused with a message that names the value and the fix. */
class BadInputTest {

    private static SparkSession spark;
    private static final ModelLoader SHAPES = ModelLoaders.shapesNet("PyTorch");

    @BeforeAll
    static void start() {
        spark = LocalSpark.start("BadInputTest");
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    private static Dataset<Row> images(int n, int partitions) {
        return SparkImages.from(spark, ImageSource.shapes(SyntheticShapes.create(64), 2L, n), partitions);
    }

    private static void assertMentions(Throwable e, String... parts) {
        for (String p : parts) {
            assertTrue(e.getMessage().contains(p), "'" + p + "' missing from: " + e.getMessage());
        }
    }

    @Test
    void aDataFrameWithoutTheImageColumnIsRefusedNamingTheColumnAndTheConverters() {
        Dataset<Row> noImage = images(4, 1).drop("image");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SparkPass.run(noImage, SHAPES, TopActivations.of("stage3"), 4));
        assertMentions(e, "no column 'image'", "[index, name, label]", "SparkImages.from", "binaryFile");
        e = assertThrows(IllegalArgumentException.class, () -> SparkAttributions.explain(noImage, SHAPES,
                () -> GradCam.at("stage3"), TargetFactory.topPrediction(), 4));
        assertMentions(e, "no column 'image'");
        Dataset<Row> wrongType = images(4, 1).withColumn("index", org.apache.spark.sql.functions.col("index")
                .cast(DataTypes.StringType));
        e = assertThrows(IllegalArgumentException.class,
                () -> SparkPass.run(wrongType, SHAPES, TopActivations.of("stage3"), 4));
        assertMentions(e, "column 'index' is string; expected bigint");
    }

    @Test
    void aNullImageIsRefusedNamingTheImageAndHowToDropSuchRows() {
        Row good = images(1, 1).first();
        Dataset<Row> withNull = spark.createDataFrame(List.of(good,
                RowFactory.create(7L, "broken.png", 0, null)), SparkImages.SCHEMA).repartition(1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SparkPass.run(withNull, SHAPES, TopActivations.of("stage3"), 4));
        assertMentions(e, "image 7 (broken.png) is null", "isNotNull");
        e = assertThrows(IllegalArgumentException.class, () -> SparkAttributions.collectByIndex(
                SparkAttributions.explain(withNull, SHAPES, () -> GradCam.at("stage3"),
                        TargetFactory.topPrediction(), 4)));
        assertMentions(e, "image 7 (broken.png) is null");

        Dataset<Row> notAnImage = spark.createDataFrame(List.of(
                RowFactory.create(3L, "notes.txt", 0, "hello".getBytes())), SparkImages.SCHEMA);
        e = assertThrows(IllegalArgumentException.class,
                () -> SparkPass.run(notAnImage, SHAPES, TopActivations.of("stage3"), 4));
        assertMentions(e, "image 3 (notes.txt)", "5 bytes", "PNG, JPEG");
    }

    @Test
    void aBatchSizeOfZeroIsRefusedBeforeAnyJob() {
        Dataset<Row> images = images(2, 1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SparkPass.run(images, SHAPES, TopActivations.of("stage3"), 0));
        assertMentions(e, "batch size was 0", "positive", "e.g. 64");
        e = assertThrows(IllegalArgumentException.class, () -> SparkAttributions.explain(images, SHAPES,
                () -> GradCam.at("stage3"), TargetFactory.topPrediction(), -3));
        assertMentions(e, "batch size was -3");
    }

    @Test
    void anUnlabelledImageCannotHaveItsLabelAsTargetAndAnUnknownClassFolderIsNamed() {
        Dataset<Row> unlabelled = images(2, 1).withColumn("label", org.apache.spark.sql.functions.lit(-1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SparkAttributions.collectByIndex(SparkAttributions.explain(unlabelled, SHAPES,
                        () -> GradCam.at("stage3"), TargetFactory.label(), 2)));
        assertMentions(e, "image 0 (shapes:2:0) has no label", "topPrediction");

        Dataset<Row> files = spark.createDataFrame(List.of(RowFactory.create("file:/data/hexagon/1.png", new byte[0])),
                DataTypes.createStructType(List.of(DataTypes.createStructField("path", DataTypes.StringType, false),
                        DataTypes.createStructField("content", DataTypes.BinaryType, false))));
        e = assertThrows(IllegalArgumentException.class, () -> SparkPass.unwrapped(
                () -> SparkImages.fromBinaryFiles(files, SyntheticShapes.CLASSES).collectAsList()));
        assertMentions(e, "file:/data/hexagon/1.png", "folder 'hexagon'", "[circle, square, triangle]");
    }

    @Test
    void anUnknownEngineOrAFailingLoaderIsNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ModelLoaders.shapesNet("TensorFlow"));
        assertMentions(e, "'TensorFlow'", "\"PyTorch\" or \"MXNet\"");
        ModelLoader missing = ModelLoaders.torchScript("/nonexistent/model.pt",
                () -> io.github.explain4j.api.InputSpec.rgb(64, 64));
        IllegalStateException s = assertThrows(IllegalStateException.class,
                () -> SparkPass.run(images(2, 1), missing, TopActivations.of("stage3"), 2));
        assertMentions(s, "torchscript:/nonexistent/model.pt", "could not be loaded", "/nonexistent/model.pt does not"
                + " exist");
        assertEquals(0, ExecutorModels.loads(missing.key()));
    }
}
