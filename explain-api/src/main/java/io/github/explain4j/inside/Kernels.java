package io.github.explain4j.inside;

import io.github.explain4j.render.Colormap;
import io.github.explain4j.render.Heatmaps;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A convolution's kernels, {@code outChannels × inChannels × kernelHeight × kernelWidth}, copied to the heap — the
 * filters cs231n shows for the first layer of a trained network (smooth, oriented, coloured edge and blob
 * detectors) and, per output channel, for deeper layers.
 *
 * @param weights the kernels, row-major {@code (O, I, kh, kw)}
 * @param outChannels {@code O}, the layer's output channels
 * @param inChannels {@code I}, the input channels each kernel reads (per group for grouped convolutions)
 * @param kernelHeight {@code kh}
 * @param kernelWidth {@code kw}
 * @param layer the layer's path
 * @param model the model's name
 */
public record Kernels(float[] weights, int outChannels, int inChannels, int kernelHeight, int kernelWidth,
        String layer, String model) {

    /** Pixels per kernel value in the rendered grids, so that 3×3 and 5×5 kernels are visible. */
    public static final int ZOOM = 8;

    /** Checks and copies the values. */
    public Kernels {
        Objects.requireNonNull(layer, "layer");
        Objects.requireNonNull(model, "model");
        if (outChannels < 1 || inChannels < 1 || kernelHeight < 1 || kernelWidth < 1) {
            throw new IllegalArgumentException("kernel shape was " + outChannels + "×" + inChannels + "×"
                    + kernelHeight + "×" + kernelWidth + "; every size must be at least 1");
        }
        if (weights.length != outChannels * inChannels * kernelHeight * kernelWidth) {
            throw new IllegalArgumentException("weights has " + weights.length + " values; expected " + outChannels
                    + "×" + inChannels + "×" + kernelHeight + "×" + kernelWidth);
        }
        weights = weights.clone();
    }

    /** The kernels (a copy). */
    @Override
    public float[] weights() {
        return weights.clone();
    }

    /** The kernel of output channel {@code o} for input channel {@code i}, {@code kh × kw} row-major. */
    public float[] kernel(int o, int i) {
        if (o < 0 || o >= outChannels || i < 0 || i >= inChannels) {
            throw new IllegalArgumentException("kernel (" + o + ", " + i + ") is outside " + outChannels
                    + " output × " + inChannels + " input channels of layer '" + layer + "'");
        }
        int size = kernelHeight * kernelWidth;
        float[] k = new float[size];
        System.arraycopy(weights, (o * inChannels + i) * size, k, 0, size);
        return k;
    }

    /**
     * Every output channel's kernel as one picture, in a grid: in colour when the kernels read three channels (red,
     * green, blue as the input's channels), in grey when they read one. Values are mapped symmetrically over the
     * whole bank — {@code 0.5 + 0.5·w / max|w|} — so grey (128) is zero and the strongest weight is black or full
     * colour; each value is {@link #ZOOM}×{@link #ZOOM} pixels.
     *
     * @throws IllegalStateException for kernels that read other channel counts (deeper layers): use
     *     {@link #channelImage}
     */
    public BufferedImage image(int columns) {
        if (inChannels != 1 && inChannels != 3) {
            throw new IllegalStateException("layer '" + layer + "' has kernels over " + inChannels + " channels,"
                    + " which are not colours; draw one output channel's kernels with channelImage(o, columns)");
        }
        double max = maxAbs(weights);
        List<BufferedImage> cells = new ArrayList<>();
        for (int o = 0; o < outChannels; o++) {
            BufferedImage cell = new BufferedImage(kernelWidth * ZOOM, kernelHeight * ZOOM,
                    BufferedImage.TYPE_INT_RGB);
            for (int y = 0; y < kernelHeight; y++) {
                for (int x = 0; x < kernelWidth; x++) {
                    int[] c = new int[3];
                    for (int ch = 0; ch < 3; ch++) {
                        float w = weights[((o * inChannels + (inChannels == 3 ? ch : 0)) * kernelHeight + y)
                                * kernelWidth + x];
                        c[ch] = level(w, max);
                    }
                    fill(cell, x, y, (c[0] << 16) | (c[1] << 8) | c[2]);
                }
            }
            cells.add(cell);
        }
        return Heatmaps.grid(cells, columns);
    }

    /**
     * The kernels of output channel {@code o}, one per input channel, in a grid with a diverging colour map (blue
     * negative, white zero, red positive) scaled over that channel's kernels.
     */
    public BufferedImage channelImage(int o, int columns) {
        List<BufferedImage> cells = new ArrayList<>();
        float[] all = new float[inChannels * kernelHeight * kernelWidth];
        for (int i = 0; i < inChannels; i++) {
            System.arraycopy(kernel(o, i), 0, all, i * kernelHeight * kernelWidth, kernelHeight * kernelWidth);
        }
        double max = maxAbs(all);
        for (int i = 0; i < inChannels; i++) {
            float[] k = kernel(o, i);
            BufferedImage cell = new BufferedImage(kernelWidth * ZOOM, kernelHeight * ZOOM,
                    BufferedImage.TYPE_INT_RGB);
            for (int y = 0; y < kernelHeight; y++) {
                for (int x = 0; x < kernelWidth; x++) {
                    fill(cell, x, y, Colormap.DIVERGING.argb(level(k[y * kernelWidth + x], max) / 255.0));
                }
            }
            cells.add(cell);
        }
        return Heatmaps.grid(cells, columns);
    }

    /** {@code 0.5 + 0.5·w / max} as a byte level, 128 for zero (and for an all-zero bank). */
    static int level(double w, double max) {
        double v = max == 0 ? 0.5 : 0.5 + 0.5 * w / max;
        return (int) Math.round(Math.max(0, Math.min(1, v)) * 255);
    }

    private static double maxAbs(float[] v) {
        double max = 0;
        for (float f : v) {
            max = Math.max(max, Math.abs(f));
        }
        return max;
    }

    private static void fill(BufferedImage cell, int x, int y, int rgb) {
        for (int dy = 0; dy < ZOOM; dy++) {
            for (int dx = 0; dx < ZOOM; dx++) {
                cell.setRGB(x * ZOOM + dx, y * ZOOM + dy, rgb);
            }
        }
    }
}
