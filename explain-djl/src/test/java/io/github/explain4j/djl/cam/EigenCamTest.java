package io.github.explain4j.djl.cam;

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
import io.github.explain4j.render.Heatmaps;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Eigen-CAM's map is the projection of the centred activations on their first principal component, signed to
 * agree with the summed activations: on constructed activations whose component is known, and on the family's
 * network fixture against the power iteration the method used before it took EJML's SVD.
 */
class EigenCamTest {

    // positions 0…5 of a 2×3 map; s ⊥ t, both sum to 0; |s|² = 16, |t|² = 6
    private static final double[] S = {1, 2, -3, 0, 1, -1};
    private static final double[] T = {1, 1, 1, -1, -1, -1};
    // channel directions, unit and orthogonal; Σ U = 5/3 > 0
    private static final double[] U = {1 / 3.0, 2 / 3.0, 2 / 3.0};
    private static final double[] V = {2 / 3.0, -2 / 3.0, 1 / 3.0};
    // channel means, which the centring removes
    private static final double[] MEAN = {5, -1, 0.5};

    /**
     * {@code A^c_p = mean_c + 2·s_p·u_c + 0.01·t_p·v_c + noise}: centred, the matrix is {@code 2 s uᵀ + 0.01 t vᵀ},
     * already an SVD with singular values 2|s| = 8 and 0.01|t| ≈ 0.024, so the first component is {@code u} and
     * the projection {@code X u = 2 s}.
     */
    private static FeatureMaps rankOnePlusSmallNoise(double[] u, long seed) {
        Random random = new Random(seed);
        float[] a = new float[3 * 6];
        for (int c = 0; c < 3; c++) {
            for (int p = 0; p < 6; p++) {
                a[c * 6 + p] = (float) (MEAN[c] + 2 * S[p] * u[c] + 0.01 * T[p] * V[c] + 1e-6 * random.nextGaussian());
            }
        }
        return FeatureMaps.of(a, 3, 2, 3);
    }

    @Test
    void theMapIsTheProjectionOnTheKnownFirstComponent() {
        float[] map = EigenCam.principalProjection(rankOnePlusSmallNoise(U, 1));
        // Σ_p (2 s_p)·Σ_c A^c_p = 2·2·Σu·|s|² > 0: the sign of 2s agrees with the summed activations
        for (int p = 0; p < 6; p++) {
            assertEquals(2 * S[p], map[p], 1e-4, "position " + p);
        }
    }

    @Test
    void theSignAgreesWithTheSummedActivationsWhateverTheComponentsDirection() {
        // A = mean + 2 s uᵀ (+ noise) for random unit directions u: the component is ±u, the projection ±2s; the map
        // that agrees with the summed activations, Σ_p map_p · Σ_c A^c_p = ±2·2·Σu·|s|², is 2s·sign(Σu)
        Random random = new Random(3);
        int flipped = 0;
        for (int trial = 0; trial < 20; trial++) {
            double[] u = new double[3];
            double norm = 0;
            for (int c = 0; c < 3; c++) {
                u[c] = random.nextGaussian();
                norm += u[c] * u[c];
            }
            double sum = 0;
            for (int c = 0; c < 3; c++) {
                u[c] /= Math.sqrt(norm);
                sum += u[c];
            }
            if (Math.abs(sum) < 0.1) {
                continue;
            }
            flipped += sum < 0 ? 1 : 0;
            float[] a = new float[3 * 6];
            for (int c = 0; c < 3; c++) {
                for (int p = 0; p < 6; p++) {
                    a[c * 6 + p] = (float) (MEAN[c] + 2 * S[p] * u[c] + 1e-6 * random.nextGaussian());
                }
            }
            float[] map = EigenCam.principalProjection(FeatureMaps.of(a, 3, 2, 3));
            for (int p = 0; p < 6; p++) {
                assertEquals(2 * S[p] * Math.signum(sum), map[p], 1e-4, "trial " + trial + ", position " + p);
            }
        }
        assertTrue(flipped > 2 && flipped < 18, "both signs of Σu were tried");
    }

    @ParameterizedTest
    @MethodSource("io.github.explain4j.djl.fixtures.TestNets#engines")
    void onTheFamilyFixtureItEqualsThePowerIterationItReplaced(String engine) {
        Shape shape = new Shape(2, 3, 8, 8);
        try (NDManager m = TestNets.manager(engine)) {
            SequentialBlock net = TestNets.init(TestNets.residualNet(5), m, DataType.FLOAT32, shape, 55);
            ExplainableModel model = ExplainableModel.of(net, m, InputSpec.rgb(8, 8));
            NDArray x = TestNets.randomInput(m, shape, DataType.FLOAT32, 56);
            float[] acts = model.seam().activation(m, x, "09LambdaBlock").toFloatArray();
            List<Attribution> maps = EigenCam.create().relu(false).explainTensor(model, x, Target.topPrediction());
            for (int n = 0; n < 2; n++) {
                float[] a = Arrays.copyOfRange(acts, n * 12 * 16, (n + 1) * 12 * 16);
                float[] expected = Heatmaps.resize(powerIteration(a, 12, 16), 4, 4, 8, 8);
                float[] actual = maps.get(n).values();
                double max = 0;
                for (float v : expected) {
                    max = Math.max(max, Math.abs(v));
                }
                assertTrue(max > 0);
                for (int j = 0; j < expected.length; j++) {
                    assertEquals(expected[j], actual[j], 1e-4 * max, engine + " input " + n + " pixel " + j);
                }
            }
        }
    }

    /**
     * The map as the method computed it before: {@code v} the top eigenvector of {@code XᵀX} ({@code X} centred,
     * positions × channels) by power iteration from the uniform vector (at most 200 steps), map {@code X v} negated
     * if it disagrees with {@code Σ_k A^k}. Written here as products {@code Xᵀ(X v)}, without the covariance.
     */
    private static float[] powerIteration(float[] a, int k, int positions) {
        double[][] x = new double[positions][k];
        for (int c = 0; c < k; c++) {
            double mean = 0;
            for (int p = 0; p < positions; p++) {
                mean += a[c * positions + p] / (double) positions;
            }
            for (int p = 0; p < positions; p++) {
                x[p][c] = a[c * positions + p] - mean;
            }
        }
        double[] v = new double[k];
        Arrays.fill(v, 1 / Math.sqrt(k));
        for (int step = 0; step < 200; step++) {
            double[] xv = new double[positions];
            for (int p = 0; p < positions; p++) {
                for (int c = 0; c < k; c++) {
                    xv[p] += x[p][c] * v[c];
                }
            }
            double[] next = new double[k];
            double norm = 0;
            for (int c = 0; c < k; c++) {
                for (int p = 0; p < positions; p++) {
                    next[c] += x[p][c] * xv[p];
                }
                norm += next[c] * next[c];
            }
            norm = Math.sqrt(norm);
            for (int c = 0; c < k; c++) {
                v[c] = next[c] / norm;
            }
        }
        float[] map = new float[positions];
        double agreement = 0;
        for (int p = 0; p < positions; p++) {
            double projection = 0;
            double sum = 0;
            for (int c = 0; c < k; c++) {
                projection += x[p][c] * v[c];
                sum += a[c * positions + p];
            }
            map[p] = (float) projection;
            agreement += projection * sum;
        }
        if (agreement < 0) {
            for (int p = 0; p < positions; p++) {
                map[p] = -map[p];
            }
        }
        return map;
    }
}
