package io.github.explain4j.djl.seam;

import ai.djl.ndarray.NDArray;

/**
 * What one forward and backward pass gives. All arrays belong to the scope the pass was given.
 *
 * @param output the model's output {@code (N, K)}, without gradient history
 * @param scores the scores that were differentiated {@code (N)}
 * @param inputGradient the gradient of the scores w.r.t. the input, or {@code null} when a layer was asked for
 * @param activation the layer's output, or {@code null} when no layer was asked for
 * @param activationGradient the gradient of the scores w.r.t. the layer's output, or {@code null}
 */
public record GradientResult(
        NDArray output, NDArray scores, NDArray inputGradient, NDArray activation, NDArray activationGradient) {

    /** Moves every array of this result into {@code scope} and returns it. */
    public GradientResult attachTo(ai.djl.ndarray.NDManager scope) {
        for (NDArray a : new NDArray[] {output, scores, inputGradient, activation, activationGradient}) {
            if (a != null) {
                a.attach(scope);
            }
        }
        return this;
    }
}
