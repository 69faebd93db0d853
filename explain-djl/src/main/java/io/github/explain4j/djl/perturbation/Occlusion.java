package io.github.explain4j.djl.perturbation;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.github.explain4j.api.Attribution;
import io.github.explain4j.api.Baseline;
import io.github.explain4j.djl.CustomTarget;
import io.github.explain4j.djl.ExplainableModel;
import io.github.explain4j.djl.core.Baselines;
import io.github.explain4j.djl.core.MethodOutput;
import io.github.explain4j.djl.core.MethodSettings;
import io.github.explain4j.djl.core.ResolvedTarget;
import java.util.Map;
import java.util.Objects;

/**
 * Occlusion: slide a square patch over the image and record how much the target score drops; each pixel gets the
 * mean drop of the patches that covered it (positive = the region supported the target). The patch shows the fill,
 * a {@link Baseline} in pixel space — mid grey by default, or e.g. the blurred image, which hides a region's detail
 * but not its colour. Patches go through the model in batches. With {@link #featureMap(String, int)} the score is
 * the total activation of one channel of a layer instead of a class, as in Zeiler &amp; Fergus' figure 7.
 *
 * <pre>{@code
 * Occlusion.create().window(8).stride(4).fill(0.5f).batchSize(64)
 * Occlusion.create().fill(Baseline.blurred(4))
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

    /**
     * The settings, checked once here.
     *
     * @param featureMap the activation scored instead of the target, or {@code null}
     */
    private record Settings(int window, int stride, Baseline fill, int batchSize, FeatureMap featureMap)
            implements MethodSettings {
        Settings {
            positive("window", window);
            positive("stride", stride);
            Objects.requireNonNull(fill, "fill");
            positive("batch size", batchSize);
        }

        @Override
        public String describe(String component, Object value) {
            return switch (component) {
                case "fill" -> describeFill(fill);
                case "featureMap" -> featureMap == null ? null : featureMap.layer() + ":" + featureMap.channel();
                default -> MethodSettings.super.describe(component, value);
            };
        }
    }

    /** One channel of a layer, whose total activation is scored. */
    private record FeatureMap(String layer, int channel) {
        FeatureMap {
            Objects.requireNonNull(layer, "layer path was null; expected a path from model.layers()");
            if (channel < 0) {
                throw new IllegalArgumentException("channel was " + channel + "; expected a channel index ≥ 0");
            }
        }
    }

    private final Settings settings;

    private Occlusion(Settings settings) {
        this.settings = settings;
    }

    /** Patches of 8×8 pixels every 4 pixels, filled with mid grey, 32 per batch. */
    public static Occlusion create() {
        return new Occlusion(new Settings(8, 4, Baseline.constant(0.5f), 32, null));
    }

    /** The patch's side in pixels. */
    public Occlusion window(int pixels) {
        Settings s = settings;
        return new Occlusion(new Settings(pixels, s.stride(), s.fill(), s.batchSize(), s.featureMap()));
    }

    /** The step between patches in pixels; at most the window, so that every pixel is covered. */
    public Occlusion stride(int pixels) {
        Settings s = settings;
        return new Occlusion(new Settings(s.window(), pixels, s.fill(), s.batchSize(), s.featureMap()));
    }

    /**
     * What a patch shows: the same region of the baseline's image for this input, in pixel space — e.g.
     * {@link Baseline#blurred(double)} hides a region's detail but keeps its colour, {@link Baseline#constant(float)}
     * paints it over.
     */
    public Occlusion fill(Baseline baseline) {
        Settings s = settings;
        return new Occlusion(new Settings(s.window(), s.stride(), baseline, s.batchSize(), s.featureMap()));
    }

    /** The patch's pixel value in [0, 1] (before normalisation): {@code fill(Baseline.constant(pixel))}. */
    public Occlusion fill(float pixel) {
        return fill(constantFill(pixel));
    }

    /** Patches per forward pass. */
    public Occlusion batchSize(int n) {
        Settings s = settings;
        return new Occlusion(new Settings(s.window(), s.stride(), s.fill(), n, s.featureMap()));
    }

    /** Score the total activation of {@code channel} of {@code layerPath} instead of the target. */
    public Occlusion featureMap(String layerPath, int featureChannel) {
        Settings s = settings;
        return new Occlusion(new Settings(s.window(), s.stride(), s.fill(), s.batchSize(),
                new FeatureMap(layerPath, featureChannel)));
    }

    @Override
    protected int batchSize() {
        return settings.batchSize();
    }

    @Override
    public String name() {
        return "Occlusion";
    }

    @Override
    public MethodOutput attribute(ExplainableModel model, NDManager scope, NDArray input, ResolvedTarget target) {
        ExplainableModel m = model;
        ResolvedTarget t;
        if (settings.featureMap() != null) {
            String layer = settings.featureMap().layer();
            int channel = settings.featureMap().channel();
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
        int window = settings.window();
        for (int i = 0; i < px.length; i++) {
            float[] x = px[i];
            float[] fill = Baselines.pixels(settings.fill(), model.spec(), x, i);
            ResolvedTarget one = t.slice(i, i + 1);
            float base = scores(m, scope, one, 1, (k, buf) -> System.arraycopy(x, 0, buf, 0, buf.length))[0];
            float[] occluded = scores(m, scope, one, positions, (k, buf) -> {
                System.arraycopy(x, 0, buf, 0, buf.length);
                int y0 = ys[k / xs.length];
                int x0 = xs[k % xs.length];
                for (int ch = 0; ch < c; ch++) {
                    for (int y = y0; y < Math.min(h, y0 + window); y++) {
                        for (int xx = x0; xx < Math.min(w, x0 + window); xx++) {
                            buf[ch * plane + y * w + xx] = fill[ch * plane + y * w + xx];
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
        int window = settings.window();
        int stride = settings.stride();
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
        int window = settings.window();
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
        int stride = settings.stride();
        int win = Math.min(settings.window(), size);
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
        return settings.parameters();
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
