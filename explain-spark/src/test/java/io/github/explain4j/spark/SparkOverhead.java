package io.github.explain4j.spark;

import ai.djl.Model;
import io.github.explain4j.api.ProgressListener;
import io.github.explain4j.data.ImageSource;
import io.github.explain4j.data.SyntheticShapes;
import io.github.explain4j.djl.ExplainableModel;
import io.github.explain4j.djl.data.DatasetPass;
import io.github.explain4j.djl.inside.TopActivations;
import io.github.explain4j.djl.zoo.ShapesNet;
import io.github.explain4j.inside.TopHits;
import java.util.Locale;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Spark {@code local[2]}'s overhead over the local pipeline: the same top-9 job over ShapesNet's stage3 on
 * {@code N} shapes images, locally ({@link DatasetPass}, prefetch thread) and on Spark ({@link SparkPass}, 4
 * partitions), each run twice, interleaved, after a warm-up of both. Not a test (no {@code Test} suffix); run it
 * with the module's test class path (see the module's report for the command). Arguments: N (2000), engine
 * (PyTorch), batch (64).
 */
public final class SparkOverhead {

    private SparkOverhead() {}

    public static void main(String[] args) {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
        String engine = args.length > 1 ? args[1] : "PyTorch";
        int batch = args.length > 2 ? Integer.parseInt(args[2]) : 64;
        SyntheticShapes shapes = SyntheticShapes.create(64);
        TopActivations job = TopActivations.of("stage3");
        SparkSession spark = LocalSpark.start("SparkOverhead");
        try (Model m = ShapesNet.load(engine)) {
            ExplainableModel model = ShapesNet.explainable(m);
            ModelLoader loader = ModelLoaders.shapesNet(engine);
            // warm-up: engines, JIT, Spark's first job, the executor's model
            ImageSource warm = ImageSource.shapes(shapes, 9L, 256);
            DatasetPass.over(warm).batchSize(batch).progress(ProgressListener.NONE).run(model, job);
            SparkPass.run(SparkImages.from(spark, warm, 4), loader, job, batch);

            ImageSource source = ImageSource.shapes(shapes, SyntheticShapes.TEST_SEED, n);
            System.out.printf(Locale.ROOT, "%d shapes images, %s, batch %d, top-9 of stage3; local[2], 4 partitions%n",
                    n, engine, batch);
            for (int round = 1; round <= 2; round++) {
                long t0 = System.nanoTime();
                TopHits here = DatasetPass.over(source).batchSize(batch).progress(ProgressListener.NONE)
                        .run(model, job);
                long t1 = System.nanoTime();
                Dataset<Row> images = SparkImages.from(spark, source, 4);
                long t2 = System.nanoTime();
                TopHits there = SparkPass.run(images, loader, job, batch);
                long t3 = System.nanoTime();
                double local = (t1 - t0) / 1e9;
                double build = (t2 - t1) / 1e9;
                double run = (t3 - t2) / 1e9;
                System.out.printf(Locale.ROOT, "round %d: local %.2f s | spark: DataFrame on the driver %.2f s +"
                        + " pass %.2f s = %.2f s | ratio spark/local %.2f (pass only %.2f) | equal %b%n", round, local,
                        build, run, build + run, (build + run) / local, run / local, here.equals(there));
            }
        } finally {
            spark.stop();
        }
    }
}
