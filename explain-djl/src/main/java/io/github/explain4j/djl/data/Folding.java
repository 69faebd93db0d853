package io.github.explain4j.djl.data;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The pass's third stage: batches are folded into the job's accumulator on a thread of their own while the model
 * runs the next batch. One batch at a time, in order: {@link #fold} waits for the previous batch to be folded in
 * (and throws what folding it threw) before handing over the next; {@link #await} is the point after which the
 * accumulator holds every batch handed over, for a checkpoint or the result.
 */
final class Folding implements AutoCloseable {

    private final DatasetJob.Accumulator<?> accumulator;
    private final ExecutorService thread;
    private Future<?> pending;

    Folding(DatasetJob.Accumulator<?> accumulator) {
        this.accumulator = accumulator;
        this.thread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "explain4j-fold");
            t.setDaemon(true);
            return t;
        });
    }

    /** Waits for the previous batch, then folds {@code batch} in on the folding thread. */
    void fold(LayerBatch batch) {
        await();
        pending = thread.submit(() -> accumulator.add(batch));
    }

    /**
     * Waits until every batch handed over is folded in (uninterruptibly: a fold is short, and a cancelled pass
     * must save a state no thread is still changing; the interrupt is kept for the caller) and throws what
     * folding threw.
     */
    void await() {
        Future<?> f = pending;
        if (f == null) {
            return;
        }
        pending = null;
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    f.get();
                    return;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException("folding a batch failed: " + cause, cause);
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Waits for the batch in progress (without throwing: the pass is already ending) and stops the thread. */
    @Override
    public void close() {
        try {
            await();
        } catch (RuntimeException | Error ignored) {
            // the pass ends with its own exception, or has already thrown this one from await()
        } finally {
            thread.shutdown();
        }
    }
}
