package io.github.explain4j.spark;

import io.github.explain4j.api.Attribution;
import io.github.explain4j.api.Attributor;
import io.github.explain4j.api.Target;
import io.github.explain4j.data.DatasetItem;
import io.github.explain4j.djl.ExplainableModel;
import java.awt.image.BufferedImage;
import java.io.Serializable;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Any attribution method over the images of a Spark DataFrame, computed in the partitions: one output row per
 * image with its attribution map ({@link #SCHEMA}), equal to what {@link Attributor#explain} gives locally for the
 * same images in the same batches. Lazy like any Spark transformation: nothing runs until the result is written
 * or collected, and a partition's maps are computed {@code batchSize} images at a time, so an executor holds one
 * batch of maps at once.
 *
 * <pre>{@code
 * Dataset<Row> maps = SparkAttributions.explain(images, ModelLoaders.shapesNet("PyTorch"),
 *         () -> GradCam.at("stage3"), TargetFactory.label(), 32);
 * maps.write().parquet("hdfs:///out/gradcam");
 * }</pre>
 *
 * <p>The method and the target travel to the executors as serialisable recipes: attributors and targets are
 * settings values, but not {@link Serializable} themselves.
 */
public final class SparkAttributions {

    /**
     * The output: the image's {@code index}, {@code name} and {@code label} (as in the input), the method's
     * {@code method} name ({@link Attributor#name()}), the {@code target} explained ({@link Target#describe()}),
     * the map's shape {@code channels × height × width} and its {@code values}, channel-first and row-major
     * ({@link Attribution#values()}).
     */
    public static final StructType SCHEMA = new StructType(new StructField[] {
        DataTypes.createStructField("index", DataTypes.LongType, false),
        DataTypes.createStructField("name", DataTypes.StringType, false),
        DataTypes.createStructField("label", DataTypes.IntegerType, false),
        DataTypes.createStructField("method", DataTypes.StringType, false),
        DataTypes.createStructField("target", DataTypes.StringType, false),
        DataTypes.createStructField("channels", DataTypes.IntegerType, false),
        DataTypes.createStructField("height", DataTypes.IntegerType, false),
        DataTypes.createStructField("width", DataTypes.IntegerType, false),
        DataTypes.createStructField("values", DataTypes.createArrayType(DataTypes.FloatType, false), false)});

    private SparkAttributions() {}

    /** Makes the attribution method on the executor, e.g. {@code () -> GradCam.at("stage3")}. */
    @FunctionalInterface
    public interface AttributorFactory extends Serializable {
        /** The method. */
        Attributor<ExplainableModel, BufferedImage> create();
    }

    /** The target to explain for an image, made on the executor. */
    @FunctionalInterface
    public interface TargetFactory extends Serializable {
        /** The target for {@code item}. */
        Target target(DatasetItem item);

        /** The class the model predicts for each image. */
        static TargetFactory topPrediction() {
            return item -> Target.topPrediction();
        }

        /**
         * A fixed class.
         *
         * @throws IllegalArgumentException for a negative index
         */
        static TargetFactory classIndex(int index) {
            Target.classIndex(index); // checks it here, on the driver
            return item -> Target.classIndex(index);
        }

        /** Each image's own label (its true class); an unlabelled image is refused, naming it. */
        static TargetFactory label() {
            return item -> {
                if (!item.labelled()) {
                    throw new IllegalArgumentException("image " + item.index() + " (" + item.name() + ") has no"
                            + " label, so its label cannot be the target; use TargetFactory.topPrediction() or"
                            + " classIndex(i)");
                }
                return Target.classIndex(item.label());
            };
        }
    }

    /**
     * The attributions of {@code images} (columns of {@link SparkImages#SCHEMA}), one row per image, in each
     * partition's index order. Lazy: errors of a row (a null image) surface when the result is computed, as an
     * {@link org.apache.spark.SparkException} whose cause names the image.
     *
     * @param batchSize images per call of the method within a partition (consecutive images with equal targets
     *     share a call)
     * @throws IllegalArgumentException when {@code batchSize} is not positive or the DataFrame lacks a column
     */
    public static Dataset<Row> explain(Dataset<Row> images, ModelLoader loader, AttributorFactory method,
            TargetFactory target, int batchSize) {
        Objects.requireNonNull(images, "images was null; pass a DataFrame made by SparkImages");
        Objects.requireNonNull(loader, "loader was null; pass e.g. ModelLoaders.shapesNet(\"PyTorch\")");
        Objects.requireNonNull(method, "method was null; pass e.g. () -> GradCam.at(\"stage3\")");
        Objects.requireNonNull(target, "target was null; pass e.g. TargetFactory.topPrediction()");
        SparkPass.checkBatch(batchSize);
        SparkImages.check(images.schema());
        return images.select(SparkImages.columns(images.schema())).sortWithinPartitions("index")
                .mapPartitions(new Explain(loader, method, target, batchSize), Encoders.row(SCHEMA));
    }

    /**
     * Collects the attributions into the driver, as a list ordered by image index: for tests and small sets.
     * Errors of our own code inside the job come back as their own type and message.
     */
    public static List<Row> collectByIndex(Dataset<Row> attributions) {
        return SparkPass.unwrapped(() -> attributions.orderBy("index").collectAsList());
    }

    /** The values of an output row, as a float array. */
    public static float[] values(Row row) {
        List<Object> list = row.getList(row.fieldIndex("values"));
        float[] out = new float[list.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = (Float) list.get(i);
        }
        return out;
    }

    /** One partition's rows through the method, a batch at a time. */
    private record Explain(ModelLoader loader, AttributorFactory method, TargetFactory target, int batchSize)
            implements MapPartitionsFunction<Row, Row> {
        private static final long serialVersionUID = 1L;

        @Override
        public Iterator<Row> call(Iterator<Row> rows) {
            return new Iterator<>() {
                private final Deque<Row> ready = new ArrayDeque<>();
                private ExplainableModel model;
                private Attributor<ExplainableModel, BufferedImage> attributor;

                @Override
                public boolean hasNext() {
                    while (ready.isEmpty() && rows.hasNext()) {
                        next(batch());
                    }
                    return !ready.isEmpty();
                }

                @Override
                public Row next() {
                    if (!hasNext()) {
                        throw new NoSuchElementException();
                    }
                    return ready.poll();
                }

                private List<DatasetItem> batch() {
                    List<DatasetItem> items = new ArrayList<>(batchSize);
                    while (items.size() < batchSize && rows.hasNext()) {
                        items.add(SparkImages.item(rows.next()));
                    }
                    return items;
                }

                private void next(List<DatasetItem> items) {
                    if (model == null) {
                        model = ExecutorModels.get(loader);
                        attributor = Objects.requireNonNull(method.create(),
                                "the attributor factory returned null; return a method, e.g. GradCam.at(layer)");
                    }
                    int from = 0;
                    while (from < items.size()) {
                        Target t = target.target(items.get(from));
                        int to = from + 1;
                        while (to < items.size() && t.equals(target.target(items.get(to)))) {
                            to++;
                        }
                        List<DatasetItem> run = items.subList(from, to);
                        List<BufferedImage> inputs = new ArrayList<>(run.size());
                        for (DatasetItem i : run) {
                            inputs.add(i.image());
                        }
                        List<Attribution> maps = attributor.explain(model, inputs, t);
                        for (int k = 0; k < run.size(); k++) {
                            DatasetItem i = run.get(k);
                            Attribution a = maps.get(k);
                            ready.add(RowFactory.create(i.index(), i.name(), i.label(), attributor.name(),
                                    t.describe(), a.channels(), a.height(), a.width(), a.values()));
                        }
                        from = to;
                    }
                }
            };
        }
    }
}
