package io.github.explain4j.spark;

import io.github.explain4j.data.DatasetItem;
import io.github.explain4j.data.ImageSource;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Images as a Spark DataFrame, the input of {@link SparkPass} and {@link SparkAttributions}. One row per image,
 * with the columns of {@link #SCHEMA}:
 *
 * <table>
 * <caption>columns</caption>
 * <tr><th>column</th><th>type</th><th>meaning</th></tr>
 * <tr><td>{@code index}</td><td>long, not null</td><td>the image's position in the dataset, from 0 (results name
 * images by it; unique)</td></tr>
 * <tr><td>{@code name}</td><td>string</td><td>where it came from (a path, {@code "#17"}); null reads as
 * {@code "#index"}</td></tr>
 * <tr><td>{@code label}</td><td>int</td><td>its class, or -1 (null reads as -1)</td></tr>
 * <tr><td>{@code image}</td><td>binary</td><td>the image <b>file's bytes</b>: PNG, JPEG, BMP or GIF, whatever
 * {@link ImageIO} decodes — as {@code binaryFile} reads them, so a folder on HDFS or S3 needs no conversion of its
 * pixels; {@link #from(SparkSession, ImageSource, int)} writes PNG, which keeps every pixel exactly</td></tr>
 * </table>
 *
 * <p>Reading a folder (any Hadoop file system: {@code hdfs://}, {@code s3a://}, {@code file:}):
 * <pre>{@code
 * Dataset<Row> files = spark.read().format("binaryFile")
 *         .option("pathGlobFilter", "*.png").option("recursiveFileLookup", "true")
 *         .load("s3a://bucket/shapes/test");
 * Dataset<Row> images = SparkImages.fromBinaryFiles(files, List.of("circle", "square", "triangle"));
 * // or Spark's decoded images: SparkImages.fromImageFormat(spark.read().format("image").load(dir))
 * }</pre>
 * Both number the images in the order of their paths, as {@link ImageSource#folder} does for the same folder, so
 * a local pass over a copy of the folder gives the same indices.
 */
public final class SparkImages {

    /** The columns of an images DataFrame (see the class comment). */
    public static final StructType SCHEMA = new StructType(new StructField[] {
        DataTypes.createStructField("index", DataTypes.LongType, false),
        DataTypes.createStructField("name", DataTypes.StringType, true),
        DataTypes.createStructField("label", DataTypes.IntegerType, true),
        DataTypes.createStructField("image", DataTypes.BinaryType, true)});

    private SparkImages() {}

    /**
     * The images of {@code source} read on the driver, PNG-encoded, in {@code partitions} contiguous slices (in
     * index order): for tests and sets small enough to pass through the driver.
     *
     * @throws IllegalArgumentException unless {@code partitions} is positive
     */
    public static Dataset<Row> from(SparkSession spark, ImageSource source, int partitions) {
        Objects.requireNonNull(spark, "spark was null; pass the SparkSession");
        Objects.requireNonNull(source, "source was null; pass e.g. ImageSource.shapes(…)");
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions was " + partitions + "; expected a positive number, e.g."
                    + " spark.sparkContext().defaultParallelism()");
        }
        List<Row> rows = new ArrayList<>();
        try (Stream<DatasetItem> s = source.stream()) {
            s.forEach(i -> rows.add(RowFactory.create(i.index(), i.name(), i.label(), png(i.image()))));
        }
        JavaRDD<Row> rdd = JavaSparkContext.fromSparkContext(spark.sparkContext()).parallelize(rows, partitions);
        return spark.createDataFrame(rdd, SCHEMA);
    }

    /**
     * Files read by {@code spark.read().format("binaryFile")} as unlabelled images, numbered in the order of their
     * paths (the column {@code name} holds the path).
     */
    public static Dataset<Row> fromBinaryFiles(Dataset<Row> files) {
        return fromBinaryFiles(files, List.of());
    }

    /**
     * Files read by {@code spark.read().format("binaryFile")}, numbered in the order of their paths, each labelled
     * by its parent folder's name's position in {@code classes} (the layout of {@link ImageSource#folder}: one
     * sub-folder per class). With no classes, the images are unlabelled.
     *
     * @throws IllegalArgumentException when the DataFrame lacks binaryFile's columns {@code path} and
     *     {@code content}; (in the job) when an image's folder is not one of the classes
     */
    public static Dataset<Row> fromBinaryFiles(Dataset<Row> files, List<String> classes) {
        Objects.requireNonNull(files, "files was null; pass spark.read().format(\"binaryFile\").load(dir)");
        Objects.requireNonNull(classes, "classes was null; pass the class folders' names, or List.of()");
        require(files.schema(), "path", DataTypes.StringType, "spark.read().format(\"binaryFile\").load(dir)");
        require(files.schema(), "content", DataTypes.BinaryType, "spark.read().format(\"binaryFile\").load(dir)");
        List<String> names = List.copyOf(classes);
        JavaRDD<Row> rows = files.select("path", "content").sort("path").javaRDD().zipWithIndex().map(t -> {
            String path = t._1().getString(0);
            return RowFactory.create(t._2(), path, label(path, names), t._1().get(1));
        });
        return files.sparkSession().createDataFrame(rows, SCHEMA);
    }

    /**
     * Images read by Spark's image data source ({@code spark.read().format("image")}: decoded, BGR byte order),
     * re-encoded as PNG (no pixel changes), unlabelled, numbered in the order of their origins. Images that Spark
     * could not decode are refused; read with {@code .option("dropInvalid", true)} to skip them.
     *
     * @throws IllegalArgumentException when the DataFrame has no {@code image} struct column of the image source
     */
    public static Dataset<Row> fromImageFormat(Dataset<Row> images) {
        Objects.requireNonNull(images, "images was null; pass spark.read().format(\"image\").load(dir)");
        StructType schema = images.schema();
        if (!Arrays.asList(schema.fieldNames()).contains("image")
                || !(schema.apply("image").dataType() instanceof StructType)) {
            throw new IllegalArgumentException("the DataFrame has no column 'image' of Spark's image source (columns: "
                    + Arrays.toString(schema.fieldNames()) + "); pass spark.read().format(\"image\").load(dir), or"
                    + " use fromBinaryFiles for binaryFile's rows");
        }
        JavaRDD<Row> rows = images.select("image.origin", "image.height", "image.width", "image.nChannels",
                "image.data").sort("origin").javaRDD().zipWithIndex().map(t -> {
                    Row r = t._1();
                    String origin = r.getString(0);
                    BufferedImage img = fromBgr(origin, r.getInt(1), r.getInt(2), r.getInt(3), (byte[]) r.get(4));
                    return RowFactory.create(t._2(), origin, DatasetItem.UNLABELLED, png(img));
                });
        return images.sparkSession().createDataFrame(rows, SCHEMA);
    }

    /** An image as PNG bytes (every pixel kept). */
    public static byte[] png(BufferedImage image) {
        Objects.requireNonNull(image, "image");
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            if (!ImageIO.write(image, "png", out)) {
                throw new IllegalArgumentException("no PNG writer for an image of type " + image.getType());
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Checks that {@code schema} has the columns {@link SparkPass} and {@link SparkAttributions} read:
     * {@code index} (long) and {@code image} (binary); {@code name} (string) and {@code label} (int) if present.
     *
     * @throws IllegalArgumentException naming the missing or mistyped column and how to make the DataFrame
     */
    public static void check(StructType schema) {
        String fix = "make the DataFrame with SparkImages.from(spark, source, partitions),"
                + " SparkImages.fromBinaryFiles(spark.read().format(\"binaryFile\").load(dir)) or"
                + " SparkImages.fromImageFormat(…)";
        require(schema, "index", DataTypes.LongType, fix);
        require(schema, "image", DataTypes.BinaryType, fix);
        List<String> names = Arrays.asList(schema.fieldNames());
        if (names.contains("name")) {
            require(schema, "name", DataTypes.StringType, fix);
        }
        if (names.contains("label")) {
            require(schema, "label", DataTypes.IntegerType, fix);
        }
    }

    /** The columns a pass selects, in the order {@link #item} reads them. */
    static org.apache.spark.sql.Column[] columns(StructType schema) {
        List<String> names = Arrays.asList(schema.fieldNames());
        return new org.apache.spark.sql.Column[] {
            org.apache.spark.sql.functions.col("index"),
            names.contains("name") ? org.apache.spark.sql.functions.col("name")
                    : org.apache.spark.sql.functions.lit(null).cast(DataTypes.StringType).as("name"),
            names.contains("label") ? org.apache.spark.sql.functions.col("label")
                    : org.apache.spark.sql.functions.lit(null).cast(DataTypes.IntegerType).as("label"),
            org.apache.spark.sql.functions.col("image")};
    }

    /**
     * A row of {@link #columns} decoded into a dataset item.
     *
     * @throws IllegalArgumentException naming the image when its bytes are null or not an image file
     */
    static DatasetItem item(Row row) {
        if (row.isNullAt(0)) {
            throw new IllegalArgumentException("a row has a null index; number the images from 0 (SparkImages.from…"
                    + " does)");
        }
        long index = row.getLong(0);
        String name = row.isNullAt(1) ? "#" + index : row.getString(1);
        int label = row.isNullAt(2) ? DatasetItem.UNLABELLED : row.getInt(2);
        if (row.isNullAt(3)) {
            throw new IllegalArgumentException("image " + index + " (" + name + ") is null: the 'image' column must"
                    + " hold the image file's bytes (PNG, JPEG, …); drop such rows first, e.g."
                    + " images.filter(col(\"image\").isNotNull())");
        }
        byte[] bytes = (byte[]) row.get(3);
        BufferedImage image;
        try {
            image = ImageIO.read(new ByteArrayInputStream(bytes));
        } catch (IOException e) {
            throw new IllegalArgumentException("image " + index + " (" + name + ") cannot be decoded: " + e
                    + "; the 'image' column must hold an image file's bytes (PNG, JPEG, BMP, GIF)", e);
        }
        if (image == null) {
            throw new IllegalArgumentException("image " + index + " (" + name + "): its " + bytes.length + " bytes are"
                    + " not an image file ImageIO reads; the 'image' column must hold PNG, JPEG, BMP or GIF bytes");
        }
        return new DatasetItem(index, image, label, name);
    }

    private static void require(StructType schema, String column, DataType type, String fix) {
        if (!Arrays.asList(schema.fieldNames()).contains(column)) {
            throw new IllegalArgumentException("the DataFrame has no column '" + column + "' (columns: "
                    + Arrays.toString(schema.fieldNames()) + "); " + fix);
        }
        DataType actual = schema.apply(column).dataType();
        if (!actual.equals(type)) {
            throw new IllegalArgumentException("column '" + column + "' is " + actual.simpleString() + "; expected "
                    + type.simpleString() + "; " + fix);
        }
    }

    private static int label(String path, List<String> classes) {
        if (classes.isEmpty()) {
            return DatasetItem.UNLABELLED;
        }
        String[] parts = path.split("/");
        String folder = parts.length >= 2 ? parts[parts.length - 2] : "";
        int label = classes.indexOf(folder);
        if (label < 0) {
            throw new IllegalArgumentException("image " + path + " is in folder '" + folder + "', which is not one of"
                    + " the classes " + classes + "; pass every class folder's name, or List.of() for unlabelled"
                    + " images");
        }
        return label;
    }

    private static BufferedImage fromBgr(String origin, int height, int width, int channels, byte[] data) {
        if (height <= 0 || width <= 0 || data == null || data.length != height * width * Math.max(channels, 0)) {
            throw new IllegalArgumentException("image " + origin + " was not decoded by Spark (" + height + "×" + width
                    + "×" + channels + "); read with .option(\"dropInvalid\", true) to skip such files");
        }
        BufferedImage out;
        switch (channels) {
            case 1 -> {
                out = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
                out.getRaster().setDataElements(0, 0, width, height, data);
            }
            case 3, 4 -> {
                out = new BufferedImage(width, height, channels == 3 ? BufferedImage.TYPE_INT_RGB
                        : BufferedImage.TYPE_INT_ARGB);
                for (int y = 0; y < height; y++) {
                    for (int x = 0; x < width; x++) {
                        int o = (y * width + x) * channels;
                        int b = data[o] & 0xff;
                        int g = data[o + 1] & 0xff;
                        int r = data[o + 2] & 0xff;
                        int a = channels == 4 ? data[o + 3] & 0xff : 0xff;
                        out.setRGB(x, y, (a << 24) | (r << 16) | (g << 8) | b);
                    }
                }
            }
            default -> throw new IllegalArgumentException("image " + origin + " has " + channels + " channels;"
                    + " expected 1, 3 or 4");
        }
        return out;
    }
}
