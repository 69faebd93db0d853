package io.github.explain4j.djl.data;

import io.github.explain4j.data.DatasetItem;
import io.github.explain4j.data.ImageSource;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CancellationException;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * Reads and prepares the next batches on a thread of its own while the model runs on the caller's: decoding and
 * normalising images costs as much as a small model's forward pass. At most two prepared batches wait, so memory
 * stays bounded. A failure of the reading thread reaches the caller at the batch where it happened.
 */
final class Prefetch implements AutoCloseable {

    /** A batch ready for the model: its images and their normalised values (empty values when not asked for). */
    record Prepared(List<DatasetItem> items, float[] input) {}

    private static final Prepared END = new Prepared(List.of(), new float[0]);
    private static final int WAITING = 2;

    private final BlockingQueue<Object> queue = new ArrayBlockingQueue<>(WAITING);
    private final Thread thread;
    private volatile boolean closed;

    private Prefetch(ImageSource source, long first, int batchSize, Function<List<BufferedImage>, float[]> prepare) {
        thread = new Thread(() -> produce(source, first, batchSize, prepare), "explain4j-prefetch");
        thread.setDaemon(true);
    }

    /** Starts reading {@code source} from {@code first}; {@code prepare} (may be null) makes each batch's values. */
    static Prefetch start(ImageSource source, long first, int batchSize,
            Function<List<BufferedImage>, float[]> prepare) {
        Prefetch p = new Prefetch(source, first, batchSize, prepare);
        p.thread.start();
        return p;
    }

    private void produce(ImageSource source, long first, int batchSize,
            Function<List<BufferedImage>, float[]> prepare) {
        try (Stream<DatasetItem> stream = source.stream(first)) {
            Iterator<DatasetItem> it = stream.iterator();
            long expected = first;
            while (!closed) {
                List<DatasetItem> items = new ArrayList<>(batchSize);
                while (items.size() < batchSize && it.hasNext()) {
                    DatasetItem item = it.next();
                    if (item.index() != expected) {
                        throw new IllegalStateException("source " + source.description() + " handed out image "
                                + item.index() + " where image " + expected + " was due; a source must stream its"
                                + " images in order from the index asked for");
                    }
                    expected++;
                    items.add(item);
                }
                if (items.isEmpty()) {
                    break;
                }
                List<BufferedImage> images = new ArrayList<>(items.size());
                for (DatasetItem item : items) {
                    images.add(item.image());
                }
                queue.put(new Prepared(items, prepare == null ? new float[0] : prepare.apply(images)));
            }
            queue.put(END);
        } catch (InterruptedException e) {
            // closed by the consumer
        } catch (RuntimeException | Error e) {
            try {
                queue.put(e);
            } catch (InterruptedException ignored) {
                // closed by the consumer
            }
        }
    }

    /**
     * The next batch, or null at the end of the source.
     *
     * @throws CancellationException when the calling thread is interrupted while waiting
     * @throws RuntimeException the reading thread's failure, as it was thrown there
     */
    Prepared next() {
        Object o;
        try {
            o = queue.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CancellationException("dataset pass interrupted while waiting for images");
        }
        if (o instanceof RuntimeException e) {
            throw e;
        }
        if (o instanceof Error e) {
            throw e;
        }
        Prepared p = (Prepared) o;
        return p == END ? null : p;
    }

    @Override
    public void close() {
        closed = true;
        thread.interrupt();
        queue.clear();
        // wait for the reader even when the caller is interrupted (a cancelled pass): it must not go on reading
        boolean interrupted = false;
        while (thread.isAlive()) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
