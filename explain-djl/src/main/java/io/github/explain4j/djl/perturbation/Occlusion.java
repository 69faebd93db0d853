package io.github.explain4j.djl.perturbation;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.github.explain4j.api.Attribution;
import io.github.explain4j.djl.CustomTarget;
import io.github.explain4j.djl.ExplainableModel;
import io.github.explain4j.djl.attribution.MethodOutput;
import io.github.explain4j.djl.attribution.ResolvedTarget;
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

    /** The step between patches in pixels. */
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
