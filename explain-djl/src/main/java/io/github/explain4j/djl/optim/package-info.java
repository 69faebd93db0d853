/**
 * The optimisation family on DJL: image parameterisations realised on an engine
 * ({@link io.github.explain4j.djl.optim.ImageParameterization}) and the methods that optimise images through the
 * seam's trace; the inversions of a representation, by optimisation
 * ({@link io.github.explain4j.djl.optim.FeatureInversion}) and by a trained up-convolutional decoder
 * ({@link io.github.explain4j.djl.optim.LearnedInversion}, {@link io.github.explain4j.djl.optim.InversionDecoder}).
 */
package io.github.explain4j.djl.optim;
