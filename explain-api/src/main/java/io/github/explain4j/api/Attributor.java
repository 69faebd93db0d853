package io.github.explain4j.api;

import java.util.Collections;
import java.util.List;

/**
 * An attribution method: it assigns to each element of an input a share of a target score.
 *
 * <p>Implementations are immutable settings values: configuring one returns a new value, and one value may be
 * used from several threads. Each call opens and releases its own engine resources and returns heap values.
 *
 * @param <M> the model type of the engine binding
 * @param <I> the input type of the engine binding (for example an image)
 */
public interface Attributor<M, I> {

    /** The method's name as written in papers and provenance, e.g. {@code "Grad-CAM"}. */
    String name();

    /** Explains each input of a batch; the result list has one attribution per input, in order. */
    List<Attribution> explain(M model, List<I> inputs, Target target);

    /** Explains one input (a null input reaches the binding, which names it as input 0). */
    default Attribution explain(M model, I input, Target target) {
        return explain(model, Collections.singletonList(input), target).get(0);
    }
}
