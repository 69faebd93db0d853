/**
 * The optimisation family on DJL: image parameterisations realised on an engine
 * ({@link io.github.explain4j.djl.optim.ImageParameterization}) and the methods that optimise images through the
 * seam's trace.
 */
package io.github.explain4j.djl.optim;
