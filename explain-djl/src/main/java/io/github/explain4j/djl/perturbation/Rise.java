package io.github.explain4j.djl.perturbation;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.github.explain4j.api.Attribution;
import io.github.explain4j.api.Baseline;
import io.github.explain4j.api.Resampling;
import io.github.explain4j.djl.ExplainableModel;
import io.github.explain4j.djl.core.Baselines;
import io.github.explain4j.djl.core.MethodOutput;
import io.github.explain4j.djl.core.MethodSettings;
import io.github.explain4j.djl.core.ResolvedTarget;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.SplittableRandom;

/**
 * RISE: the expected target score under random masks, per pixel. Each mask is a random {@code s×s} grid of cells
 * kept with probability {@code p}, upsampled bilinearly to a little more than the image and cropped at a random
 * shift, so its edges are soft and fall anywhere; the map is
 * {@code Σ_i y(x ⊙ M_i + (1 − M_i) ⊙ b)·M_i / (N·p)}. Masking fades pixels towards the fill {@code b}, black
 * (pixel value 0) by default as in the paper, or any {@link #fill(Baseline) Baseline}. Masks are drawn from the seed
 * and scored in batches.
 *
 * <p>V. Petsiuk, A. Das, K. Saenko, "RISE: Randomized Input Sampling for Explanation of Black-box Models", BMVC
 * 2018, arXiv:1806.07421.
 */
public final class Rise extends PerturbationMethod {

    /** The settings, checked once here; the fill is reported when it is not black, the seed in its own field. */
    private record Settings(int masks, int cells, double keep, int batchSize, Baseline fill, long seed)
            implements MethodSettings {
        Settings {
            positive("masks", masks);
            positive("cells", cells);
            if (!(keep > 0 && keep <= 1)) {
                throw new IllegalArgumentException("keep probability was " + keep + "; expected a value in (0, 1]");
            }
            positive("batch size", batchSize);
            Objects.requireNonNull(fill, "fill");
        }

        @Override
        public String describe(String component, Object value) {
            return !component.equals("fill") ? MethodSettings.super.describe(component, value)
                    : Baselines.isBlack(fill) ? null : describeFill(fill);
        }
    }

    private final Settings settings;

    private Rise(Settings settings) {
        this.settings = settings;
    }

    /** 1000 masks of 7×7 cells kept with probability 0.5, black fill, seed 0, 32 per batch. */
    public static Rise create() {
        return new Rise(new Settings(1000, 7, 0.5, 32, Baseline.black(), 0L));
    }

    /** The number of random masks. */
    public Rise masks(int n) {
        Settings s = settings;
        return new Rise(new Settings(n, s.cells(), s.keep(), s.batchSize(), s.fill(), s.seed()));
    }

    /** The grid size {@code s} of a mask (cells per side); at most the image's height and width. */
    public Rise cells(int n) {
        Settings s = settings;
        return new Rise(new Settings(s.masks(), n, s.keep(), s.batchSize(), s.fill(), s.seed()));
    }

    /** The probability that a cell is kept. */
    public Rise keep(double p) {
        Settings s = settings;
        return new Rise(new Settings(s.masks(), s.cells(), p, s.batchSize(), s.fill(), s.seed()));
    }

    /**
     * What masking fades towards: a masked input is {@code x·M + (1 − M)·b} with {@code b} the baseline's image
     * for this input, in pixel space. Black (the paper's, and the default) darkens; a blurred baseline removes
     * detail but keeps colour.
     */
    public Rise fill(Baseline baseline) {
        Settings s = settings;
        return new Rise(new Settings(s.masks(), s.cells(), s.keep(), s.batchSize(), baseline, s.seed()));
    }

    /** The seed of the masks. */
    public Rise seed(long newSeed) {
        Settings s = settings;
        return new Rise(new Settings(s.masks(), s.cells(), s.keep(), s.batchSize(), s.fill(), newSeed));
    }

    /** Masked copies per forward pass. */
    public Rise batchSize(int n) {
        Settings s = settings;
        return new Rise(new Settings(s.masks(), s.cells(), s.keep(), n, s.fill(), s.seed()));
    }

    @Override
    protected int batchSize() {
        return settings.batchSize();
    }

    @Override
    public String name() {
        return "RISE";
    }

    /**
     * Mask {@code index} of {@code height×width} for this method's seed: values in [0, 1].
     *
     * @throws IllegalArgumentException if the grid has more cells per side than the image has pixels
     */
    public float[] mask(int index, int height, int width) {
        int cells = settings.cells();
        if (cells > height || cells > width) {
            throw new IllegalArgumentException("RISE grid of " + cells + "×" + cells + " cells is finer than the "
                    + height + "×" + width + " input (a cell must cover at least one pixel, else the masks are"
                    + " noise); use cells(n) with n ≤ " + Math.min(height, width) + " — the paper uses 7 or 8");
        }
        SplittableRandom r = new SplittableRandom(settings.seed() * 0x9E3779B97F4A7C15L + index);
        float[] grid = new float[cells * cells];
        for (int i = 0; i < grid.length; i++) {
            grid[i] = r.nextDouble() < settings.keep() ? 1f : 0f;
        }
        int cellH = (height + cells - 1) / cells;
        int cellW = (width + cells - 1) / cells;
        int upH = (cells + 1) * cellH;
        int upW = (cells + 1) * cellW;
        // the grid plus one cell of border, upsampled, then cropped at a random shift within one cell
        float[] padded = new float[(cells + 1) * (cells + 1)];
        for (int y = 0; y < cells + 1; y++) {
            for (int x = 0; x < cells + 1; x++) {
                padded[y * (cells + 1) + x] = grid[Math.min(y, cells - 1) * cells + Math.min(x, cells - 1)];
            }
        }
        float[] up = Resampling.bilinear(padded, cells + 1, cells + 1, upH, upW);
        int dy = r.nextInt(cellH);
        int dx = r.nextInt(cellW);
        float[] out = new float[height * width];
        for (int y = 0; y < height; y++) {
            System.arraycopy(up, (y + dy) * upW + dx, out, y * width, width);
        }
        return out;
    }

    @Override
    public MethodOutput attribute(ExplainableModel model, NDManager scope, NDArray input, ResolvedTarget target) {
        ResolvedTarget t = target.fixed(model, scope, input);
        int c = model.spec().channels();
        int h = model.spec().height();
        int w = model.spec().width();
        int plane = h * w;
        float[][] px = pixels(model.spec(), input);
        int masks = settings.masks();
        boolean black = Baselines.isBlack(settings.fill());
        float[][] maskSet = new float[masks][];
        for (int i = 0; i < masks; i++) {
            maskSet[i] = mask(i, h, w);
        }
        float[][] maps = new float[px.length][];
        for (int i = 0; i < px.length; i++) {
            float[] x = px[i];
            float[] b = black ? null : Baselines.pixels(settings.fill(), model.spec(), x, i);
            float[] y = scores(model, scope, t.slice(i, i + 1), masks, (k, buf) -> {
                float[] mk = maskSet[k];
                for (int ch = 0; ch < c; ch++) {
                    for (int j = 0; j < plane; j++) {
                        int idx = ch * plane + j;
                        // x·M + (1 − M)·b; for black the second term is 0 and left out
                        buf[idx] = black ? x[idx] * mk[j] : x[idx] * mk[j] + (1 - mk[j]) * b[idx];
                    }
                }
            });
            double[] sum = new double[plane];
            for (int k = 0; k < masks; k++) {
                for (int j = 0; j < plane; j++) {
                    sum[j] += (double) y[k] * maskSet[k][j];
                }
            }
            maps[i] = new float[plane];
            for (int j = 0; j < plane; j++) {
                maps[i][j] = (float) (sum[j] / (masks * settings.keep()));
            }
        }
        int[] classes = t.classesOrNone(px.length);
        return MethodOutput.of(maps, 1, h, w, classes);
    }

    @Override
    public Map<String, String> parameters() {
        return settings.parameters();
    }

    @Override
    public OptionalLong seed() {
        return OptionalLong.of(settings.seed());
    }

    @Override
    public boolean signed() {
        return false;
    }

    @Override
    public Attribution.Reduction display() {
        return Attribution.Reduction.SUM;
    }
}
