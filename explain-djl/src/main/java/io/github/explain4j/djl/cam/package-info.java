/**
 * Class-activation maps: methods that weight the feature maps of a convolutional layer. {@link
 * io.github.explain4j.djl.cam.CamMethod} owns the generic work (layers, ReLU, upsampling, averaging);
 * {@link io.github.explain4j.djl.cam.GradientCamMethod} and {@link io.github.explain4j.djl.cam.PerturbationCamMethod}
 * get a layer's maps from a backward pass or from forward passes, so that each variant is its formula, written with
 * the heap algebra of {@link io.github.explain4j.djl.cam.FeatureMaps}.
 */
package io.github.explain4j.djl.cam;
