package io.github.explain4j.djl.optim;

import java.util.function.IntConsumer;
import java.util.stream.IntStream;

/**
 * Independent loops of an optimisation step's heap work (image planes through the FFT, resampling planes), run on
 * the common fork-join pool when there is more than one: the engine waits while they run, so they may use the
 * cores it leaves idle.
 */
final class HeapLoops {

    private HeapLoops() {}

    /** Below this many values a loop runs on the calling thread: handing it to the pool would cost more. */
    static final int PARALLEL_FROM = 1 << 14;

    /**
     * Runs {@code body} for {@code 0 … count − 1}, in parallel when there are several and the loop touches at least
     * {@link #PARALLEL_FROM} values in all.
     */
    static void forEach(int count, long values, IntConsumer body) {
        if (count == 1 || values < PARALLEL_FROM) {
            for (int i = 0; i < count; i++) {
                body.accept(i);
            }
        } else {
            IntStream.range(0, count).parallel().forEach(body);
        }
    }

    /** A loop body over the indices {@code from … to − 1}. */
    interface Range {
        void run(int from, int to);
    }

    /** Runs {@code body} over {@code 0 … length − 1} in as many contiguous parts as {@link #parts} allows. */
    static void forChunks(int length, Range body) {
        int parts = parts(length, length);
        int chunk = (length + parts - 1) / parts;
        forEach(parts, length, k -> body.run(k * chunk, Math.min(length, (k + 1) * chunk)));
    }

    /** How many parallel parts a loop over {@code values} values is worth: one below {@link #PARALLEL_FROM}. */
    static int parts(long values, int most) {
        return values < PARALLEL_FROM ? 1 : Math.max(1, Math.min(most, Runtime.getRuntime().availableProcessors()));
    }
}
