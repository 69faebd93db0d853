package io.github.explain4j.spark;

import io.github.explain4j.data.DatasetItem;
import io.github.explain4j.djl.ExplainableModel;
import io.github.explain4j.djl.data.DatasetJob;
import io.github.explain4j.djl.data.DatasetPass;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import org.apache.spark.SparkException;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.api.java.function.Function2;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * A {@link DatasetJob} (top-k activations, dissection statistics, …) over the images of a Spark DataFrame: the
 * dataset pass of {@link DatasetPass}, partition by partition. Each partition gets its executor's model from
 * {@link ExecutorModels} (loaded once per executor JVM), feeds its rows to a fresh accumulator of the job, in
 * index order and {@code batchSize} images at a time ({@link DatasetPass#feed}), and hands back the
 * accumulator's state as bytes ({@link DatasetJob.Accumulator#write}); the states are merged pairwise by a tree
 * reduce (read two, {@link DatasetJob.Accumulator#merge merge}, write), so the driver receives a few small byte
 * arrays, never activations. The result equals {@code DatasetPass.over(source).run(model, job)} on the same
 * images (exactly so for {@link io.github.explain4j.djl.inside.TopActivations}, whose merge is associative and
 * commutative).
 *
 * <pre>{@code
 * Dataset<Row> images = SparkImages.fromBinaryFiles(spark.read().format("binaryFile").load("hdfs:///shapes"));
 * TopHits top = SparkPass.run(images, ModelLoaders.shapesNet("PyTorch"), TopActivations.of("stage3"), 64);
 * }</pre>
 *
 * <p>The driver loads the model too (through the same cache), once: a job's accumulator is started from the
 * model, and the last merge and the result happen there. Progress, checkpoints and cancellation are Spark's
 * (its UI, task retries, {@code cancelJobGroup}).
 */
public final class SparkPass {

    private SparkPass() {}

    /**
     * Runs {@code job} over {@code images} (columns of {@link SparkImages#SCHEMA}).
     *
     * @param batchSize images per forward pass within a partition
     * @throws IllegalArgumentException when {@code batchSize} is not positive, the DataFrame lacks a column, or (in
     *     the job) an image is null or unreadable — the message names the image and the fix
     * @throws IllegalStateException when the model cannot be loaded on an executor
     */
    public static <R> R run(Dataset<Row> images, ModelLoader loader, DatasetJob<R> job, int batchSize) {
        Objects.requireNonNull(images, "images was null; pass a DataFrame made by SparkImages");
        Objects.requireNonNull(loader, "loader was null; pass e.g. ModelLoaders.shapesNet(\"PyTorch\")");
        Objects.requireNonNull(job, "job was null; pass e.g. TopActivations.of(\"stage3\")");
        checkBatch(batchSize);
        SparkImages.check(images.schema());
        JavaRDD<byte[]> states = images.select(SparkImages.columns(images.schema())).sortWithinPartitions("index")
                .javaRDD().mapPartitions(new Partition<>(loader, job, batchSize));
        Merge<R> merge = new Merge<>(loader, job);
        // the empty array is no state: the identity of merge, so empty partitions and datasets need no special case
        byte[] merged = unwrapped(() -> states.treeAggregate(new byte[0], merge, merge, 2));
        DatasetJob.Accumulator<R> acc = job.start(ExecutorModels.get(loader));
        if (merged.length > 0) {
            read(acc, merged);
        }
        return acc.result();
    }

    static void checkBatch(int batchSize) {
        if (batchSize <= 0) {
            throw new IllegalArgumentException("batch size was " + batchSize + "; expected a positive number of images"
                    + " per forward pass, e.g. 64");
        }
    }

    /**
     * Runs a Spark action; a failure of our own code inside a task (an {@link IllegalArgumentException} or
     * {@link IllegalStateException} naming the image) is rethrown as its own type with its own message, instead of
     * Spark's "Job aborted due to stage failure" wrapper.
     */
    static <T> T unwrapped(java.util.function.Supplier<T> action) {
        try {
            return action.get();
        } catch (Exception e) { // Spark's actions throw SparkException, a checked exception, undeclared
            if (!e.getClass().getName().startsWith("org.apache.spark")) {
                throw e instanceof RuntimeException re ? re : new IllegalStateException(e);
            }
            for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
                if (t instanceof IllegalArgumentException) {
                    throw new IllegalArgumentException(t.getMessage(), e);
                }
                if (t instanceof IllegalStateException) {
                    throw new IllegalStateException(t.getMessage(), e);
                }
            }
            throw e instanceof RuntimeException re ? re : new IllegalStateException(e.getMessage(), e);
        }
    }

    /** One partition: its rows through the model in batches, the accumulator's state as bytes (none if empty). */
    private record Partition<R>(ModelLoader loader, DatasetJob<R> job, int batchSize)
            implements FlatMapFunction<Iterator<Row>, byte[]> {
        private static final long serialVersionUID = 1L;

        @Override
        public Iterator<byte[]> call(Iterator<Row> rows) {
            if (!rows.hasNext()) {
                return Collections.emptyIterator();
            }
            ExplainableModel model = ExecutorModels.get(loader);
            DatasetJob.Accumulator<R> acc = job.start(model);
            List<DatasetItem> batch = new ArrayList<>(batchSize);
            while (rows.hasNext()) {
                batch.add(SparkImages.item(rows.next()));
                if (batch.size() == batchSize || !rows.hasNext()) {
                    DatasetPass.feed(model, batch, acc);
                    batch = new ArrayList<>(batchSize);
                }
            }
            return List.of(write(acc)).iterator();
        }
    }

    /** Two states into one: read both, merge, write. An empty array is no state. */
    private record Merge<R>(ModelLoader loader, DatasetJob<R> job) implements Function2<byte[], byte[], byte[]> {
        private static final long serialVersionUID = 1L;

        @Override
        public byte[] call(byte[] a, byte[] b) {
            if (a.length == 0) {
                return b;
            }
            if (b.length == 0) {
                return a;
            }
            ExplainableModel model = ExecutorModels.get(loader);
            DatasetJob.Accumulator<R> left = job.start(model);
            read(left, a);
            DatasetJob.Accumulator<R> right = job.start(model);
            read(right, b);
            left.merge(right);
            return write(left);
        }
    }

    static byte[] write(DatasetJob.Accumulator<?> acc) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (DataOutputStream out = new DataOutputStream(bytes)) {
                acc.write(out);
            }
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the state of " + acc, e);
        }
    }

    static void read(DatasetJob.Accumulator<?> acc, byte[] state) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(state))) {
            acc.read(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read a state of " + acc, e);
        }
    }
}
