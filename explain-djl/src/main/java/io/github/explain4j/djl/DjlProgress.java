package io.github.explain4j.djl;

import ai.djl.util.Progress;
import io.github.explain4j.api.ProgressListener;
import java.util.Objects;

/**
 * Shows explain4j's progress on a DJL {@link Progress}, e.g. a {@code ai.djl.training.util.ProgressBar}:
 *
 * <pre>{@code
 * ExplainableModel m = model.withProgress(DjlProgress.of(new ProgressBar()));
 * }</pre>
 */
public final class DjlProgress implements ProgressListener {

    private final Progress progress;
    private String task;
    private long total = -1;

    private DjlProgress(Progress progress) {
        this.progress = progress;
    }

    /** A listener that drives {@code progress}. */
    public static DjlProgress of(Progress progress) {
        return new DjlProgress(Objects.requireNonNull(progress, "progress"));
    }

    @Override
    public synchronized void progress(String newTask, long done, long newTotal) {
        if (!newTask.equals(task) || newTotal != total || done < 0) {
            task = newTask;
            total = newTotal;
            progress.reset(newTask, newTotal);
        }
        progress.update(done);
        if (done >= newTotal) {
            progress.end();
            task = null;
        }
    }
}
