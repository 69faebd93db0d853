/**
 * The one engine-specific seam of explain4j: how to run a model of a given kind (a DJL {@code Block} tree, a
 * TorchScript module, ...) so that its layers can be reached and its gradients are correct on every engine.
 *
 * <p>Every algorithm is written once against {@link io.github.explain4j.djl.seam.ModelSeam}; a new kind of model
 * is one new implementation of it. Methods that replace the chain rule at some layers (guided backpropagation,
 * LRP) run on {@link io.github.explain4j.djl.seam.LayerwiseBackward}, a layer-by-layer backward pass over the same
 * block tree.
 */
package io.github.explain4j.djl.seam;
