/**
 * Views of a network's insides on DJL models: a convolution's kernels ({@link Filters}) and a layer's feature maps
 * for an image ({@link Activations}); the values and their pictures are in {@code io.github.explain4j.inside}.
 */
package io.github.explain4j.djl.inside;
