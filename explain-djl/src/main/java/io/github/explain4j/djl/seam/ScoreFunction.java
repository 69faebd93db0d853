package io.github.explain4j.djl.seam;

import ai.djl.ndarray.NDArray;

/** The differentiable scalar per input that an explanation attributes: maps outputs {@code (N, …)} to {@code (N)}. */
@FunctionalInterface
public interface ScoreFunction {

    /** The score of each row of the model's output. */
    NDArray scores(NDArray output);
}
