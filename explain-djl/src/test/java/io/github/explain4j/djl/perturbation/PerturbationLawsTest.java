package io.github.explain4j.djl.perturbation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.SequentialBlock;
import io.github.explain4j.api.Attribution;
import io.github.explain4j.api.InputSpec;
import io.github.explain4j.api.Target;
import io.github.explain4j.djl.ExplainableModel;
import io.github.explain4j.djl.fixtures.TestNets;
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
}
