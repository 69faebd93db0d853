package io.github.explain4j.render;

import io.github.explain4j.embed.Embedding;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The images of a dataset laid out by their 2-D embedding, after Karpathy's "t-SNE visualization of CNN codes"
 * (cs.stanford.edu/people/karpathy/cnnembed): nearby images look alike to the network. Two layouts:
 *
 * <ul>
 *   <li>{@link #grid(int, int, int)}: a full {@code columns × rows} grid of {@code cell}-pixel tiles. The
 *       embedding is scaled to the unit square (each axis by its own range, larger second coordinate up, as in a
 *       {@link ScatterPlot}); the cells are filled in raster order, each with the nearest not yet used point to
 *       the cell's centre. Each image appears at most once; with more points than cells some are left out, with
 *       fewer the last cells stay white. Greedy, {@code O(cells · n)}.</li>
 *   <li>{@link #pasted(int, int, int)}: every image pasted at its scaled coordinates on a {@code width × height}
 *       canvas, in the points' order, later ones on top (Karpathy's first figure).</li>
 * </ul>
 *
 * Images are scaled to the tile with bilinear interpolation. Immutable.
 *
 * <pre>{@code
 * BufferedImage map = ImageMap.grid(40, 40, 28).render(embedding, thumbnails);
 * }</pre>
 */
public final class ImageMap {

    private final boolean grid;
    private final int columns;
    private final int rows;
    private final int width;
    private final int height;
    private final int cell;

    private ImageMap(boolean grid, int columns, int rows, int width, int height, int cell) {
        this.grid = grid;
        this.columns = columns;
        this.rows = rows;
        this.width = width;
        this.height = height;
        this.cell = cell;
    }

    /**
     * A grid of {@code columns × rows} tiles of {@code cell × cell} pixels, each holding the image nearest to it.
     *
     * @param columns at least 1
     * @param rows at least 1
     * @param cell the tile's side in pixels, at least 1
     * @return the layout
     */
    public static ImageMap grid(int columns, int rows, int cell) {
        if (columns < 1 || rows < 1 || cell < 1 || (long) columns * rows * cell * cell > 200_000_000L) {
            throw new IllegalArgumentException("grid was " + columns + " × " + rows + " cells of " + cell
                    + " pixels; expected positive sizes and an image of at most 200 M pixels, e.g. 40 × 40 of 28");
        }
        return new ImageMap(true, columns, rows, columns * cell, rows * cell, cell);
    }

    /**
     * A {@code width × height} canvas with each image pasted at its scaled coordinates, {@code cell} pixels wide.
     *
     * @param width the canvas width, larger than {@code cell}
     * @param height the canvas height, larger than {@code cell}
     * @param cell the pasted images' side in pixels, at least 1
     * @return the layout
     */
    public static ImageMap pasted(int width, int height, int cell) {
        if (cell < 1 || width <= cell || height <= cell || (long) width * height > 200_000_000L) {
            throw new IllegalArgumentException("canvas was " + width + " × " + height + " with images of " + cell
                    + " pixels; expected cell ≥ 1, a canvas larger than a cell and at most 200 M pixels");
        }
        return new ImageMap(false, 0, 0, width, height, cell);
    }

    /** @return the rendered image's width in pixels */
    public int width() {
        return width;
    }

    /** @return the rendered image's height in pixels */
    public int height() {
        return height;
    }

    /**
     * Which point each grid cell shows (grid layout only).
     *
     * @param embedding the points' 2-D positions
     * @return {@code rows × columns} point indices in raster order, −1 for an empty cell
     */
    public int[] assignment(Embedding embedding) {
        if (!grid) {
            throw new IllegalStateException("a pasted map places every point; assignment is for ImageMap.grid");
        }
        int n = embedding.size();
        double[][] u = unit(embedding);
        boolean[] used = new boolean[n];
        int[] out = new int[columns * rows];
        Arrays.fill(out, -1);
        int left = n;
        for (int r = 0; r < rows && left > 0; r++) {
            double cy = 1 - (r + 0.5) / rows;
            for (int c = 0; c < columns && left > 0; c++) {
                double cx = (c + 0.5) / columns;
                int best = -1;
                double bestD = Double.POSITIVE_INFINITY;
                for (int i = 0; i < n; i++) {
                    if (!used[i]) {
                        double dx = u[i][0] - cx;
                        double dy = u[i][1] - cy;
                        double d = dx * dx + dy * dy;
                        if (d < bestD) {
                            bestD = d;
                            best = i;
                        }
                    }
                }
                used[best] = true;
                out[r * columns + c] = best;
                left--;
            }
        }
        return out;
    }

    /**
     * Draws the map on white.
     *
     * @param embedding the points' 2-D positions
     * @param images one image per point, same order
     * @return the map, {@link #width()} × {@link #height()}
     */
    public BufferedImage render(Embedding embedding, List<BufferedImage> images) {
        Objects.requireNonNull(embedding, "embedding");
        Objects.requireNonNull(images, "images");
        if (images.size() != embedding.size()) {
            throw new IllegalArgumentException("there are " + images.size() + " images for " + embedding.size()
                    + " points; expected one image per point, in the embedding's order");
        }
        BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        try {
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, width, height);
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            if (grid) {
                int[] a = assignment(embedding);
                for (int k = 0; k < a.length; k++) {
                    if (a[k] >= 0) {
                        g.drawImage(Objects.requireNonNull(images.get(a[k]), "image " + a[k]), (k % columns) * cell,
                                (k / columns) * cell, cell, cell, null);
                    }
                }
            } else {
                double[][] u = unit(embedding);
                for (int i = 0; i < u.length; i++) {
                    int px = (int) Math.round(u[i][0] * (width - cell));
                    int py = (int) Math.round((1 - u[i][1]) * (height - cell));
                    g.drawImage(Objects.requireNonNull(images.get(i), "image " + i), px, py, cell, cell, null);
                }
            }
        } finally {
            g.dispose();
        }
        return out;
    }

    /** The coordinates scaled to {@code [0, 1]} per axis (a constant axis to 0.5). */
    private static double[][] unit(Embedding e) {
        int n = e.size();
        double[][] u = new double[n][2];
        for (int axis = 0; axis < 2; axis++) {
            double min = Double.POSITIVE_INFINITY;
            double max = Double.NEGATIVE_INFINITY;
            for (int i = 0; i < n; i++) {
                double v = axis == 0 ? e.x(i) : e.y(i);
                min = Math.min(min, v);
                max = Math.max(max, v);
            }
            for (int i = 0; i < n; i++) {
                double v = axis == 0 ? e.x(i) : e.y(i);
                u[i][axis] = max > min ? (v - min) / (max - min) : 0.5;
            }
        }
        return u;
    }
}
