/**
 * explain4j on Apache Spark 3.5 (Scala 2.12 build): the dataset jobs of {@link io.github.explain4j.djl.data} and
 * any attribution method, over images held in a Spark DataFrame.
 *
 * <ul>
 * <li>{@link io.github.explain4j.spark.SparkImages}: the images DataFrame ({@code index, name, label, image} —
 * the image file's bytes) from an {@link io.github.explain4j.data.ImageSource}, from {@code binaryFile} or from
 * Spark's {@code image} source;</li>
 * <li>{@link io.github.explain4j.spark.ModelLoader}, {@link io.github.explain4j.spark.ModelLoaders},
 * {@link io.github.explain4j.spark.ExecutorModels}: a serialisable recipe of the model, loaded once per executor
 * JVM and key, closed at the JVM's shutdown;</li>
 * <li>{@link io.github.explain4j.spark.SparkPass}: a {@link io.github.explain4j.djl.data.DatasetJob} in the
 * partitions, its accumulators' states merged by a tree reduce — the same result as the local
 * {@link io.github.explain4j.djl.data.DatasetPass};</li>
 * <li>{@link io.github.explain4j.spark.SparkAttributions}: one attribution map per image as a DataFrame, the same
 * values as local calls of the method.</li>
 * </ul>
 *
 * <p>Spark is a {@code provided} dependency: a cluster brings its own. On Java 17 the JVMs need the
 * {@code --add-opens} flags Spark documents (spark-submit adds them; tests and embedded uses set them, see this
 * module's surefire configuration).
 */
package io.github.explain4j.spark;
