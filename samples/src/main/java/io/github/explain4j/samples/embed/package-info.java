/**
 * Fashion-MNIST seen whole: k-nearest-neighbour accuracy, t-SNE and PCA scatter plots and a Karpathy grid of the
 * images ({@link io.github.explain4j.samples.embed.FashionEmbedding}), for pixels now and for a network's features
 * through the same method.
 */
package io.github.explain4j.samples.embed;
