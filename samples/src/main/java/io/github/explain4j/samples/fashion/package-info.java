/**
 * The Fashion-MNIST fixture: a small convolutional network ({@link io.github.explain4j.samples.fashion.FashionNet}),
 * a reader for the dataset's IDX files ({@link io.github.explain4j.samples.fashion.FashionMnist}) and the program
 * that trains the committed parameters ({@link io.github.explain4j.samples.fashion.FashionMnistTrainer}).
 *
 * <p>The dataset comes from the Debian package {@code dataset-fashion-mnist} (MIT licence), installed under
 * {@value io.github.explain4j.samples.fashion.FashionMnist#DEFAULT_DIR}; nothing is ever downloaded.
 */
package io.github.explain4j.samples.fashion;
