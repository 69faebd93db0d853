package io.github.explain4j.djl.data;

import io.github.explain4j.djl.ExplainableModel;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.io.Serializable;
import java.util.List;

/**
 * Work that folds a dataset's layer activations into one result: top-k patches per unit, dissection statistics,
 * features for an embedding. The job itself is an immutable, serialisable value (its settings); each pass
 * {@link #start starts} a fresh {@link Accumulator}, which receives the batches in order. Accumulators of the
 * same job fed with disjoint parts of a dataset {@link Accumulator#merge merge} into the result of one pass over
 * the whole — how a job runs in partitions on Spark — and {@link Accumulator#write write} their state, so that an
 * interrupted pass resumes from its checkpoint.
 *
 * @param <R> the result
 */
public interface DatasetJob<R> extends Serializable {

    /** What the job computes, with its settings, e.g. {@code "top-9 activations of stage3"}. */
    String description();

    /** A fresh accumulator for a pass of {@code model} (checks the job's layers against the model). */
    Accumulator<R> start(ExplainableModel model);

    /**
     * The state of one pass.
     *
     * @param <R> the result
     */
    interface Accumulator<R> {

        /** The layers whose activations each batch must carry (paths the model resolves). */
        List<String> layers();

        /** Folds one batch in. Batches arrive in the order of their images' indices. */
        void add(LayerBatch batch);

        /**
         * Folds in another accumulator of the same job that saw other images.
         *
         * @throws IllegalArgumentException when {@code other} belongs to another job
         */
        void merge(Accumulator<R> other);

        /** The result of everything folded in so far (the accumulator stays usable). */
        R result();

        /** Writes the state, to be {@link #read} back by an accumulator of the same job. */
        void write(DataOutput out) throws IOException;

        /** Replaces the state with one {@link #write written} by an accumulator of the same job. */
        void read(DataInput in) throws IOException;
    }
}
