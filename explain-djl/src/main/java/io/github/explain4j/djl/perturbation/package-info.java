/**
 * Perturbation attributions: methods that only run the model forward on altered copies of the input — occlusion,
 * RISE and LIME — in batches, on the template {@link io.github.explain4j.djl.perturbation.PerturbationMethod}.
 */
package io.github.explain4j.djl.perturbation;
