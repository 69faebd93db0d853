package io.github.explain4j.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import io.github.explain4j.api.ProgressListener;
import io.github.explain4j.data.DatasetItem;
import io.github.explain4j.data.ImageSource;
import io.github.explain4j.data.SyntheticShapes;
import io.github.explain4j.djl.ExplainableModel;
import io.github.explain4j.djl.data.DatasetPass;
import io.github.explain4j.djl.inside.TopActivations;
import io.github.explain4j.djl.zoo.ShapesNet;
import io.github.explain4j.inside.TopHits;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A dataset job on Spark {@code local[2]} gives what the local pass gives on the same images: top-k per channel of
 * ShapesNet's stage2 and stage3 over 48 shapes images in 4 partitions (so three merges of partition states run),
 * on both engines; a folder read with Spark's {@code binaryFile} source, or decoded as Spark's {@code image} source does, gives the same result as
 * {@link ImageSource#folder} over it; the model is loaded once in the JVM whatever the number of partitions.
 */
class SparkPassTest {

    private static final int IMAGES = 48;
    private static final int PARTITIONS = 4;
    private static final SyntheticShapes SHAPES = SyntheticShapes.create(64);
    private static SparkSession spark;

    @BeforeAll
    static void start() {
        spark = LocalSpark.start("SparkPassTest");
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    private static ImageSource shapes() {
        return ImageSource.shapes(SHAPES, SyntheticShapes.TEST_SEED, IMAGES);
    }

    static Stream<String> engines() {
        return LocalSpark.engines();
    }

    private static TopHits local(String engine, ImageSource source, TopActivations job, int batch) {
        try (Model m = ShapesNet.load(engine)) {
            ExplainableModel model = ShapesNet.explainable(m);
            return DatasetPass.over(source).batchSize(batch).progress(ProgressListener.NONE).run(model, job);
        }
    }

    @ParameterizedTest
    @MethodSource("engines")
    void topKOnSparkEqualsTheLocalPass(String engine) {
        Dataset<Row> images = SparkImages.from(spark, shapes(), PARTITIONS);
        assertEquals(PARTITIONS, images.rdd().getNumPartitions());
        for (String layer : List.of("stage2", "stage3")) {
            TopActivations job = TopActivations.of(layer).k(5);
            // 12 images per partition in batches of 4: the same batches as the local pass in batches of 4
            TopHits onSpark = SparkPass.run(images, ModelLoaders.shapesNet(engine), job, 4);
            TopHits here = local(engine, shapes(), job, 4);
            assertEquals(IMAGES, onSpark.images(), engine + " " + layer);
            assertTrue(onSpark.channelCount() >= 32, engine + " " + layer);
            // record equality: every channel's hits, values bit for bit, image indices, positions, order
            assertEquals(here, onSpark, engine + " " + layer);
        }
    }

    @Test
    void batchesThatCrossPartitionBoundariesGiveTheSameTopK() {
        // 48 images in 4 partitions of 12, batches of 5 (5, 5, 2 per partition) against local batches of 7
        TopActivations job = TopActivations.of("stage3").k(4);
        TopHits onSpark = SparkPass.run(SparkImages.from(spark, shapes(), PARTITIONS),
                ModelLoaders.shapesNet("PyTorch"), job, 5);
        assertEquals(local("PyTorch", shapes(), job, 7), onSpark);
    }

    @Test
    void aFolderReadBySparkGivesTheLocalFolderResult(@TempDir Path dir) throws Exception {
        try (Stream<DatasetItem> s = shapes().stream()) {
            for (DatasetItem i : (Iterable<DatasetItem>) s::iterator) {
                Path sub = Files.createDirectories(dir.resolve(SyntheticShapes.CLASSES.get(i.label())));
                ImageIO.write(i.image(), "png", sub.resolve(String.format("%03d.png", i.index())).toFile());
            }
        }
        TopActivations job = TopActivations.of("stage3").k(6);
        ImageSource folder = ImageSource.folder(dir);
        TopHits here = local("PyTorch", folder, job, 8);

        Dataset<Row> files = spark.read().format("binaryFile").option("pathGlobFilter", "*.png")
                .option("recursiveFileLookup", "true").load(dir.toString());
        Dataset<Row> binary = SparkImages.fromBinaryFiles(files, SyntheticShapes.CLASSES);
        assertEquals(IMAGES, binary.count());
        assertTrue(binary.rdd().getNumPartitions() > 1, "the sort spreads the files over partitions");
        // the labels come from the folders, as ImageSource.folder gives them
        List<Row> rows = binary.orderBy("index").select("index", "label").collectAsList();
        try (Stream<DatasetItem> s = folder.stream()) {
            List<DatasetItem> items = s.toList();
            for (int n = 0; n < IMAGES; n++) {
                assertEquals(items.get(n).index(), rows.get(n).getLong(0));
                assertEquals(items.get(n).label(), rows.get(n).getInt(1), "label of image " + n);
            }
        }
        assertEquals(here, SparkPass.run(binary, ModelLoaders.shapesNet("PyTorch"), job, 8), "binaryFile");

        // Spark's image source (format "image", in spark-mllib) gives rows of this struct, pixels in BGR order;
        // made here from the same files, as the source documents it, since spark-mllib is not on the test path
        StructType struct = DataTypes.createStructType(List.of(
                DataTypes.createStructField("origin", DataTypes.StringType, true),
                DataTypes.createStructField("height", DataTypes.IntegerType, false),
                DataTypes.createStructField("width", DataTypes.IntegerType, false),
                DataTypes.createStructField("nChannels", DataTypes.IntegerType, false),
                DataTypes.createStructField("mode", DataTypes.IntegerType, false),
                DataTypes.createStructField("data", DataTypes.BinaryType, false)));
        List<Row> decodedRows = new ArrayList<>();
        try (Stream<Path> files2 = Files.walk(dir)) {
            for (Path f : files2.filter(Files::isRegularFile).toList()) {
                BufferedImage img = ImageIO.read(f.toFile());
                byte[] bgr = new byte[img.getHeight() * img.getWidth() * 3];
                for (int y = 0, o = 0; y < img.getHeight(); y++) {
                    for (int x = 0; x < img.getWidth(); x++, o += 3) {
                        int rgb = img.getRGB(x, y);
                        bgr[o] = (byte) rgb;
                        bgr[o + 1] = (byte) (rgb >> 8);
                        bgr[o + 2] = (byte) (rgb >> 16);
                    }
                }
                decodedRows.add(RowFactory.create(RowFactory.create("file:" + f, img.getHeight(), img.getWidth(), 3,
                        16, bgr)));
            }
        }
        Dataset<Row> imageSource = spark.createDataFrame(decodedRows,
                DataTypes.createStructType(List.of(DataTypes.createStructField("image", struct, true))));
        Dataset<Row> decoded = SparkImages.fromImageFormat(imageSource);
        assertEquals(here, SparkPass.run(decoded, ModelLoaders.shapesNet("PyTorch"), job, 8), "image source");
    }

    @Test
    void theModelIsLoadedOncePerExecutorJvm() {
        String key = "load-count-" + UUID.randomUUID();
        ModelLoader counted = ModelLoader.of(key, () -> {
            Model m = ShapesNet.load("PyTorch");
            return LoadedModel.of(m, ShapesNet.explainable(m));
        });
        assertEquals(0, ExecutorModels.loads(key));
        Dataset<Row> images = SparkImages.from(spark, shapes(), PARTITIONS);
        TopHits first = SparkPass.run(images, counted, TopActivations.of("stage3"), 4);
        // local[2]: the driver and the executor are one JVM; 4 partitions, 2 running at once, 3 merges, 1 load
        assertEquals(1, ExecutorModels.loads(key));
        TopHits second = SparkPass.run(images, counted, TopActivations.of("stage3"), 4);
        assertEquals(1, ExecutorModels.loads(key), "a second job reuses the loaded model");
        assertEquals(first, second);
        ExecutorModels.close(key);
        SparkPass.run(images, counted, TopActivations.of("stage3"), 4);
        assertEquals(2, ExecutorModels.loads(key), "a closed model is loaded again");
        ExecutorModels.close(key);
    }
}
