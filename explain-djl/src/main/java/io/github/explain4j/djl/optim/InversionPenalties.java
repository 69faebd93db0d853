package io.github.explain4j.djl.optim;

/**
 * The gradient of {@link FeatureInversion}'s two image priors (A. Mahendran, A. Vedaldi, "Understanding Deep Image
 * Representations by Inverting Them", CVPR 2015), {@code λ_α·R_α + λ_TV·R_TV^β}, in closed form on the heap, for
 * images of one shape: the α-norm's {@code α·d^(α−1)} of the distance {@code d} from mid-grey, and the total
 * variation's. The paper's exponents (an even α, β = 2) take loops of floats and products alone; other exponents
 * powers in double precision. For β = 2 the total variation's gradient is, inside the image, the five-point
 * stencil {@code 4p − (left + right + up + down)} times {@code 2·λ_TV/(count·V²)}; the border pixels, which enter
 * fewer differences, take the terms they enter one by one. The stencil reads neighbours from shifted copies of the
 * image, since the JIT does not vectorise a loop that reads one array at other offsets than it writes another; those
 * copies are held, so an instance serves one optimisation on one thread.
 */
final class InversionPenalties {

    private final double alphaWeight;
    private final double alpha;
    private final double tvWeight;
    private final double beta;
    private final int c;
    private final int h;
    private final int w;
    /** The image shifted by one pixel right, left, down and up (value {@code o} holds pixel {@code o ± 1, o ± w}). */
    private final float[] right;
    private final float[] left;
    private final float[] down;
    private final float[] up;
    /** The first and last column of a plane's inner rows, kept across the stencil's loop. */
    private final float[] edges;

    InversionPenalties(double alphaWeight, double alpha, double tvWeight, double beta, int c, int h, int w) {
        this.alphaWeight = alphaWeight;
        this.alpha = alpha;
        this.tvWeight = tvWeight;
        this.beta = beta;
        this.c = c;
        this.h = h;
        this.w = w;
        boolean stencil = tvWeight > 0 && beta == 2 && h > 1 && w > 1;
        int n = stencil ? c * h * w : 0;
        right = new float[n];
        left = new float[n];
        down = new float[n];
        up = new float[n];
        edges = new float[stencil ? 2 * h : 0];
    }

    /** Adds the penalties' gradient with respect to the pixels {@code p} {@code (1, C, H, W)} into {@code dp}. */
    void addGradient(float[] p, float[] dp) {
        if (p.length != c * h * w || dp.length != p.length) {
            throw new IllegalArgumentException("the penalties were set up for " + c + "×" + h + "×" + w + " pixels;"
                    + " got " + p.length + " pixels and a gradient of " + dp.length);
        }
        if (alphaWeight > 0) {
            addNormGradient(p, dp);
        }
        if (tvWeight > 0 && h > 1 && w > 1) {
            if (beta == 2) {
                addSquaredVariationGradient(p, dp);
            } else {
                addVariationGradient(p, dp);
            }
        }
    }

    private void addNormGradient(float[] p, float[] dp) {
        int n = p.length;
        double scale = alphaWeight / (n * Math.pow(FeatureInversion.RANGE, alpha));
        int whole = alpha == Math.rint(alpha) && alpha <= 16 ? (int) alpha : -1;
        float a = (float) (scale * alpha);
        if (whole == 6) {
            // the paper's α: d/dp |d|^6 = 6·d⁵, in one pass
            for (int i = 0; i < n; i++) {
                float d = p[i] - 0.5f;
                float d2 = d * d;
                dp[i] += a * (d2 * d2 * d);
            }
        } else if (whole >= 2 && whole % 2 == 0) {
            // another even α: d/dp |d|^α = α·d^(α−1), by products (one pass per factor)
            float[] power = new float[n];
            for (int i = 0; i < n; i++) {
                power[i] = p[i] - 0.5f;
            }
            for (int k = 2; k < whole; k++) {
                for (int i = 0; i < n; i++) {
                    power[i] *= p[i] - 0.5f;
                }
            }
            for (int i = 0; i < n; i++) {
                dp[i] += a * power[i];
            }
        } else {
            for (int i = 0; i < n; i++) {
                double d = p[i] - 0.5;
                dp[i] += (float) (scale * alpha * Math.pow(Math.abs(d), alpha - 1) * Math.signum(d));
            }
        }
    }

    /** β = 2: d/dp Σ (Δx² + Δy²), each difference adding 2Δ to its far pixel and taking it from its near one. */
    private void addSquaredVariationGradient(float[] p, float[] dp) {
        int n = p.length;
        double count = (double) c * (h - 1) * (w - 1);
        float k = (float) (2 * tvWeight / (count * FeatureInversion.VARIATION * FeatureInversion.VARIATION));
        System.arraycopy(p, 1, right, 0, n - 1);
        System.arraycopy(p, 0, left, 1, n - 1);
        System.arraycopy(p, w, down, 0, n - w);
        System.arraycopy(p, 0, up, w, n - w);
        for (int ch = 0; ch < c; ch++) {
            int base = ch * h * w;
            for (int y = 1; y < h - 1; y++) {
                edges[2 * y] = dp[base + y * w];
                edges[2 * y + 1] = dp[base + y * w + w - 1];
            }
            // the inner rows from (1, 1) to (h − 2, w − 2) in one run: the first and last columns it passes over are
            // put back before their own terms are added
            for (int o = base + w + 1; o < base + (h - 1) * w - 1; o++) {
                dp[o] += k * (4 * p[o] - right[o] - left[o] - down[o] - up[o]);
            }
            for (int y = 1; y < h - 1; y++) {
                dp[base + y * w] = edges[2 * y];
                dp[base + y * w + w - 1] = edges[2 * y + 1];
            }
            for (int x = 0; x < w; x++) {
                dp[base + x] += k * bordered(p, base, x, 0);
                dp[base + (h - 1) * w + x] += k * bordered(p, base, x, h - 1);
            }
            for (int y = 1; y < h - 1; y++) {
                dp[base + y * w] += k * bordered(p, base, 0, y);
                dp[base + y * w + w - 1] += k * bordered(p, base, w - 1, y);
            }
        }
    }

    /**
     * The differences pixel {@code (y, x)} of the plane at {@code base} enters, each as its near pixel
     * ({@code 2p − right − down}, when it has both neighbours) or its far one ({@code p − left}, {@code p − up}).
     */
    private float bordered(float[] p, int base, int x, int y) {
        int o = base + y * w + x;
        float g = 0;
        if (x < w - 1 && y < h - 1) {
            g += 2 * p[o] - p[o + 1] - p[o + w];
        }
        if (x > 0 && y < h - 1) {
            g += p[o] - p[o - 1];
        }
        if (y > 0 && x < w - 1) {
            g += p[o] - p[o - w];
        }
        return g;
    }

    /** Another β: powers of the local variation in double precision, ε = 1e-8·V² under the power. */
    private void addVariationGradient(float[] p, float[] dp) {
        double count = (double) c * (h - 1) * (w - 1);
        double scale = tvWeight / (count * Math.pow(FeatureInversion.VARIATION, beta));
        double epsilon = 1e-8 * FeatureInversion.VARIATION * FeatureInversion.VARIATION;
        for (int ch = 0; ch < c; ch++) {
            for (int y = 0; y < h - 1; y++) {
                int row = (ch * h + y) * w;
                for (int o = row; o < row + w - 1; o++) {
                    double dx = p[o + 1] - p[o];
                    double dy = p[o + w] - p[o];
                    double sq = dx * dx + dy * dy;
                    double ds = scale * beta * Math.pow(sq + epsilon, beta / 2 - 1);
                    dp[o + 1] += (float) (ds * dx);
                    dp[o + w] += (float) (ds * dy);
                    dp[o] -= (float) (ds * (dx + dy));
                }
            }
        }
    }
}
