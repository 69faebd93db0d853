package io.github.explain4j.api;

import io.github.explain4j.optim.Inversion;

/**
 * A view of what a layer's representation keeps of an image: it reconstructs an image whose representation matches
 * the given one's (optimisation-based, Mahendran &amp; Vedaldi 2015; or learned, Dosovitskiy &amp; Brox 2016).
 *
 * <p>Implementations are immutable settings values usable from several threads; each call opens and releases its
 * own engine resources and returns a heap value.
 *
 * @param <M> the model type of the engine binding
 * @param <I> the input type of the engine binding (for example an image)
 */
public interface Inverter<M, I> {

    /** The method's name as written in papers and provenance. */
    String name();

    /** Reconstructs {@code image} from its representation at the inverter's layers. */
    Inversion invert(M model, I image);
}
