package io.github.explain4j.djl.perturbation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.SequentialBlock;
import io.github.explain4j.api.Attribution;
import io.github.explain4j.api.Baseline;
import io.github.explain4j.api.InputSpec;
import io.github.explain4j.api.Target;
import io.github.explain4j.djl.ExplainableModel;
import io.github.explain4j.djl.fixtures.TestNets;
import io.github.explain4j.djl.internal.Blur;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Occlusion, RISE and LIME against references computed by hand on a linear model {@code y = W·x + b} (pixel space =
 * model space here), where each method's answer is known exactly, on both engines.
 */
class PerturbationLawsTest {

    private static final int S = 12;
    private static final int PLANE = S * S;
    private static final int CLASS = 2;

    private record Fixture(NDManager m, ExplainableModel model, NDArray x, float[] xs, float[] w)
            implements AutoCloseable {
        /** The linear score of a pixel-space image. */
        double score(float[] img) {
            double s = 0;
            for (int j = 0; j < img.length; j++) {
                s += w[CLASS * 3 * PLANE + j] * img[j];
            }
            return s;
        }

        @Override
        public void close() {
            m.close();
        }
    }

    private static Fixture fixture(String engine, long seed) {
        NDManager m = TestNets.manager(engine);
        Shape in = new Shape(1, 3, S, S);
        SequentialBlock net = TestNets.init(TestNets.linear(4), m, DataType.FLOAT32, in, seed);
        float[] w = net.getChildren().get(1).getValue().getParameters().get("weight").getArray().toFloatArray();
        Random r = new Random(seed);
        float[] xs = new float[3 * PLANE];
        for (int j = 0; j < xs.length; j++) {
            // smooth colour regions, so that superpixels have something to follow
            int y = (j % PLANE) / S;
            int x = j % S;
            xs[j] = (float) Math.min(1, Math.max(0, ((x / 4 + y / 4) % 3) / 2.0 + 0.05 * r.nextGaussian()));
        }
        return new Fixture(m, ExplainableModel.of(net, m, InputSpec.rgb(S, S)), m.create(xs, in), xs, w);
    }

    @ParameterizedTest
    @MethodSource("io.github.explain4j.djl.fixtures.TestNets#engines")
    void occlusionIsTheMeanScoreDropOfThePatchesCoveringEachPixel(String engine) {
        try (Fixture f = fixture(engine, 61)) {
            float fill = 0.3f;
            for (int window : new int[] {1, 3}) {
                int stride = Math.min(2, window); // a stride above the window leaves pixels uncovered: refused
                Attribution a = Occlusion.create().window(window).stride(stride).fill(fill).batchSize(7)
                        .explainTensor(f.model(), f.x(), Target.classIndex(CLASS)).get(0);
                double[] sum = new double[PLANE];
                int[] count = new int[PLANE];
                for (int y0 : origins(window, stride)) {
                    for (int x0 : origins(window, stride)) {
                        float[] img = f.xs().clone();
                        for (int c = 0; c < 3; c++) {
                            for (int y = y0; y < y0 + window; y++) {
                                for (int x = x0; x < x0 + window; x++) {
                                    img[c * PLANE + y * S + x] = fill;
                                }
                            }
                        }
                        double drop = f.score(f.xs()) - f.score(img);
                        for (int y = y0; y < y0 + window; y++) {
                            for (int x = x0; x < x0 + window; x++) {
                                sum[y * S + x] += drop;
                                count[y * S + x]++;
                            }
                        }
                    }
                }
                float[] v = a.values();
                for (int j = 0; j < PLANE; j++) {
                    // with a stride up to the window every pixel is covered (count > 0)
                    assertEquals(count[j] == 0 ? 0 : sum[j] / count[j], v[j], 1e-4, "window " + window + ", pixel " + j);
                }
            }
        }
    }

    /** Origins every {@code stride} pixels plus one flush with the edge. */
    private static int[] origins(int window, int stride) {
        java.util.List<Integer> o = new java.util.ArrayList<>();
        for (int i = 0; i + window <= S; i += stride) {
            o.add(i);
        }
        if (o.get(o.size() - 1) + window < S) {
            o.add(S - window);
        }
        return o.stream().mapToInt(Integer::intValue).toArray();
    }

    @ParameterizedTest
    @MethodSource("io.github.explain4j.djl.fixtures.TestNets#engines")
    void riseIsTheMaskWeightedMeanScoreInAnyBatchSize(String engine) {
        try (Fixture f = fixture(engine, 62)) {
            Rise rise = Rise.create().masks(40).cells(4).keep(0.5).seed(3);
            float[] batched = rise.batchSize(16).explainTensor(f.model(), f.x(), Target.classIndex(CLASS)).get(0)
                    .values();
            float[] single = rise.batchSize(1).explainTensor(f.model(), f.x(), Target.classIndex(CLASS)).get(0)
                    .values();
            double bias = f.model().seam().forward(f.m(), f.m().zeros(new Shape(1, 3, S, S))).getFloat(0, CLASS);
            double[] ref = new double[PLANE];
            double kept = 0;
            for (int k = 0; k < 40; k++) {
                float[] mask = rise.mask(k, S, S);
                float[] img = f.xs().clone();
                for (int j = 0; j < img.length; j++) {
                    img[j] *= mask[j % PLANE];
                    assertTrue(mask[j % PLANE] >= 0 && mask[j % PLANE] <= 1);
                }
                double y = f.score(img) + bias;
                for (int j = 0; j < PLANE; j++) {
                    ref[j] += y * mask[j] / (40 * 0.5);
                    kept += mask[j] / (40.0 * PLANE);
                }
            }
            for (int j = 0; j < PLANE; j++) {
                assertEquals(ref[j], batched[j], 1e-3 * Math.max(1, Math.abs(ref[j])), "pixel " + j);
                assertEquals(batched[j], single[j], 1e-4 * Math.max(1, Math.abs(ref[j])), "batch invariance");
            }
            assertEquals(0.5, kept, 0.15, "masks keep about half the image");
        }
    }

    @ParameterizedTest
    @MethodSource("io.github.explain4j.djl.fixtures.TestNets#engines")
    void limeRecoversEachSuperpixelsExactContributionOnALinearModel(String engine) {
        try (Fixture f = fixture(engine, 63)) {
            float fill = 0.5f;
            Lime lime = Lime.create().superpixels(9).samples(120).ridge(0).fill(fill).seed(4).batchSize(32);
            Attribution a = lime.explainTensor(f.model(), f.x(), Target.classIndex(CLASS)).get(0);
            int[] seg = lime.segments(f.xs(), 3, S, S);
            int n = java.util.Arrays.stream(seg).max().orElseThrow() + 1;
            assertTrue(n >= 3, "SLIC found " + n + " superpixels");
            assertEquals(n, a.diagnostic("superpixels").orElseThrow(), 0);
            // the score is linear in the on/off pattern: each superpixel adds Σ w·(x − fill) over its pixels
            double[] contribution = new double[n];
            for (int c = 0; c < 3; c++) {
                for (int j = 0; j < PLANE; j++) {
                    contribution[seg[j]] += f.w()[CLASS * 3 * PLANE + c * PLANE + j] * (f.xs()[c * PLANE + j] - fill);
                }
            }
            float[] v = a.values();
            for (int j = 0; j < PLANE; j++) {
                assertEquals(contribution[seg[j]], v[j], 1e-3, "pixel " + j + " of superpixel " + seg[j]);
            }
            assertArrayEquals(v, lime.explainTensor(f.model(), f.x(), Target.classIndex(CLASS)).get(0).values(),
                    "seeded");
        }
    }
    @ParameterizedTest
    @MethodSource("io.github.explain4j.djl.fixtures.TestNets#engines")
    void anOcclusionPatchWithABlurredFillShowsTheBlurredImageThere(String engine) {
        try (Fixture f = fixture(engine, 64)) {
            double sigma = 1.5;
            float[] blurred = Blur.gaussian(f.xs(), 3, S, S, sigma);
            Occlusion blur = Occlusion.create().fill(Baseline.blurred(sigma)).batchSize(9);
            // one-pixel patches: the drop at a pixel is Σ_c w_c (x_c − blur(x)_c) there, in closed form
            float[] v = blur.window(1).stride(1).explainTensor(f.model(), f.x(), Target.classIndex(CLASS)).get(0)
                    .values();
            for (int j = 0; j < PLANE; j++) {
                double drop = 0;
                for (int c = 0; c < 3; c++) {
                    drop += f.w()[CLASS * 3 * PLANE + c * PLANE + j] * (f.xs()[c * PLANE + j] - blurred[c * PLANE + j]);
                }
                assertEquals(drop, v[j], 1e-4, "pixel " + j);
            }
            // 3×3 patches: each patch shows the blurred image, the map is the mean drop of the covering patches
            float[] w3 = blur.window(3).stride(2).explainTensor(f.model(), f.x(), Target.classIndex(CLASS)).get(0)
                    .values();
            double[] sum = new double[PLANE];
            int[] count = new int[PLANE];
            for (int y0 : origins(3, 2)) {
                for (int x0 : origins(3, 2)) {
                    float[] img = f.xs().clone();
                    for (int c = 0; c < 3; c++) {
                        for (int y = y0; y < y0 + 3; y++) {
                            for (int x = x0; x < x0 + 3; x++) {
                                img[c * PLANE + y * S + x] = blurred[c * PLANE + y * S + x];
                            }
                        }
                    }
                    double drop = f.score(f.xs()) - f.score(img);
                    for (int y = y0; y < y0 + 3; y++) {
                        for (int x = x0; x < x0 + 3; x++) {
                            sum[y * S + x] += drop;
                            count[y * S + x]++;
                        }
                    }
                }
            }
            for (int j = 0; j < PLANE; j++) {
                assertEquals(sum[j] / count[j], w3[j], 1e-4, "3×3 patches, pixel " + j);
            }
            assertEquals("blurred (sigma 1.5)", blur.parameters().get("fill"));
        }
    }

    @ParameterizedTest
    @MethodSource("io.github.explain4j.djl.fixtures.TestNets#engines")
    void riseWithAConstantFillIsTheMaskWeightedMeanScoreOfXMPlusOneMinusMTimesTheFill(String engine) {
        try (Fixture f = fixture(engine, 65)) {
            float fill = 0.6f;
            Rise rise = Rise.create().masks(30).cells(3).keep(0.4).seed(8).fill(Baseline.constant(fill));
            float[] batched = rise.batchSize(8).explainTensor(f.model(), f.x(), Target.classIndex(CLASS)).get(0)
                    .values();
            float[] single = rise.batchSize(1).explainTensor(f.model(), f.x(), Target.classIndex(CLASS)).get(0)
                    .values();
            double bias = f.model().seam().forward(f.m(), f.m().zeros(new Shape(1, 3, S, S))).getFloat(0, CLASS);
            // y_k = w·(x ⊙ M_k + (1 − M_k)·c) + b = w·x_k' + b, and the map is Σ_k y_k M_k / (N p)
            double[] ref = new double[PLANE];
            for (int k = 0; k < 30; k++) {
                float[] mask = rise.mask(k, S, S);
                double y = bias;
                for (int j = 0; j < 3 * PLANE; j++) {
                    double m = mask[j % PLANE];
                    y += f.w()[CLASS * 3 * PLANE + j] * (f.xs()[j] * m + (1 - m) * fill);
                }
                for (int j = 0; j < PLANE; j++) {
                    ref[j] += y * mask[j] / (30 * 0.4);
                }
            }
            for (int j = 0; j < PLANE; j++) {
                assertEquals(ref[j], batched[j], 1e-3 * Math.max(1, Math.abs(ref[j])), "pixel " + j);
                assertEquals(batched[j], single[j], 1e-4 * Math.max(1, Math.abs(ref[j])), "batch invariance");
            }
            assertEquals("0.6", rise.parameters().get("fill"));
            assertTrue(!Rise.create().parameters().containsKey("fill"), "black, the default, is not reported");
            float[] black = Rise.create().masks(30).cells(3).keep(0.4).seed(8).batchSize(8)
                    .explainTensor(f.model(), f.x(), Target.classIndex(CLASS)).get(0).values();
            assertArrayEquals(black, Rise.create().masks(30).cells(3).keep(0.4).seed(8).batchSize(8)
                    .fill(Baseline.black()).explainTensor(f.model(), f.x(), Target.classIndex(CLASS)).get(0)
                    .values(), "an explicit black fill is the default, bit for bit");
        }
    }

    @ParameterizedTest
    @MethodSource("io.github.explain4j.djl.fixtures.TestNets#engines")
    void limeWithABlurredFillRecoversEachSuperpixelsContributionAgainstTheBlurredImage(String engine) {
        try (Fixture f = fixture(engine, 66)) {
            float[] blurred = Blur.gaussian(f.xs(), 3, S, S, 2.0);
            Lime lime = Lime.create().superpixels(9).samples(120).ridge(0).fill(Baseline.blurred(2.0)).seed(5);
            Attribution a = lime.explainTensor(f.model(), f.x(), Target.classIndex(CLASS)).get(0);
            int[] seg = lime.segments(f.xs(), 3, S, S);
            int n = java.util.Arrays.stream(seg).max().orElseThrow() + 1;
            double[] contribution = new double[n];
            for (int c = 0; c < 3; c++) {
                for (int j = 0; j < PLANE; j++) {
                    contribution[seg[j]] += f.w()[CLASS * 3 * PLANE + c * PLANE + j]
                            * (f.xs()[c * PLANE + j] - blurred[c * PLANE + j]);
                }
            }
            float[] v = a.values();
            for (int j = 0; j < PLANE; j++) {
                assertEquals(contribution[seg[j]], v[j], 1e-3, "pixel " + j + " of superpixel " + seg[j]);
            }
            assertEquals("blurred (sigma 2.0)", a.provenance().parameters().get("fill"));
        }
    }

    @ParameterizedTest
    @MethodSource("io.github.explain4j.djl.fixtures.TestNets#engines")
    void aConstantFillShorthandIsTheConstantBaselineAndOutOfRangeValuesAreRefused(String engine) {
        try (Fixture f = fixture(engine, 67)) {
            assertArrayEquals(
                    Occlusion.create().window(3).stride(3).fill(0.2f).explainTensor(f.model(), f.x(),
                            Target.classIndex(CLASS)).get(0).values(),
                    Occlusion.create().window(3).stride(3).fill(Baseline.constant(0.2f)).explainTensor(f.model(),
                            f.x(), Target.classIndex(CLASS)).get(0).values());
            assertEquals(Occlusion.create().fill(0.2f).parameters(),
                    Occlusion.create().fill(Baseline.constant(0.2f)).parameters());
            assertEquals(Lime.create().fill(0.2f).parameters(), Lime.create().fill(Baseline.constant(0.2f))
                    .parameters());
            for (Runnable bad : new Runnable[] {() -> Occlusion.create().fill(1.5f), () -> Lime.create().fill(-1f)}) {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class, bad::run);
                assertTrue(e.getMessage().startsWith("fill was ") && e.getMessage().endsWith(
                        "; expected a pixel value in [0, 1]"), e.getMessage());
            }
        }
    }
}
