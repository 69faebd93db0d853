/**
 * Pure-Java rendering of attribution maps: colormaps ({@link io.github.explain4j.render.Colormap}), normalisation
 * to {@code [0, 1]} ({@link io.github.explain4j.render.Normalizer}), heatmap images, bilinear resizing, overlays
 * on the input image ({@link io.github.explain4j.render.Overlay}), captioned grids and PNG files
 * ({@link io.github.explain4j.render.Heatmaps}); plots of embeddings: {@link io.github.explain4j.render.ScatterPlot}
 * and {@link io.github.explain4j.render.ImageMap}.
 *
 * <p>Only {@code java.awt} and {@code javax.imageio} are used; everything works in a headless JVM.
 *
 * <pre>{@code
 * BufferedImage heat = Heatmaps.render(attribution);                      // diverging if signed, else jet
 * BufferedImage over = Overlay.alpha(0.5).colormap(Colormap.VIRIDIS).clip(99).apply(photo, attribution);
 * Heatmaps.write(Heatmaps.grid(List.of(photo, over), List.of("input", "Grad-CAM"), 2), Path.of("out/cat.png"));
 * }</pre>
 */
package io.github.explain4j.render;
