package io.github.explain4j.djl.cam;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * Each gradient variant's formula on hand-made activations {@code A} and gradients {@code G} (K = 2 channels,
 * 2×3 positions), with the expected maps worked out by hand in the comments: no engine, no model. The maps are
 * those before the ReLU, so signs count. Positions are numbered 0…5 row-major.
 */
class CamFormulaTest {

    private static final double EPS = 1e-6;

    // A^0 = 1 2 0 / 3 1 1     Σ A^0 = 8
    // A^1 = 0 1 2 / 1 0 2     Σ A^1 = 6
    private static final FeatureMaps A = FeatureMaps.of(new float[] {
        1, 2, 0, 3, 1, 1,
        0, 1, 2, 1, 0, 2}, 2, 2, 3);

    // G^0 =  1 -1  2 /  0  1  3     Σ G^0 =  6, mean  1
    // G^1 = -2  0  1 / -1  0 -4     Σ G^1 = -6, mean -1
    private static final FeatureMaps G = FeatureMaps.of(new float[] {
        1, -1, 2, 0, 1, 3,
        -2, 0, 1, -1, 0, -4}, 2, 2, 3);

    private static void assertMap(double[] expected, float[] actual) {
        float[] e = new float[expected.length];
        for (int i = 0; i < e.length; i++) {
            e[i] = (float) expected[i];
        }
        assertArrayEquals(e, actual, (float) EPS);
    }

    @Test
    void gradCamWeighsEachChannelByItsMeanGradient() {
        // α = (1, -1): L = A^0 − A^1
        assertArrayEquals(new double[] {1, -1}, GradCam.create().weights(A, G), EPS);
        assertMap(new double[] {1, 1, -2, 2, 1, -1}, GradCam.create().image(A, G));
    }

    @Test
    void hiResCamSumsTheElementwiseProductOverChannels() {
        // A^0 ⊙ G^0 = 1 -2 0 / 0 1 3,  A^1 ⊙ G^1 = 0 0 2 / -1 0 -8
        assertMap(new double[] {1, -2, 2, -1, 1, -5}, HiResCam.create().image(A, G));
    }

    @Test
    void layerCamKeepsOnlyPositiveGradients() {
        // ReLU(G^0) = 1 0 2 / 0 1 3,  ReLU(G^1) = 0 0 1 / 0 0 0
        // A^0 ⊙ ReLU(G^0) = 1 0 0 / 0 1 3,  A^1 ⊙ ReLU(G^1) = 0 0 2 / 0 0 0
        assertMap(new double[] {1, 0, 2, 0, 1, 3}, LayerCam.create().image(A, G));
    }

    @Test
    void xGradCamWeighsByActivationWeightedGradient() {
        // Σ A^0 G^0 = 1 − 2 + 0 + 0 + 1 + 3 = 3,  Σ A^1 G^1 = 2 − 1 − 8 = −7
        // w = (3/8, −7/6) = (9/24, −28/24)
        // L = (9 A^0 − 28 A^1) / 24 = (9, 18 − 28, −56, 27 − 28, 9, 9 − 56) / 24
        assertArrayEquals(new double[] {3.0 / 8, -7.0 / 6}, XGradCam.create().weights(A, G), EPS);
        assertMap(new double[] {9.0 / 24, -10.0 / 24, -56.0 / 24, -1.0 / 24, 9.0 / 24, -47.0 / 24},
                XGradCam.create().image(A, G));
    }

    @Test
    void gradCamPlusPlusWeighsPositiveGradientsByItsClosedFormAlpha() {
        // α = G² / (2G² + ΣA·G³) = 1 / (2 + ΣA·G) where G ≠ 0 (0 where G = 0); w_k = Σ α·ReLU(G)
        // channel 0, ΣA = 8, positive G = 1, 2, 1, 3: w_0 = 1/10 + 2/18 + 1/10 + 3/26
        // channel 1, ΣA = 6, positive G = 1:           w_1 = 1/8
        double w0 = 1.0 / 10 + 2.0 / 18 + 1.0 / 10 + 3.0 / 26;
        double w1 = 1.0 / 8;
        assertArrayEquals(new double[] {w0, w1}, GradCamPlusPlus.create().weights(A, G), EPS);
        // L = w0 A^0 + w1 A^1
        assertMap(new double[] {w0, 2 * w0 + w1, 2 * w1, 3 * w0 + w1, w0, w0 + 2 * w1},
                GradCamPlusPlus.create().image(A, G));
    }

    @Test
    void camReadsTheLinearWeightsOffAConstantGradientAndRefusesOthers() {
        // behind GAP + linear, G^k = w_k / 6 everywhere; here w = (3, −1)
        FeatureMaps constant = FeatureMaps.of(new float[] {
            0.5f, 0.5f, 0.5f, 0.5f, 0.5f, 0.5f,
            -1f / 6, -1f / 6, -1f / 6, -1f / 6, -1f / 6, -1f / 6}, 2, 2, 3);
        assertArrayEquals(new double[] {3, -1}, Cam.create().weights(A, constant), 1e-5);
        // L = 3 A^0 − A^1
        assertMap(new double[] {3, 5, -2, 8, 3, 1}, Cam.create().image(A, constant));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Cam.create().image(A, G));
        assertTrue(e.getMessage().contains("channel 0"), e.getMessage());
    }

    /** A variant that overrides neither override point: a programming error, reported as such. */
    private static final class Neither extends GradientCamMethod<Neither> {
        Neither(Settings s) {
            super(s, Neither::new);
        }

        @Override
        public String name() {
            return "neither";
        }
    }

    @Test
    void aGradientVariantThatOverridesNeitherMethodSaysSo() {
        Neither neither = new Neither(CamMethod.defaults());
        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                () -> neither.image(A, G));
        assertTrue(e.getMessage().contains("overrides neither weights(A, G) nor image(A, G)"), e.getMessage());
    }
}
