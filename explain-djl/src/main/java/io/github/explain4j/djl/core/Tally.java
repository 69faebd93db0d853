package io.github.explain4j.djl.core;

import io.github.explain4j.api.ProgressListener;
import io.github.explain4j.djl.ExplainableModel;

/**
 * The passes a multi-pass call has done, reported to the model's {@link ProgressListener} each time it grows. One
 * per call (or per stage of a call), used from the calling thread only.
 */
public final class Tally {

    private final ProgressListener listener;
    private final String task;
    private final long total;
    private long done;

    private Tally(ProgressListener listener, String task, long total) {
        this.listener = listener;
        this.task = task;
        this.total = total;
    }

    /** A tally of {@code total} passes of {@code task} (the method's name), reported to {@code model}'s listener. */
    public static Tally of(ExplainableModel model, String task, long total) {
        return of(model.progress(), task, total);
    }

    /** A tally of {@code total} passes of {@code task}, reported to {@code listener}. */
    public static Tally of(ProgressListener listener, String task, long total) {
        return new Tally(listener, task, total);
    }

    /** Counts {@code passes} more and reports. */
    public void add(long passes) {
        done += passes;
        listener.progress(task, done, total);
    }

    /** Moves the count up to {@code passes} and reports, if it is below (work found unnecessary counts as done). */
    public void reach(long passes) {
        if (done < passes) {
            done = passes;
            listener.progress(task, done, total);
        }
    }
}
