package io.github.explain4j.djl.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import io.github.explain4j.djl.fixtures.TestNets;
import io.github.explain4j.optim.Parameterization;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The image parameterisations on both engines: the inverse real FFT written as matrix products against a direct
 * complex DFT in double precision (numpy's irfft2 definition), for even and odd sizes; colour decorrelation and the
 * ranges against their formulas.
 */
class ImageParameterizationTest {

    @ParameterizedTest
    @MethodSource("io.github.explain4j.djl.fixtures.TestNets#engines")
    void theInverseFftEqualsADirectDft(String engine) {
        try (NDManager m = TestNets.manager(engine)) {
            for (int[] hw : new int[][] {{6, 8}, {5, 7}, {4, 5}}) {
                int h = hw[0];
                int w = hw[1];
                int v = w / 2 + 1;
                Random r = new Random(h * 31 + w);
                double[] re = new double[2 * h * v];
                double[] im = new double[2 * h * v];
                for (int i = 0; i < re.length; i++) {
                    re[i] = r.nextGaussian();
                    im[i] = r.nextGaussian();
                }
                NDArray x = ImageParameterization.inverseRealFft2(m.create(re, new Shape(2, 1, h, v)),
                        m.create(im, new Shape(2, 1, h, v)), h, w);
                assertEquals(new Shape(2, 1, h, w), x.getShape());
                double[] got = x.toDoubleArray();
                for (int b = 0; b < 2; b++) {
                    double[] expected = irfft2(re, im, b * h * v, h, w);
                    for (int i = 0; i < h * w; i++) {
                        assertEquals(expected[i], got[b * h * w + i], 1e-12, engine + " " + h + "×" + w + " [" + i + "]");
                    }
                }
            }
        }
    }

    /**
     * numpy's irfft2 by its definition: an inverse complex DFT along the rows, then along the columns the inverse
     * real DFT of the half spectrum (imaginary parts of the constant and Nyquist terms ignored).
     */
    private static double[] irfft2(double[] re, double[] im, int offset, int h, int w) {
        int v = w / 2 + 1;
        double[] yr = new double[h * v];
        double[] yi = new double[h * v];
        for (int row = 0; row < h; row++) {
            for (int k = 0; k < v; k++) {
                for (int u = 0; u < h; u++) {
                    double a = 2 * Math.PI * u * row / h;
                    double xr = re[offset + u * v + k];
                    double xi = im[offset + u * v + k];
                    yr[row * v + k] += (xr * Math.cos(a) - xi * Math.sin(a)) / h;
                    yi[row * v + k] += (xr * Math.sin(a) + xi * Math.cos(a)) / h;
                }
            }
        }
        double[] out = new double[h * w];
        for (int row = 0; row < h; row++) {
            // build the full Hermitian spectrum of the row and sum its inverse DFT's real part
            for (int n = 0; n < w; n++) {
                double s = 0;
                for (int k = 0; k < w; k++) {
                    double fr;
                    double fi;
                    if (k < v) {
                        fr = yr[row * v + k];
                        fi = yi[row * v + k];
                        if (k == 0 || (w % 2 == 0 && k == w / 2)) {
                            fi = 0;
                        }
                    } else {
                        fr = yr[row * v + (w - k)];
                        fi = -yi[row * v + (w - k)];
                    }
                    double a = 2 * Math.PI * k * n / w;
                    s += fr * Math.cos(a) - fi * Math.sin(a);
                }
                out[row * w + n] = s / w;
            }
        }
        return out;
    }

    @ParameterizedTest
    @MethodSource("io.github.explain4j.djl.fixtures.TestNets#engines")
    void decorrelationAndRangesFollowTheirFormulas(String engine) {
        try (NDManager m = TestNets.manager(engine)) {
            Random r = new Random(3);
            double[] px = new double[2 * 3 * 4 * 5];
            for (int i = 0; i < px.length; i++) {
                px[i] = r.nextGaussian();
            }
            NDArray raw = m.create(px, new Shape(2, 3, 4, 5));
            double[] mixed = ImageParameterization.decorrelate(raw).toDoubleArray();
            double[][] c = ImageParameterization.COLOR_CORRELATION_SQRT;
            double maxNorm = Math.sqrt(0.26 * 0.26 + 0.27 * 0.27 + 0.27 * 0.27); // the first column is the largest
            for (int n = 0; n < 2; n++) {
                for (int ch = 0; ch < 3; ch++) {
                    for (int p = 0; p < 20; p++) {
                        double e = 0;
                        for (int d = 0; d < 3; d++) {
                            e += c[ch][d] / maxNorm * px[(n * 3 + d) * 20 + p];
                        }
                        assertEquals(e, mixed[(n * 3 + ch) * 20 + p], 1e-6, "decorrelated channel " + ch);
                    }
                }
            }
            ImageParameterization sigmoid = new ImageParameterization(Parameterization.pixels().batch(2), 3, 4, 5);
            double[] s = sigmoid.image(raw).toDoubleArray();
            ImageParameterization clip = new ImageParameterization(
                    Parameterization.pixels().batch(2).range(Parameterization.Range.CLIP), 3, 4, 5);
            double[] k = clip.image(raw).toDoubleArray();
            for (int i = 0; i < px.length; i++) {
                assertEquals(1 / (1 + Math.exp(-px[i])), s[i], 1e-12);
                assertEquals(Math.min(1, Math.max(0, px[i] + 0.5)), k[i], 1e-12);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("io.github.explain4j.djl.fixtures.TestNets#engines")
    void aFourierStartIsSmallCentredAndReproducible(String engine) {
        try (NDManager m = TestNets.manager(engine)) {
            ImageParameterization p = new ImageParameterization(Parameterization.fft().decorrelated().batch(2), 3,
                    16, 12);
            assertEquals(new Shape(2, 2, 3, 16, 7), p.parameterShape());
            NDArray a = p.initial(m, 5);
            assertEquals(DataType.FLOAT32, a.getDataType());
            float[] image = p.image(a).toFloatArray();
            assertEquals(2 * 3 * 16 * 12, image.length);
            double mean = 0;
            for (float v : image) {
                assertTrue(v > 0.3 && v < 0.7, "a small random start stays near grey: " + v);
                mean += v / image.length;
            }
            assertEquals(0.5, mean, 0.05);
            assertEquals(java.util.Arrays.toString(a.toFloatArray()),
                    java.util.Arrays.toString(p.initial(m, 5).toFloatArray()), "the same seed, the same start");
            // the lowest frequency is scaled by max(H, W)^decay · √(H·W)
            assertEquals(16 * Math.sqrt(16 * 12), p.spectrumScale(m, DataType.FLOAT64).getDouble(0, 0), 1e-9);
            // colour decorrelation follows the model: on a four-channel input it leaves the channels alone
            NDArray four = m.randomNormal(new Shape(1, 4, 3, 3));
            assertEquals(java.util.Arrays.toString(Activation.sigmoid(four).toFloatArray()), java.util.Arrays.toString(
                    new ImageParameterization(Parameterization.pixels().decorrelated(), 4, 3, 3).image(four)
                            .toFloatArray()));
        }
    }
}
