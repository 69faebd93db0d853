/**
 * The Fashion-MNIST fixture: a small convolutional network ({@link io.github.explain4j.samples.fashion.FashionNet}),
 * a reader for the dataset's IDX files ({@link io.github.explain4j.samples.fashion.FashionMnist}) and the program
 * that trains the committed parameters ({@link io.github.explain4j.samples.fashion.FashionMnistTrainer}).
 *
 * <p>The dataset is Zalando's Fashion-MNIST (MIT licence); nothing is ever downloaded. Its test split is committed
 * under {@value io.github.explain4j.samples.fashion.FashionMnist#COMMITTED_DIR} at the repository root; both splits
 * come with the Debian package {@code dataset-fashion-mnist}, installed under
 * {@value io.github.explain4j.samples.fashion.FashionMnist#DEFAULT_DIR}.
 */
package io.github.explain4j.samples.fashion;
