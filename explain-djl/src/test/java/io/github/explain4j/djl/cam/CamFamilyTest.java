package io.github.explain4j.djl.cam;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.SequentialBlock;
import io.github.explain4j.api.Attribution;
import io.github.explain4j.api.InputSpec;
import io.github.explain4j.api.Target;
import io.github.explain4j.djl.ExplainableModel;
import io.github.explain4j.djl.fixtures.TestNets;
import io.github.explain4j.render.Heatmaps;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The class-activation family against references computed independently, on a network whose last spatial layer
 * ({@code 09LambdaBlock}, 12 channels, 4×4) feeds global average pooling and a linear layer — where the papers'
 * identities hold exactly — on both engines.
 */
class CamFamilyTest {

    private static final Shape INPUT = new Shape(2, 3, 8, 8);
    private static final String LAST = "09LambdaBlock";
    private static final int K = 12;
    private static final int CLASS = 3;

    private record Fixture(NDManager m, ExplainableModel model, NDArray x, float[] acts, float[] fc)
            implements AutoCloseable {
        @Override
        public void close() {
            m.close();
        }
    }

    private static Fixture fixture(String engine, long seed) {
        NDManager m = TestNets.manager(engine);
        SequentialBlock net = TestNets.init(TestNets.residualNet(5), m, DataType.FLOAT32, INPUT, seed);
        ExplainableModel model = ExplainableModel.of(net, m, InputSpec.rgb(8, 8));
        NDArray x = TestNets.randomInput(m, INPUT, DataType.FLOAT32, seed + 1);
        float[] acts = model.seam().activation(m, x, LAST).toFloatArray();
        float[] fc = net.getChildren().get(10).getValue().getParameters().get("weight").getArray().toFloatArray();
        return new Fixture(m, model, x, acts, fc);
    }

    /** Σ_k W[c,k]·A_k for input n, upsampled: the CAM of the paper, from the linear layer's weights. */
    private static float[] referenceCam(Fixture f, int n) {
        float[] map = new float[16];
        for (int k = 0; k < K; k++) {
            for (int j = 0; j < 16; j++) {
                map[j] += f.fc()[CLASS * K + k] * f.acts()[(n * K + k) * 16 + j];
            }
        }
        for (int j = 0; j < 16; j++) {
            map[j] = Math.max(0, map[j]);
        }
        return Heatmaps.resize(map, 4, 4, 8, 8);
    }

    private static void assertClose(float[] expected, float[] actual, double scale, String what) {
        double max = 0;
        for (float v : expected) {
            max = Math.max(max, Math.abs(v));
        }
        for (int j = 0; j < expected.length; j++) {
            assertEquals(expected[j] * scale, actual[j], 1e-4 * Math.max(1e-3, max * Math.abs(scale)), what + " " + j);
        }
    }

    @ParameterizedTest
    @MethodSource("io.github.explain4j.djl.fixtures.TestNets#engines")
    void onAGlobalAveragePoolingHeadCamGradCamXGradCamAndHiResCamAgree(String engine) {
        try (Fixture f = fixture(engine, 51)) {
            Target t = Target.classIndex(CLASS);
            List<Attribution> cam = Cam.create().explainTensor(f.model(), f.x(), t);
            List<Attribution> grad = GradCam.create().explainTensor(f.model(), f.x(), t);
            List<Attribution> xgrad = XGradCam.create().explainTensor(f.model(), f.x(), t);
            List<Attribution> hires = HiResCam.create().explainTensor(f.model(), f.x(), t);
            for (int n = 0; n < 2; n++) {
                float[] ref = referenceCam(f, n);
                assertClose(ref, cam.get(n).values(), 1, "CAM = Σ w·A");
                // dy/dA = w/(h·w) everywhere, so Grad-CAM, XGrad-CAM and HiResCAM are CAM / 16
                assertClose(ref, grad.get(n).values(), 1.0 / 16, "Grad-CAM");
                assertClose(ref, xgrad.get(n).values(), 1.0 / 16, "XGrad-CAM");
                assertClose(ref, hires.get(n).values(), 1.0 / 16, "HiResCAM");
            }
        }
    }

    @ParameterizedTest
    @MethodSource("io.github.explain4j.djl.fixtures.TestNets#engines")
    void layerCamKeepsOnlyPositiveGradientsAndGradCamPlusPlusMatchesItsClosedForm(String engine) {
        try (Fixture f = fixture(engine, 52)) {
            Target t = Target.classIndex(CLASS);
            float[] layer = LayerCam.create().explainTensor(f.model(), f.x(), t).get(1).values();
            float[] plus = GradCamPlusPlus.create().explainTensor(f.model(), f.x(), t).get(1).values();
            float[] l = new float[16];
            float[] p = new float[16];
            for (int k = 0; k < K; k++) {
                double g = f.fc()[CLASS * K + k] / 16.0;
                double sumA = 0;
                for (int j = 0; j < 16; j++) {
                    sumA += f.acts()[(K + k) * 16 + j];
                }
                // constant gradient g: alpha = g²/(2g² + ΣA·g³) at every position, weight = 16·alpha·relu(g)
                double denominator = 2 * g * g + sumA * g * g * g;
                double weight = denominator == 0 ? 0 : 16 * (g * g / denominator) * Math.max(0, g);
                for (int j = 0; j < 16; j++) {
                    float a = f.acts()[(K + k) * 16 + j];
                    l[j] += (float) (Math.max(0, g) * a);
                    p[j] += (float) (weight * a);
                }
            }
            for (int j = 0; j < 16; j++) {
                l[j] = Math.max(0, l[j]);
                p[j] = Math.max(0, p[j]);
            }
            assertClose(Heatmaps.resize(l, 4, 4, 8, 8), layer, 1, "Layer-CAM");
            assertClose(Heatmaps.resize(p, 4, 4, 8, 8), plus, 1, "Grad-CAM++");
        }
    }

    @ParameterizedTest
    @MethodSource("io.github.explain4j.djl.fixtures.TestNets#engines")
    void ablationCamWeightsAreTheScoreDropOfEachChannel(String engine) {
        try (Fixture f = fixture(engine, 53)) {
            Target t = Target.classIndex(CLASS);
            float[] y = f.model().seam().forward(f.m(), f.x()).get(new NDIndex(":, " + CLASS)).toFloatArray();
            List<Attribution> abl = AblationCam.create().batchSize(5).explainTensor(f.model(), f.x(), t);
            for (int n = 0; n < 2; n++) {
                // behind GAP + linear, zeroing channel k lowers y by W[c,k]·mean(A_k), exactly
                float[] map = new float[16];
                for (int k = 0; k < K; k++) {
                    double mean = 0;
                    for (int j = 0; j < 16; j++) {
                        mean += f.acts()[(n * K + k) * 16 + j] / 16.0;
                    }
                    double w = f.fc()[CLASS * K + k] * mean / y[n];
                    for (int j = 0; j < 16; j++) {
                        map[j] += (float) (w * f.acts()[(n * K + k) * 16 + j]);
                    }
                }
                for (int j = 0; j < 16; j++) {
                    map[j] = Math.max(0, map[j]);
                }
                assertClose(Heatmaps.resize(map, 4, 4, 8, 8), abl.get(n).values(), 1, "Ablation-CAM");
            }
        }
    }

    @ParameterizedTest
    @MethodSource("io.github.explain4j.djl.fixtures.TestNets#engines")
    void scoreCamEqualsOneMaskedForwardPerChannelInAnyBatchSize(String engine) {
        try (Fixture f = fixture(engine, 54)) {
            Target t = Target.classIndex(CLASS);
            float[] batched = ScoreCam.create().batchSize(5).explainTensor(f.model(), f.x(), t).get(0).values();
            float[] single = ScoreCam.create().batchSize(1).explainTensor(f.model(), f.x(), t).get(0).values();
            float[] x = f.x().get(new NDIndex("0")).toFloatArray();
            double[] scores = new double[K];
            for (int k = 0; k < K; k++) {
                float[] up = Heatmaps.resize(java.util.Arrays.copyOfRange(f.acts(), k * 16, k * 16 + 16), 4, 4, 8, 8);
                float min = Float.MAX_VALUE;
                float max = -Float.MAX_VALUE;
                for (float v : up) {
                    min = Math.min(min, v);
                    max = Math.max(max, v);
                }
                float[] masked = new float[x.length];
                for (int j = 0; j < x.length; j++) {
                    masked[j] = max > min ? x[j] * (up[j % 64] - min) / (max - min) : 0f;
                }
                NDArray in = f.m().create(masked, new Shape(1, 3, 8, 8));
                scores[k] = f.model().seam().forward(f.m(), in).getFloat(0, CLASS);
            }
            double maxScore = java.util.Arrays.stream(scores).max().orElseThrow();
            double total = 0;
            for (double s : scores) {
                total += Math.exp(s - maxScore);
            }
            float[] map = new float[16];
            for (int k = 0; k < K; k++) {
                double w = Math.exp(scores[k] - maxScore) / total;
                for (int j = 0; j < 16; j++) {
                    map[j] += (float) (w * f.acts()[k * 16 + j]);
                }
            }
            for (int j = 0; j < 16; j++) {
                map[j] = Math.max(0, map[j]);
            }
            float[] ref = Heatmaps.resize(map, 4, 4, 8, 8);
            assertClose(ref, batched, 1, "Score-CAM, batches of 5");
            assertClose(ref, single, 1, "Score-CAM, one at a time");
        }
    }

    @ParameterizedTest
    @MethodSource("io.github.explain4j.djl.fixtures.TestNets#engines")
    void eigenCamIsTheDirectionOfLargestVariance(String engine) {
        try (Fixture f = fixture(engine, 55)) {
            float[] map = EigenCam.create().relu(false).explainTensor(f.model(), f.x(), Target.topPrediction()).get(0)
                    .values();
            // recover the 4×4 projection from the (bilinear, linear) upsampled map by projecting every unit direction
            // and checking no random direction explains more variance than the map's own direction
            double[][] centred = new double[16][K];
            for (int k = 0; k < K; k++) {
                double mean = 0;
                for (int j = 0; j < 16; j++) {
                    mean += f.acts()[k * 16 + j] / 16.0;
                }
                for (int j = 0; j < 16; j++) {
                    centred[j][k] = f.acts()[k * 16 + j] - mean;
                }
            }
            double[] best = topDirectionByJacobi(centred);
            float[] proj = new float[16];
            for (int j = 0; j < 16; j++) {
                for (int k = 0; k < K; k++) {
                    proj[j] += (float) (centred[j][k] * best[k]);
                }
            }
            float[] up = Heatmaps.resize(proj, 4, 4, 8, 8);
            double dot = 0;
            for (int j = 0; j < up.length; j++) {
                dot += up[j] * map[j];
            }
            assertClose(up, map, Math.signum(dot), "Eigen-CAM vs Jacobi eigenvector");
            assertThrows(IllegalArgumentException.class,
                    () -> Cam.at("05ParallelBlock").explainTensor(f.model(), f.x(), Target.classIndex(0)),
                    "CAM refuses a layer that is not followed by GAP + linear");
        }
    }

    @ParameterizedTest
    @MethodSource("io.github.explain4j.djl.fixtures.TestNets#engines")
    void severalLayersAreAveragedAfterScalingEachToOne(String engine) {
        try (Fixture f = fixture(engine, 56)) {
            Target t = Target.classIndex(CLASS);
            // without the ReLU, so that neither single-layer map can be all zero
            float[] a = GradCam.at("05ParallelBlock").relu(false).explainTensor(f.model(), f.x(), t).get(0).values();
            float[] b = GradCam.at(LAST).relu(false).explainTensor(f.model(), f.x(), t).get(0).values();
            float[] both = GradCam.at("05ParallelBlock", LAST).relu(false).explainTensor(f.model(), f.x(), t).get(0)
                    .values();
            float ma = 0;
            float mb = 0;
            for (int j = 0; j < a.length; j++) {
                ma = Math.max(ma, Math.abs(a[j]));
                mb = Math.max(mb, Math.abs(b[j]));
            }
            assertTrue(ma > 0 && mb > 0);
            for (int j = 0; j < a.length; j++) {
                assertEquals((a[j] / ma + b[j] / mb) / 2, both[j], 1e-5);
            }
        }
    }

    /** The eigenvector of XᵀX with the largest eigenvalue, by cyclic Jacobi rotations (independent of the library). */
    private static double[] topDirectionByJacobi(double[][] x) {
        int k = x[0].length;
        double[][] a = new double[k][k];
        for (double[] row : x) {
            for (int i = 0; i < k; i++) {
                for (int j = 0; j < k; j++) {
                    a[i][j] += row[i] * row[j];
                }
            }
        }
        double[][] v = new double[k][k];
        for (int i = 0; i < k; i++) {
            v[i][i] = 1;
        }
        for (int sweep = 0; sweep < 100; sweep++) {
            for (int p = 0; p < k; p++) {
                for (int q = p + 1; q < k; q++) {
                    if (Math.abs(a[p][q]) < 1e-15) {
                        continue;
                    }
                    double theta = (a[q][q] - a[p][p]) / (2 * a[p][q]);
                    double t = Math.signum(theta) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
                    if (theta == 0) {
                        t = 1;
                    }
                    double c = 1 / Math.sqrt(t * t + 1);
                    double s = t * c;
                    for (int r = 0; r < k; r++) {
                        double arp = a[r][p];
                        double arq = a[r][q];
                        a[r][p] = c * arp - s * arq;
                        a[r][q] = s * arp + c * arq;
                    }
                    for (int r = 0; r < k; r++) {
                        double apr = a[p][r];
                        double aqr = a[q][r];
                        a[p][r] = c * apr - s * aqr;
                        a[q][r] = s * apr + c * aqr;
                    }
                    for (int r = 0; r < k; r++) {
                        double vrp = v[r][p];
                        double vrq = v[r][q];
                        v[r][p] = c * vrp - s * vrq;
                        v[r][q] = s * vrp + c * vrq;
                    }
                }
            }
        }
        int best = 0;
        for (int i = 1; i < k; i++) {
            if (a[i][i] > a[best][best]) {
                best = i;
            }
        }
        double[] out = new double[k];
        for (int i = 0; i < k; i++) {
            out[i] = v[i][best];
        }
        return out;
    }
}
