/**
 * Inverting representations (issue 11): the training of the up-convolutional decoders of
 * {@link io.github.explain4j.djl.optim.LearnedInversion} ({@code InversionTrainer}) and the report and pictures that
 * set them beside {@link io.github.explain4j.djl.optim.FeatureInversion} ({@code InversionGallery}), for FashionNet
 * and ShapesNet ({@code InversionFixtures}).
 */
package io.github.explain4j.samples.inversion;
