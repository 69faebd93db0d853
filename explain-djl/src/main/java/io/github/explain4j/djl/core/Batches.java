package io.github.explain4j.djl.core;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.github.explain4j.djl.internal.HeapArrays;

/**
 * Batching into chunks, for methods that run the model many times per input: the items go through the model
 * {@code batchSize} at a time, each chunk in a scope of its own that is closed before the next one opens (so a call
 * holds at most one chunk's native arrays), and the {@link Tally} grows after each chunk.
 *
 * <pre>{@code
 * Batches.inChunks(scope, item, type, count, batchSize, tally,
 *         (index, values, offset) -> ...write item index at values[offset …],
 *         (chunk, batch, first, n) -> ...run the model on batch (n, item…) of items first … first + n − 1);
 * }</pre>
 */
public final class Batches {

    private Batches() {}

    /** One chunk: items {@code first … first + count − 1}, every native array created in {@code chunk}. */
    @FunctionalInterface
    public interface Chunk {
        /** Runs the chunk. */
        void run(NDManager chunk, int first, int count);
    }

    /** Writes one item of a heap batch. */
    @FunctionalInterface
    public interface Items {
        /** Writes item {@code index} into {@code values} from {@code offset} on (one item's worth of values). */
        void write(int index, float[] values, int offset);
    }

    /** One chunk of items made into a model batch. */
    @FunctionalInterface
    public interface Batch {
        /** Runs the chunk on {@code batch}, {@code (count, item…)} in {@code chunk}. */
        void run(NDManager chunk, NDArray batch, int first, int count);
    }

    /**
     * Runs {@code count} items through {@code body} in chunks of at most {@code batchSize}, in order, each chunk in a
     * sub-manager of {@code scope} closed when the chunk ends; adds each chunk's size to {@code tally}.
     */
    public static void inChunks(NDManager scope, int count, int batchSize, Tally tally, Chunk body) {
        for (int first = 0; first < count; first += batchSize) {
            int n = Math.min(batchSize, count - first);
            try (NDManager chunk = scope.newSubManager()) {
                body.run(chunk, first, n);
            }
            tally.add(n);
        }
    }

    /**
     * {@link #inChunks(NDManager, int, int, Tally, Chunk) inChunks} with heap-made batches: for each chunk the
     * items are written by {@code items} into one heap array, which becomes a {@code (n, item…)} array of
     * {@code type} in the chunk's scope, handed to {@code body}.
     *
     * @param item the shape of one item, e.g. {@code (C, H, W)}
     */
    public static void inChunks(NDManager scope, Shape item, DataType type, int count, int batchSize, Tally tally,
            Items items, Batch body) {
        int per = Math.toIntExact(item.size());
        inChunks(scope, count, batchSize, tally, (chunk, first, n) -> {
            float[] values = new float[n * per];
            for (int m = 0; m < n; m++) {
                items.write(first + m, values, m * per);
            }
            body.run(chunk, of(chunk, values, n, item, type), first, n);
        });
    }

    /** Heap rows, each one item of {@code item}'s shape, as one {@code (rows, item…)} array of {@code type}. */
    public static NDArray stack(NDManager manager, float[][] rows, Shape item, DataType type) {
        int per = Math.toIntExact(item.size());
        float[] all = new float[rows.length * per];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(rows[i], 0, all, i * per, per);
        }
        return of(manager, all, rows.length, item, type);
    }

    private static NDArray of(NDManager manager, float[] values, int count, Shape item, DataType type) {
        long[] shape = new long[item.dimension() + 1];
        shape[0] = count;
        System.arraycopy(item.getShape(), 0, shape, 1, item.dimension());
        return HeapArrays.create(manager, values, new Shape(shape)).toType(type, false);
    }
}
