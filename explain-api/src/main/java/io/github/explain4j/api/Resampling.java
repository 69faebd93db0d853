package io.github.explain4j.api;

/**
 * Numeric resampling of heap images, shared by the compute path (upsampling class-activation maps and masks) and
 * rendering, so that neither has to reach into the other.
 *
 * <ul>
 *   <li>{@link #bilinear(float[], int, int, int, int)}: a row-major map resized by bilinear interpolation between
 *       pixel centres, clamped at the borders (what {@code Heatmaps.resize} draws with).
 *   <li>Separable resampling of a window of an image, one axis at a time (how {@link Images} fits a picture to a
 *       model's input): along an axis that shrinks (or keeps its size), each output pixel is the mean of its exact
 *       source footprint, source pixels cut by the footprint's edges weighted by the fraction covered (area
 *       averaging, a box filter, so fine detail averages out instead of aliasing); along an axis that grows,
 *       bilinear interpolation between pixel centres, clamped at the edges.
 * </ul>
 */
public final class Resampling {

    private Resampling() {}

    /**
     * The map resized to {@code newHeight × newWidth} by bilinear interpolation, sampling at pixel centres (as
     * OpenCV's {@code resize} and PyTorch's {@code interpolate(align_corners=False)} do) and clamping at the
     * borders. The result stays within the input's range.
     *
     * @param map row-major {@code float[height * width]}
     * @throws IllegalArgumentException if the map's length is not {@code height * width} or a size is not positive
     */
    public static float[] bilinear(float[] map, int height, int width, int newHeight, int newWidth) {
        java.util.Objects.requireNonNull(map, "map was null; pass a row-major float[height * width]");
        checkSize("map size", height, width);
        if ((long) height * width != map.length) {
            throw new IllegalArgumentException("map has " + map.length + " values; expected height*width = "
                    + height + "*" + width + " = " + (long) height * width);
        }
        checkSize("new size", newHeight, newWidth);
        float[] out = new float[newHeight * newWidth];
        for (int y = 0; y < newHeight; y++) {
            double sy = source(y, height, newHeight);
            int y0 = (int) sy;
            int y1 = Math.min(y0 + 1, height - 1);
            double fy = sy - y0;
            for (int x = 0; x < newWidth; x++) {
                double sx = source(x, width, newWidth);
                int x0 = (int) sx;
                int x1 = Math.min(x0 + 1, width - 1);
                double fx = sx - x0;
                double top = lerp(map[y0 * width + x0], map[y0 * width + x1], fx);
                double bottom = lerp(map[y1 * width + x0], map[y1 * width + x1], fx);
                out[y * newWidth + x] = (float) lerp(top, bottom, fy);
            }
        }
        return out;
    }

    private static void checkSize(String what, int height, int width) {
        if (height <= 0 || width <= 0) {
            throw new IllegalArgumentException(what + " was " + height + "x" + width
                    + " (height x width); expected positive height and width");
        }
    }

    /** Where output pixel {@code i}'s centre falls in the input, clamped to the outer pixel centres. */
    private static double source(int i, int in, int out) {
        double s = (i + 0.5) * in / out - 0.5;
        return Math.min(in - 1, Math.max(0, s));
    }

    private static double lerp(double a, double b, double f) {
        return a + (b - a) * f;
    }

    /** Weights of one axis: output {@code i} is {@code Σ_k weights[i][k] · source[first[i] + k]}. */
    record Axis(int[] first, double[][] weights) {

        int size() {
            return first.length;
        }

        int lowest() {
            int lowest = Integer.MAX_VALUE;
            for (int f : first) {
                lowest = Math.min(lowest, f);
            }
            return lowest;
        }

        int highest() {
            int highest = Integer.MIN_VALUE;
            for (int i = 0; i < first.length; i++) {
                highest = Math.max(highest, first[i] + weights[i].length - 1);
            }
            return highest;
        }
    }

    /**
     * The weights that map the source window {@code [start, start + length)} of an axis of {@code sourceSize} pixels
     * (pixel {@code j} covers {@code [j, j + 1)}) onto {@code outputSize} pixels.
     */
    static Axis axis(int sourceSize, double start, double length, int outputSize) {
        double step = length / outputSize;
        int[] first = new int[outputSize];
        double[][] weights = new double[outputSize][];
        for (int i = 0; i < outputSize; i++) {
            if (step >= 1) {
                area(sourceSize, start + i * length / outputSize, start + (i + 1) * length / outputSize, first,
                        weights, i);
            } else {
                bilinear(sourceSize, start + (i + 0.5) * step - 0.5, first, weights, i);
            }
        }
        return new Axis(first, weights);
    }

    private static void area(int n, double lo, double hi, int[] first, double[][] weights, int i) {
        lo = Math.max(lo, 0);
        hi = Math.min(hi, n);
        double negligible = 1e-9 * (hi - lo);
        int j0 = (int) Math.floor(lo);
        int j1 = Math.min((int) Math.ceil(hi) - 1, n - 1);
        while (j0 < j1 && Math.min(hi, j0 + 1) - lo <= negligible) {
            j0++;
        }
        while (j1 > j0 && hi - Math.max(lo, j1) <= negligible) {
            j1--;
        }
        double[] w = new double[j1 - j0 + 1];
        double sum = 0;
        for (int j = j0; j <= j1; j++) {
            w[j - j0] = Math.min(hi, j + 1) - Math.max(lo, j);
            sum += w[j - j0];
        }
        for (int k = 0; k < w.length; k++) {
            w[k] /= sum;
        }
        first[i] = j0;
        weights[i] = w;
    }

    private static void bilinear(int n, double x, int[] first, double[][] weights, int i) {
        x = Math.max(0, Math.min(n - 1, x));
        int j = (int) Math.floor(x);
        double f = x - j;
        first[i] = j;
        weights[i] = j == n - 1 || f == 0 ? new double[] {1} : new double[] {1 - f, f};
    }

    /**
     * The image's planes at its own size: what {@link #resample} gives with an axis of unit weights (a weight of 1
     * is exact), without building the axes or the weighted sums.
     */
    static float[] copy(StoredPixels pixels, boolean luminance) {
        int width = pixels.width();
        int height = pixels.height();
        int bands = luminance ? 1 : pixels.bands();
        float[] row = new float[pixels.bands() * width];
        float[] result = new float[bands * height * width];
        for (int y = 0; y < height; y++) {
            pixels.row(y, row);
            if (luminance) {
                toLuminance(row, width);
            }
            for (int b = 0; b < bands; b++) {
                System.arraycopy(row, b * width, result, (b * height + y) * width, width);
            }
        }
        return result;
    }

    /**
     * The pixels resampled along {@code xs} and {@code ys}, as {@code bands × ys.size() × xs.size()} planes, where
     * {@code bands} is 1 when {@code luminance} (ITU-R 601 luminance of the RGB bands, taken before resampling) or
     * the grey image's single band, else 3.
     */
    static float[] resample(StoredPixels pixels, boolean luminance, Axis xs, Axis ys) {
        int sourceWidth = pixels.width();
        int outW = xs.size();
        int outH = ys.size();
        int rowLo = ys.lowest();
        int rows = ys.highest() - rowLo + 1;
        int bands = luminance ? 1 : pixels.bands();
        float[] row = new float[pixels.bands() * sourceWidth];
        double[] horizontal = new double[bands * rows * outW];
        for (int r = 0; r < rows; r++) {
            pixels.row(rowLo + r, row);
            if (luminance) {
                toLuminance(row, sourceWidth);
            }
            for (int b = 0; b < bands; b++) {
                int in = b * sourceWidth;
                int out = (b * rows + r) * outW;
                for (int ox = 0; ox < outW; ox++) {
                    double[] w = xs.weights[ox];
                    int j = in + xs.first[ox];
                    double sum = 0;
                    for (int k = 0; k < w.length; k++) {
                        sum += w[k] * row[j + k];
                    }
                    horizontal[out + ox] = sum;
                }
            }
        }
        float[] result = new float[bands * outH * outW];
        double[] acc = new double[outW];
        for (int b = 0; b < bands; b++) {
            for (int oy = 0; oy < outH; oy++) {
                java.util.Arrays.fill(acc, 0);
                double[] w = ys.weights[oy];
                for (int k = 0; k < w.length; k++) {
                    int from = (b * rows + ys.first[oy] - rowLo + k) * outW;
                    for (int ox = 0; ox < outW; ox++) {
                        acc[ox] += w[k] * horizontal[from + ox];
                    }
                }
                int to = (b * outH + oy) * outW;
                for (int ox = 0; ox < outW; ox++) {
                    result[to + ox] = (float) acc[ox];
                }
            }
        }
        return result;
    }

    /** ITU-R 601 luminance of an R, G, B row, written over its first plane. */
    private static void toLuminance(float[] row, int width) {
        for (int x = 0; x < width; x++) {
            row[x] = 0.299f * row[x] + 0.587f * row[width + x] + 0.114f * row[2 * width + x];
        }
    }
}
