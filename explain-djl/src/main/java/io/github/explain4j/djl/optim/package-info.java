/**
 * The optimisation family on DJL: image parameterisations realised on an engine
 * ({@link io.github.explain4j.djl.optim.ImageParameterization}) and the methods that optimise images through the
 * seam's trace — feature visualisation, DeepDream, and texture synthesis and style transfer
 * ({@link io.github.explain4j.djl.optim.TextureSynthesis}, {@link io.github.explain4j.djl.optim.StyleTransfer}), whose
 * objectives are values too.
 */
package io.github.explain4j.djl.optim;
