package io.github.explain4j.inside;

import io.github.explain4j.render.Colormap;
import io.github.explain4j.render.Heatmaps;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A layer's feature maps for one image, {@code channels × height × width}, on the heap — cs231n's activation view:
 * which channels respond to the image, and where.
 *
 * @param values the activations, row-major {@code (C, H, W)}
 * @param channels {@code C}
 * @param height {@code H} (1 for a dense layer)
 * @param width {@code W} (1 for a dense layer)
 * @param layer the layer's path
 * @param model the model's name
 */
public record LayerActivations(float[] values, int channels, int height, int width, String layer, String model) {

    /** Checks and copies the values. */
    public LayerActivations {
        Objects.requireNonNull(layer, "layer");
        Objects.requireNonNull(model, "model");
        if (channels < 1 || height < 1 || width < 1 || values.length != channels * height * width) {
            throw new IllegalArgumentException("activations have " + values.length + " values for the shape "
                    + channels + "×" + height + "×" + width);
        }
        values = values.clone();
    }

    /** The activations (a copy). */
    @Override
    public float[] values() {
        return values.clone();
    }

    /** Channel {@code c}'s map, {@code H × W} row-major. */
    public float[] map(int c) {
        if (c < 0 || c >= channels) {
            throw new IllegalArgumentException("channel was " + c + "; layer '" + layer + "' has " + channels
                    + " channels");
        }
        float[] m = new float[height * width];
        System.arraycopy(values, c * height * width, m, 0, m.length);
        return m;
    }

    /** The mean of each channel's map. */
    public double[] channelMeans() {
        double[] means = new double[channels];
        int plane = height * width;
        for (int c = 0; c < channels; c++) {
            double s = 0;
            for (int i = 0; i < plane; i++) {
                s += values[c * plane + i];
            }
            means[c] = s / plane;
        }
        return means;
    }

    /**
     * The first {@code count} channels' maps in a grid, each scaled to {@code cellSize} pixels on its longer side,
     * on one scale for the whole layer (0 to the layer's largest value, viridis; a signed layer — one with
     * negative values — on a symmetric diverging scale), so that weak channels look weak; captions name the
     * channels.
     */
    public BufferedImage image(int count, int columns, int cellSize) {
        if (count < 1 || cellSize < 1) {
            throw new IllegalArgumentException("count was " + count + " and cell size " + cellSize
                    + "; expected at least one channel of at least one pixel");
        }
        int n = Math.min(count, channels);
        boolean signed = false;
        double max = 0;
        for (float v : values) {
            signed |= v < 0;
            max = Math.max(max, Math.abs(v));
        }
        double scale = Math.max(1, cellSize / (double) Math.max(height, width));
        int h = (int) Math.round(height * scale);
        int w = (int) Math.round(width * scale);
        List<BufferedImage> cells = new ArrayList<>();
        List<String> captions = new ArrayList<>();
        Colormap colours = signed ? Colormap.DIVERGING : Colormap.VIRIDIS;
        for (int c = 0; c < n; c++) {
            BufferedImage cell = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    double v = values[(c * height + y * height / h) * width + x * width / w];
                    double t = max == 0 ? (signed ? 0.5 : 0) : signed ? 0.5 + 0.5 * v / max : v / max;
                    cell.setRGB(x, y, colours.argb(t));
                }
            }
            cells.add(cell);
            captions.add(String.valueOf(c));
        }
        return Heatmaps.grid(cells, captions, columns);
    }
}
