/**
 * A dataset's features seen whole, as heap values: {@link io.github.explain4j.embed.Pca} (EJML's SVD),
 * {@link io.github.explain4j.embed.Tsne} (exact t-SNE of van der Maaten &amp; Hinton 2008 and Barnes–Hut t-SNE of
 * van der Maaten 2014) giving an {@link io.github.explain4j.embed.Embedding} in the plane,
 * {@link io.github.explain4j.embed.Trustworthiness} of an embedding (Venna &amp; Kaski 2001) and
 * {@link io.github.explain4j.embed.NearestNeighbours} (k-NN search and accuracy, cs231n's feature space against
 * pixel space). Everything takes features as {@code float[n][D]}, one row per item; the rendering is
 * {@link io.github.explain4j.render.ScatterPlot} and {@link io.github.explain4j.render.ImageMap} (Karpathy's t-SNE
 * grid of CNN codes).
 *
 * <pre>{@code
 * Embedding e = Tsne.defaults().embed(features, labels);
 * double t = Trustworthiness.of(features, e, 12);
 * double feat = NearestNeighbours.k(5).accuracy(refFeatures, refLabels, queryFeatures, queryLabels);
 * Heatmaps.write(ScatterPlot.of(e, classNames).render(900, 700), Path.of("out/tsne.png"));
 * }</pre>
 */
package io.github.explain4j.embed;
