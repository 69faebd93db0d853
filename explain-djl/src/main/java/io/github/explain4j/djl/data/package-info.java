/**
 * Running a model over a whole dataset: {@link io.github.explain4j.djl.data.DatasetPass} streams an
 * {@link io.github.explain4j.data.ImageSource} through the model batch by batch (memory bounded by the batch,
 * images prepared on a second thread while the model runs, progress, cancellation, resumable checkpoints) and
 * hands each batch's layer activations to a {@link io.github.explain4j.djl.data.DatasetJob}; jobs that fold a
 * dataset into a result (top-k patches, dissection, features) merge, so the same job runs in partitions on Spark.
 * {@link io.github.explain4j.djl.data.DatasetAttribution} writes any method's attributions of a dataset to files.
 */
package io.github.explain4j.djl.data;
