package io.github.explain4j.api;

/**
 * Receives the progress of long work (an Integrated Gradients path, SmoothGrad's noisy samples, an optimisation
 * loop, a dataset pass). Called on the computing thread; keep it cheap.
 */
@FunctionalInterface
public interface ProgressListener {

    /** A listener that ignores everything. */
    ProgressListener NONE = (task, done, total) -> { };

    /**
     * Reports progress.
     *
     * @param task what is running, e.g. {@code "Integrated Gradients"}
     * @param done units done so far
     * @param total units in all
     */
    void progress(String task, long done, long total);
}
