package io.github.explain4j.djl.perturbation;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.github.explain4j.api.Attribution;
import io.github.explain4j.djl.CustomTarget;
import io.github.explain4j.djl.ExplainableModel;
import io.github.explain4j.djl.core.MethodOutput;
import io.github.explain4j.djl.core.ResolvedTarget;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Occlusion: slide a square patch of a fill colour over the image and record how much the target score drops;
 * each pixel gets the mean drop of the patches that covered it (positive = the region supported the target).
 * Patches go through the model in batches. With {@link #featureMap(String, int)} the score is the total activation
 * of one channel of a layer instead of a class, as in Zeiler &amp; Fergus' figure 7.
 *
 * <pre>{@code
 * Occlusion.create().window(8).stride(4).fill(0.5f).batchSize(64)
 * Occlusion.create().featureMap("stage3", 12)
 * }</pre>
 *
 * <p>Settings that cannot give a map are refused when the input's size is known: a window as large as the image
 * (one patch hides everything, a constant map) and a stride larger than the window (the pixels between patches are
 * never covered). With a stride up to the window every pixel is covered: the last patch of a row or column is
 * placed flush with the edge.
 *
 * <p>M. D. Zeiler, R. Fergus, "Visualizing and Understanding Convolutional Networks", ECCV 2014, arXiv:1311.2901.
 */
public final class Occlusion extends PerturbationMethod {

    private final int window;
    private final int stride;
    private final float fill;
    private final int batchSize;
    private final String layer;
    private final int channel;

    private Occlusion(int window, int stride, float fill, int batchSize, String layer, int channel) {
        this.window = window;
        this.stride = stride;
        this.fill = fill;
        this.batchSize = batchSize;
        this.layer = layer;
        this.channel = channel;
    }

    /** Patches of 8×8 pixels every 4 pixels, filled with mid grey, 32 per batch. */
    public static Occlusion create() {
        return new Occlusion(8, 4, 0.5f, 32, null, -1);
    }

    /** The patch's side in pixels. */
    public Occlusion window(int pixels) {
        return new Occlusion(positive("window", pixels), stride, fill, batchSize, layer, channel);
    }

    /** The step between patches in pixels; at most the window, so that every pixel is covered. */
    public Occlusion stride(int pixels) {
        return new Occlusion(window, positive("stride", pixels), fill, batchSize, layer, channel);
    }

    /** The patch's pixel value in [0, 1] (before normalisation). */
    public Occlusion fill(float pixel) {
        if (!(pixel >= 0f && pixel <= 1f)) {
            throw new IllegalArgumentException("fill was " + pixel + "; expected a pixel value in [0, 1]");
        }
        return new Occlusion(window, stride, pixel, batchSize, layer, channel);
    }

    /** Patches per forward pass. */
    public Occlusion batchSize(int n) {
        return new Occlusion(window, stride, fill, positive("batch size", n), layer, channel);
    }

    /** Score the total activation of {@code channel} of {@code layerPath} instead of the target. */
    public Occlusion featureMap(String layerPath, int featureChannel) {
        if (featureChannel < 0) {
            throw new IllegalArgumentException("channel was " + featureChannel + "; expected a channel index ≥ 0");
        }
        return new Occlusion(window, stride, fill, batchSize, layerPath, featureChannel);
    }

    @Override
    protected int batchSize() {
        return batchSize;
    }

    @Override
    public String name() {
        return "Occlusion";
    }

    @Override
    public MethodOutput attribute(ExplainableModel model, NDManager scope, NDArray input, ResolvedTarget target) {
        ExplainableModel m = model;
        ResolvedTarget t;
        if (layer != null) {
            m = model.withOutputLayer(layer);
            long[] shape = m.outputShape();
            if (shape.length < 2 || channel >= shape[1]) {
                throw new IllegalArgumentException("layer '" + layer + "' has output " + java.util.Arrays.toString(
                        shape) + "; channel " + channel + " does not exist");
            }
            t = ResolvedTarget.of(m, CustomTarget.of(out -> out.get(":, " + channel).reshape(
                    out.getShape().get(0), -1).sum(new int[] {1}), "channel " + channel + " of " + layer),
                    (int) input.getShape().get(0));
        } else {
            t = target.fixed(model, scope, input);
        }
        int c = model.spec().channels();
        int h = model.spec().height();
        int w = model.spec().width();
        int plane = h * w;
        checkCovers(h, w);
        float[][] px = pixels(model.spec(), input);
        int[] ys = starts(h);
        int[] xs = starts(w);
        int positions = ys.length * xs.length;
        float[][] maps = new float[px.length][];
        for (int i = 0; i < px.length; i++) {
            float[] x = px[i];
            ResolvedTarget one = t.slice(i, i + 1);
            float base = scores(m, scope, one, 1, (k, buf) -> System.arraycopy(x, 0, buf, 0, buf.length))[0];
            float[] occluded = scores(m, scope, one, positions, (k, buf) -> {
                System.arraycopy(x, 0, buf, 0, buf.length);
                int y0 = ys[k / xs.length];
                int x0 = xs[k % xs.length];
                for (int ch = 0; ch < c; ch++) {
                    for (int y = y0; y < Math.min(h, y0 + window); y++) {
                        for (int xx = x0; xx < Math.min(w, x0 + window); xx++) {
                            buf[ch * plane + y * w + xx] = fill;
                        }
                    }
                }
            });
            double[] sum = new double[plane];
            int[] count = new int[plane];
            for (int k = 0; k < positions; k++) {
                int y0 = ys[k / xs.length];
                int x0 = xs[k % xs.length];
                double drop = base - occluded[k];
                for (int y = y0; y < Math.min(h, y0 + window); y++) {
                    for (int xx = x0; xx < Math.min(w, x0 + window); xx++) {
                        sum[y * w + xx] += drop;
                        count[y * w + xx]++;
                    }
                }
            }
            maps[i] = new float[plane];
            for (int j = 0; j < plane; j++) {
                maps[i][j] = count[j] == 0 ? 0f : (float) (sum[j] / count[j]);
            }
        }
        int[] classes = t.classesOrNone(px.length);
        return MethodOutput.of(maps, 1, h, w, classes);
    }

    /**
     * Refuses a window that hides the whole {@code h×w} image and a stride that leaves pixels uncovered, naming the
     * share of pixels no patch would reach.
     */
    private void checkCovers(int h, int w) {
        if (window > h || window > w || (window == h && window == w)) {
            throw new IllegalArgumentException("Occlusion window " + window + " is " + (window > h || window > w
                    ? "larger than" : "as large as") + " the " + h + "×" + w + " input: one patch hides the whole"
                    + " image and the map is constant; use window(n) with n < " + Math.min(h, w) + ", e.g. window("
                    + Math.max(1, Math.min(h, w) / 8) + ")");
        }
        if (stride > window) {
            double covered = (double) coveredCount(h) * coveredCount(w) / ((double) h * w);
            String gap = window == stride - 1 ? String.valueOf(window) : window + "–" + (stride - 1);
            throw new IllegalArgumentException(String.format(java.util.Locale.ROOT, "Occlusion stride %d is larger"
                    + " than its window %d: %.1f %% of the %d×%d pixels (rows and columns %s of every %d) are never"
                    + " covered by a patch and would be reported as 0; use a stride no larger than the window, e.g."
                    + " stride(%d), or window(%d)", stride, window, 100 * (1 - covered), h, w, gap, stride, window,
                    stride));
        }
    }

    /** How many of {@code size} rows (or columns) some patch covers. */
    private int coveredCount(int size) {
        boolean[] hit = new boolean[size];
        for (int start : starts(size)) {
            for (int i = start; i < Math.min(size, start + window); i++) {
                hit[i] = true;
            }
        }
        int n = 0;
        for (boolean b : hit) {
            n += b ? 1 : 0;
        }
        return n;
    }

    /** Patch origins along an axis, the last one flush with the edge so every pixel is covered. */
    private int[] starts(int size) {
        int win = Math.min(window, size);
        int n = (size - win) / stride + 1;
        boolean flush = (n - 1) * stride + win < size;
        int[] out = new int[n + (flush ? 1 : 0)];
        for (int i = 0; i < n; i++) {
            out[i] = i * stride;
        }
        if (flush) {
            out[n] = size - win;
        }
        return out;
    }

    @Override
    public Map<String, String> parameters() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("window", String.valueOf(window));
        p.put("stride", String.valueOf(stride));
        p.put("fill", String.valueOf(fill));
        p.put("batchSize", String.valueOf(batchSize));
        if (layer != null) {
            p.put("featureMap", layer + ":" + channel);
        }
        return p;
    }

    @Override
    public boolean signed() {
        return true;
    }

    @Override
    public Attribution.Reduction display() {
        return Attribution.Reduction.SUM;
    }
}
