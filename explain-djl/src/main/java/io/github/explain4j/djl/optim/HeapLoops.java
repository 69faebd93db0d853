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

    /** Runs {@code body} for {@code 0 … count − 1}, in parallel when there are several. */
    static void forEach(int count, IntConsumer body) {
        if (count == 1) {
            body.accept(0);
        } else {
            IntStream.range(0, count).parallel().forEach(body);
        }
    }
}
