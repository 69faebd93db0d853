/**
 * Attribution methods that work from the model's gradients w.r.t. its input, and the template they share
 * ({@link io.github.explain4j.djl.core.AttributionMethod}): Saliency, Input × Gradient, Integrated
 * Gradients, and SmoothGrad, which wraps any method.
 */
package io.github.explain4j.djl.attribution;
