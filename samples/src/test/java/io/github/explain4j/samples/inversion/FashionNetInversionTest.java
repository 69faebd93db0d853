package io.github.explain4j.samples.inversion;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import io.github.explain4j.djl.ExplainableModel;
import io.github.explain4j.djl.optim.FeatureInversion;
import io.github.explain4j.djl.optim.InversionDecoder;
import io.github.explain4j.djl.optim.LearnedInversion;
import io.github.explain4j.optim.Inversion;
import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Both inversions of the committed FashionNet on held-out Fashion-MNIST images (the committed test split), on both
 * engines: optimisation (Mahendran &amp; Vedaldi 2015) and the committed decoders (Dosovitskiy &amp; Brox 2016,
 * {@code models/inversion/fashion-*-0000.params}, trained on the training split by {@code InversionTrainer}).
 *
 * <p>Calibration (2026-11-29; PyTorch and MXNet agree to the digits printed). Optimised, held-out image 0, seed
 * 2, 100 steps: relative feature error relu1 0.0049, relu2 0.094–0.096, relu3 0.240; pixel MSE 0.00045, 0.0092–0.0093,
 * 0.0953 — monotone with wide gaps; hence ≤ 5 % at relu1 (10× above the figure). Learned, held-out images 0–199
 * against the mean of the whole test split (pixel MSE 0.0899): 0.00059, 0.00275, 0.00844 — ratios 0.007, 0.031,
 * 0.094 (on 500 held-out images at training time: 0.007, 0.033, 0.102); the margins 0.02, 0.08 and 0.2 are about
 * twice the ratios. Time: 1.1–2.4 s per optimised inversion, 1.3–2.5 s per 200 learned ones, on 2 cores shared with
 * three other jobs.
 */
class FashionNetInversionTest {

    static final InversionFixtures F = InversionFixtures.FASHION;
    static final int STEPS = 100;
    static final int HELD_OUT = 200;
    /** Per layer, the decoder's pixel MSE must be at most this fraction of the mean image's (calibrated below). */
    static final double[] MARGIN = {0.02, 0.08, 0.2};

    static double mse(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += (a[i] - b[i]) * (double) (a[i] - b[i]);
        }
        return s / a.length;
    }

    /**
     * relu1 (32×28×28) is inverted to a relative feature error ≤ 5 %; two runs with one seed give one image; the
     * pixel error of the optimised inversion grows from relu1 to relu2 to relu3.
     */
    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void optimisedInversionIsCloseAtRelu1AndWorsensWithDepth(String engine) throws Exception {
        float[] x = F.heldOut(0, 1).get(0);
        try (Model m = F.load(engine)) {
            ExplainableModel model = F.explainable(m);
            double previous = -1;
            for (String layer : F.layers()) {
                long t0 = System.nanoTime();
                FeatureInversion inversion = FeatureInversion.of(layer).steps(STEPS).seed(2);
                Inversion a = inversion.invert(model, x);
                long ms = (System.nanoTime() - t0) / 1_000_000;
                double feature = a.relativeFeatureError().get(layer);
                double pixels = mse(a.image(), x);
                System.out.printf(Locale.ROOT, "%s FashionNet %s optimised: relative feature error %.5f, pixel MSE"
                        + " %.5f (%d steps, %d ms)%n", engine, layer, feature, pixels, STEPS, ms);
                if (layer.equals(F.layers().get(0))) {
                    assertTrue(feature <= 0.05, engine + ": relu1 relative feature error " + feature);
                    assertArrayEquals(a.image(), inversion.invert(model, x).image(), engine + ": two runs differ");
                }
                assertTrue(pixels > previous, engine + " " + layer + ": pixel MSE " + pixels + " not above the"
                        + " layer before (" + previous + ")");
                previous = pixels;
            }
        }
    }

    /**
     * On held-out images each decoder beats the mean image (of the whole test split: a baseline that has even seen
     * the held-out images) by the margin, and its pixel error grows with depth.
     */
    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void decodersBeatTheMeanImageAndWorsenWithDepth(String engine) throws Exception {
        List<float[]> all = F.heldOut(0, 10000);
        float[] mean = new float[all.get(0).length];
        for (float[] x : all) {
            for (int j = 0; j < mean.length; j++) {
                mean[j] += x[j] / all.size();
            }
        }
        List<float[]> test = all.subList(0, HELD_OUT);
        double baseline = test.stream().mapToDouble(x -> mse(mean, x)).average().orElseThrow();
        try (Model m = F.load(engine)) {
            ExplainableModel model = F.explainable(m);
            double previous = -1;
            for (int l = 0; l < F.layers().size(); l++) {
                String layer = F.layers().get(l);
                try (InversionDecoder decoder = InversionDecoder.load(F.decoder(layer), engine)) {
                    long t0 = System.nanoTime();
                    List<Inversion> out = LearnedInversion.at(layer, decoder).invertAll(model, test);
                    long ms = (System.nanoTime() - t0) / 1_000_000;
                    double error = IntStream.range(0, HELD_OUT).mapToDouble(i -> mse(out.get(i).image(), test.get(i)))
                            .average().orElseThrow();
                    System.out.printf(Locale.ROOT, "%s FashionNet %s learned: pixel MSE %.5f, mean image %.5f (ratio"
                            + " %.3f) (%d images, %d ms)%n", engine, layer, error, baseline, error / baseline,
                            HELD_OUT, ms);
                    assertTrue(error <= MARGIN[l] * baseline, engine + " " + layer + ": decoder MSE " + error
                            + " vs mean image " + baseline);
                    assertTrue(error > previous, engine + " " + layer + ": MSE " + error + " not above the layer"
                            + " before (" + previous + ")");
                    previous = error;
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void refusesADecoderOfAnotherLayerOrModel(String engine) throws Exception {
        float[] x = F.heldOut(0, 1).get(0);
        try (Model m = F.load(engine);
                InversionDecoder relu2 = InversionDecoder.load(F.decoder("08LambdaBlock"), engine);
                InversionDecoder shapes = InversionDecoder.load(InversionFixtures.SHAPES.decoder("stem"), engine)) {
            ExplainableModel model = F.explainable(m);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> LearnedInversion.at("12LambdaBlock", relu2).invert(model, x));
            assertTrue(e.getMessage().contains("trained for layer '08LambdaBlock'")
                    && e.getMessage().contains("'12LambdaBlock'"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class,
                    () -> LearnedInversion.at("stem", shapes).invert(model, x));
            assertTrue(e.getMessage().contains("not 'FashionNet'"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class,
                    () -> FeatureInversion.of("99LambdaBlock").invert(model, x));
            assertTrue(e.getMessage().contains("99LambdaBlock"), e.getMessage());
        }
    }
}
