/**
 * The engine-agnostic values of the optimisation half of explain4j — what a feature visualisation, an inversion
 * or an adversarial search optimises ({@link io.github.explain4j.optim.Objective}), how the image is
 * represented ({@link io.github.explain4j.optim.Parameterization}), the random transforms applied at each step
 * ({@link io.github.explain4j.optim.Transforms}) and the heap results ({@link io.github.explain4j.optim.FeatureImage},
 * {@link io.github.explain4j.optim.Inversion}). Descriptions only: engine bindings evaluate them.
 */
package io.github.explain4j.optim;
