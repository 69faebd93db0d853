package io.github.explain4j.djl.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import io.github.explain4j.api.Images;
import io.github.explain4j.data.SyntheticShapes;
import io.github.explain4j.djl.ExplainableModel;
import io.github.explain4j.djl.zoo.ShapesNet;
import io.github.explain4j.optim.Inversion;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Learned inversion (Dosovitskiy &amp; Brox 2016) of the bundled ShapesNet with the committed decoders
 * ({@code models/inversion/shapes-*-0000.params}, trained by the samples program {@code InversionTrainer} on the
 * training seed), on held-out shapes (the test seed), on both engines.
 *
 * <p>Calibration (2026-11-29, held-out shapes 0–63; the baseline is the mean of training shapes 0–399, computed
 * here; the same figures on both engines to 7 digits): the decoders' pixel MSE is 0.00193 (stem), 0.02533
 * (stage2) and 0.03434 (stage3) against 0.03840 for the mean image — ratios 0.050, 0.660, 0.894 (on 500 held-out
 * shapes at training time: 0.049, 0.647, 0.900). The margins are 0.10, 0.75 and 0.95: at stage3 the decoder beats
 * the mean image by at least 5 % (its features keep little of the cluttered background; the optimised inversion
 * of stage3 is further from the image than the mean image is). Their relative feature errors are 0.073, 0.577 and
 * 0.942: a decoder trained on pixels need not reproduce the features. Both engines' reconstructions agree to 1e-4
 * (measured: to the last digits printed). Time: 0.6–1.7 s for 64 images per layer.
 */
class LearnedInversionTest {

    static final List<String> LAYERS = List.of("stem", "stage2", "stage3");
    static final int HELD_OUT = 64;
    /** Per layer, the decoder's pixel MSE must be at most this fraction of the mean image's (calibrated below). */
    static final double[] MARGIN = {0.10, 0.75, 0.95};

    static Path decoderFile(String layer) {
        return Path.of("..").toAbsolutePath().normalize().resolve("models/inversion/shapes-" + layer + "-0000.params");
    }

    static List<float[]> shapes(long seed, int count) {
        SyntheticShapes shapes = SyntheticShapes.create(64);
        return IntStream.range(0, count).mapToObj(i -> Images.toChw(shapes.sample(seed, i).image(), 3, 64, 64))
                .toList();
    }

    static double mse(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += (a[i] - b[i]) * (double) (a[i] - b[i]);
        }
        return s / a.length;
    }

    /**
     * On held-out images every decoder beats the mean training image by the margin, and the pixel error grows
     * with depth.
     */
    @ParameterizedTest
    @MethodSource("io.github.explain4j.djl.fixtures.TestNets#engines")
    void decodersBeatTheMeanImageAndWorsenWithDepth(String engine) throws IOException {
        List<float[]> train = shapes(SyntheticShapes.TRAIN_SEED, 400);
        float[] mean = new float[train.get(0).length];
        for (float[] x : train) {
            for (int j = 0; j < mean.length; j++) {
                mean[j] += x[j] / train.size();
            }
        }
        List<float[]> test = shapes(SyntheticShapes.TEST_SEED, HELD_OUT);
        double baseline = test.stream().mapToDouble(x -> mse(mean, x)).average().orElseThrow();
        try (Model m = ShapesNet.load(engine)) {
            ExplainableModel model = ShapesNet.explainable(m);
            double previous = -1;
            for (int l = 0; l < LAYERS.size(); l++) {
                String layer = LAYERS.get(l);
                try (InversionDecoder decoder = InversionDecoder.load(decoderFile(layer), engine)) {
                    long t0 = System.nanoTime();
                    List<Inversion> out = LearnedInversion.at(layer, decoder).invertAll(model, test);
                    long ms = (System.nanoTime() - t0) / 1_000_000;
                    double error = IntStream.range(0, HELD_OUT).mapToDouble(i -> mse(out.get(i).image(), test.get(i)))
                            .average().orElseThrow();
                    double feature = out.stream().mapToDouble(i -> i.relativeFeatureError().get(layer)).average()
                            .orElseThrow();
                    System.out.printf(Locale.ROOT, "%s %s: pixel MSE %.5f, mean image %.5f (ratio %.3f), relative"
                            + " feature error %.4f (%d images, %d ms)%n", engine, layer, error, baseline,
                            error / baseline, feature, HELD_OUT, ms);
                    assertTrue(error <= MARGIN[l] * baseline, engine + " " + layer + ": decoder MSE " + error
                            + " vs mean image " + baseline);
                    assertTrue(error > previous, engine + " " + layer + ": MSE " + error + " not above the layer"
                            + " before (" + previous + ")");
                    previous = error;
                    assertEquals("invert " + layer, out.get(0).provenance().target());
                }
            }
        }
    }

    /**
     * A decoder gives the same images twice and on both engines (to float rounding): its parameters load alike. An
     * inversion leaves no array behind.
     */
    @ParameterizedTest
    @MethodSource("io.github.explain4j.djl.fixtures.TestNets#engines")
    void deterministicAndAlikeOnBothEngines(String engine) throws IOException {
        float[] x = shapes(SyntheticShapes.TEST_SEED, 1).get(0);
        String other = engine.equals("PyTorch") ? "MXNet" : "PyTorch";
        try (Model m = ShapesNet.load(engine); Model m2 = ShapesNet.load(other);
                InversionDecoder d = InversionDecoder.load(decoderFile("stage2"), engine);
                InversionDecoder d2 = InversionDecoder.load(decoderFile("stage2"), other)) {
            ExplainableModel model = ShapesNet.explainable(m);
            float[] a = LearnedInversion.at("stage2", d).invert(model, x).image();
            int modelArrays = m.getNDManager().getManagedArrays().size();
            int decoderArrays = d.model().getNDManager().getManagedArrays().size();
            int seamArrays = model.seam().manager().getManagedArrays().size();
            float[] b = LearnedInversion.at("stage2", d).invert(model, x).image();
            // no array is left behind in the model's, the decoder's or the seam's manager
            assertEquals(modelArrays, m.getNDManager().getManagedArrays().size());
            assertEquals(decoderArrays, d.model().getNDManager().getManagedArrays().size());
            assertEquals(seamArrays, model.seam().manager().getManagedArrays().size());
            float[] c = LearnedInversion.at("stage2", d2).invert(ShapesNet.explainable(m2), x).image();
            assertArrayEquals(a, b);
            assertArrayEquals(a, c, 1e-4f, engine + " vs " + other);
        }
    }

    @ParameterizedTest
    @MethodSource("io.github.explain4j.djl.fixtures.TestNets#engines")
    void refusesADecoderOfAnotherLayerModelOrEngine(String engine) throws IOException {
        float[] x = shapes(SyntheticShapes.TEST_SEED, 1).get(0);
        String other = engine.equals("PyTorch") ? "MXNet" : "PyTorch";
        try (Model m = ShapesNet.load(engine); Model smooth = ShapesNet.loadSmooth(engine);
                InversionDecoder d = InversionDecoder.load(decoderFile("stage2"), engine);
                InversionDecoder elsewhere = InversionDecoder.load(decoderFile("stage2"), other)) {
            ExplainableModel model = ShapesNet.explainable(m);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> LearnedInversion.at("stage3", d).invert(model, x));
            assertTrue(e.getMessage().contains("trained for layer '" + d.layer() + "'")
                    && e.getMessage().contains("'stage3'"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class,
                    () -> LearnedInversion.at("stage2", d).invert(ShapesNet.explainable(smooth), x));
            assertTrue(e.getMessage().contains("trained for model '" + model.name() + "'"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class,
                    () -> LearnedInversion.at("stage2", elsewhere).invert(model, x));
            assertTrue(e.getMessage().contains("runs on " + other), e.getMessage());
            e = assertThrows(IllegalArgumentException.class,
                    () -> LearnedInversion.at("stage9", d).invert(model, x));
            assertTrue(e.getMessage().contains("stage9"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class,
                    () -> LearnedInversion.at("stage2", d).invert(model, new float[7]));
            assertTrue(e.getMessage().contains("7 values"), e.getMessage());
        }
        IOException io = assertThrows(IOException.class,
                () -> InversionDecoder.load(Path.of("no-such-decoder-0000.params"), engine));
        assertTrue(io.getMessage().contains("no-such-decoder"), io.getMessage());
    }
}
