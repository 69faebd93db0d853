/**
 * Class-activation maps: methods that weight the feature maps of a convolutional layer. Grad-CAM so far; the
 * generic work (reaching the layer, its gradient, ReLU, upsampling to the input) lives in
 * {@link io.github.explain4j.djl.cam.GradCam} until the family grows.
 */
package io.github.explain4j.djl.cam;
