package io.github.explain4j.djl.inside;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.convolutional.Conv2d;
import io.github.explain4j.api.InputSpec;
import io.github.explain4j.data.SyntheticShapes;
import io.github.explain4j.djl.ExplainableModel;
import io.github.explain4j.djl.blocks.NamedSequentialBlock;
import io.github.explain4j.djl.fixtures.TestNets;
import io.github.explain4j.djl.zoo.ShapesNet;
import io.github.explain4j.inside.EquivarianceReport;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Equivariance (Lenc &amp; Vedaldi 2015) on both engines: a network built to be exactly equivariant to horizontal
 * flips measures ≈ 0 for them and clearly more for vertical flips; one whose flip swaps two channels measures ≈ 0
 * only once the fitted map undoes the swap; ShapesNet's layers are reported.
 */
class EquivarianceTest {

    /** Kernels {@code (O, I, 3, 3)} from a seed; mirrored left–right in place when {@code symmetric}. */
    private static double[] kernels(int o, int i, long seed, boolean symmetric) {
        Random r = new Random(seed);
        double[] w = new double[o * i * 9];
        for (int k = 0; k < w.length; k++) {
            w[k] = r.nextGaussian() * 0.5;
        }
        if (symmetric) {
            for (int k = 0; k < o * i; k++) {
                for (int y = 0; y < 3; y++) {
                    w[k * 9 + y * 3 + 2] = w[k * 9 + y * 3];
                }
            }
        }
        return w;
    }

    private static NamedSequentialBlock twoConvs() {
        return new NamedSequentialBlock()
                .add("conv1", Conv2d.builder().setKernelShape(new Shape(3, 3)).setFilters(4).optPadding(new Shape(1, 1))
                        .build())
                .add("relu", Activation.reluBlock())
                .add("conv2", Conv2d.builder().setKernelShape(new Shape(3, 3)).setFilters(4).optPadding(new Shape(1, 1))
                        .build());
    }

    private static List<BufferedImage> images(int count, long seed) {
        Random r = new Random(seed);
        List<BufferedImage> out = new ArrayList<>();
        for (int n = 0; n < count; n++) {
            BufferedImage im = new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB);
            for (int y = 0; y < 8; y++) {
                for (int x = 0; x < 8; x++) {
                    im.setRGB(x, y, r.nextInt(1 << 24));
                }
            }
            out.add(im);
        }
        return out;
    }

    @ParameterizedTest
    @MethodSource("io.github.explain4j.djl.fixtures.TestNets#engines")
    void aFlipSymmetricNetworkIsEquivariantToHorizontalFlipsOnly(String engine) {
        try (NDManager m = TestNets.manager(engine)) {
            NamedSequentialBlock net = twoConvs();
            net.initialize(m, DataType.FLOAT32, new Shape(1, 3, 8, 8));
            TestNets.set(net.getChildren().get(0).getValue().getParameters().get(0).getValue().getArray(),
                    kernels(4, 3, 1, true));
            TestNets.set(net.getChildren().get(2).getValue().getParameters().get(0).getValue().getArray(),
                    kernels(4, 4, 2, true));
            ExplainableModel model = ExplainableModel.of(net, m, InputSpec.rgb(8, 8));
            EquivarianceReport r = Equivariance.of("conv1", "relu", "conv2")
                    .transforms(Equivariance.Flip.HORIZONTAL, Equivariance.Flip.VERTICAL)
                    .measure(model, images(12, 3), images(6, 4));
            for (String layer : r.layers()) {
                double h = r.error(layer, "flip horizontally");
                double v = r.error(layer, "flip vertically");
                System.out.printf("%s %s: flip horizontally %.2e (A = I: %.2e), vertically %.3f%n", engine, layer, h,
                        r.identityErrors()[r.layers().indexOf(layer)][0], v);
                assertTrue(h < 1e-8, engine + " " + layer + ": horizontal flip error " + h);
                assertTrue(r.identityErrors()[r.layers().indexOf(layer)][0] < 1e-8, "no mixing needed");
                assertTrue(v > 1e-2, engine + " " + layer + ": vertical flip error " + v);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("io.github.explain4j.djl.fixtures.TestNets#engines")
    void aFlipThatSwapsChannelsIsFoundByTheFittedMap(String engine) {
        try (NDManager m = TestNets.manager(engine)) {
            NamedSequentialBlock net = new NamedSequentialBlock().add("conv", Conv2d.builder()
                    .setKernelShape(new Shape(3, 3)).setFilters(2).optPadding(new Shape(1, 1)).build());
            net.initialize(m, DataType.FLOAT32, new Shape(1, 3, 8, 8));
            // filter 1 is filter 0 mirrored left–right: flipping the image swaps the two channels
            double[] w = kernels(2, 3, 5, false);
            for (int c = 0; c < 3; c++) {
                for (int y = 0; y < 3; y++) {
                    for (int x = 0; x < 3; x++) {
                        w[27 + (c * 3 + y) * 3 + x] = w[(c * 3 + y) * 3 + 2 - x];
                    }
                }
            }
            TestNets.set(net.getChildren().get(0).getValue().getParameters().get(0).getValue().getArray(), w);
            TestNets.set(net.getChildren().get(0).getValue().getParameters().get(1).getValue().getArray(),
                    new double[] {0.3, 0.3});
            ExplainableModel model = ExplainableModel.of(net, m, InputSpec.rgb(8, 8));
            EquivarianceReport r = Equivariance.of("conv").transforms(Equivariance.Flip.HORIZONTAL).ridge(0)
                    .measure(model, images(10, 6), images(5, 7));
            assertTrue(r.errors()[0][0] < 1e-8, engine + ": with the swap fitted " + r.errors()[0][0]);
            assertTrue(r.identityErrors()[0][0] > 0.1, engine + ": without it " + r.identityErrors()[0][0]);
        }
    }

    @ParameterizedTest
    @MethodSource("io.github.explain4j.djl.fixtures.TestNets#engines")
    void shapesNetsLayersAreMeasuredAndMistakesRefused(String engine) throws Exception {
        try (Model m = ShapesNet.load(engine)) {
            ExplainableModel model = ShapesNet.explainable(m);
            SyntheticShapes data = SyntheticShapes.create(64);
            List<BufferedImage> fit = data.samples(SyntheticShapes.TEST_SEED, 0, 16).stream()
                    .map(SyntheticShapes.Sample::image).toList();
            List<BufferedImage> test = data.samples(SyntheticShapes.TEST_SEED, 16, 8).stream()
                    .map(SyntheticShapes.Sample::image).toList();
            EquivarianceReport r = Equivariance.of("stem", "stage2", "stage3").measure(model, fit, test);
            assertEquals(List.of("flip horizontally", "flip vertically", "rotate 90°"), r.transforms());
            for (int l = 0; l < 3; l++) {
                for (int t = 0; t < 3; t++) {
                    double e = r.errors()[l][t];
                    System.out.printf("%s ShapesNet %s, %s: %.3f (A = I: %.3f)%n", engine, r.layers().get(l),
                            r.transforms().get(t), e, r.identityErrors()[l][t]);
                    assertTrue(e >= 0 && e <= 1.0001, "a fitted map does no worse than A = 0 on held-out data: " + e);
                }
            }
            IllegalArgumentException none = assertThrows(IllegalArgumentException.class, Equivariance::of);
            assertTrue(none.getMessage().contains("no layer"), none.getMessage());
            IllegalArgumentException ridge = assertThrows(IllegalArgumentException.class,
                    () -> Equivariance.of("stem").ridge(Double.NaN));
            assertTrue(ridge.getMessage().contains("ridge was NaN"), ridge.getMessage());
            IllegalArgumentException empty = assertThrows(IllegalArgumentException.class,
                    () -> Equivariance.of("stem").measure(model, fit, List.of()));
            assertTrue(empty.getMessage().contains("held-out images 0"), empty.getMessage());
            IllegalArgumentException flat = assertThrows(IllegalArgumentException.class,
                    () -> Equivariance.of("fc").measure(model, fit, test));
            assertTrue(flat.getMessage().contains("(N, C, H, W)"), flat.getMessage());
        }
    }

    @Test
    void aZoomOfARampIsTheClosedFormAndBadFactorsAreRefused() {
        // v(y, x) = x on a 9×9 plane; zoom 1.5 about (4, 4): v'(y, x) = (x − 4)/1.5 + 4 wherever that lies inside
        int n = 9;
        float[] ramp = new float[n * n];
        for (int y = 0; y < n; y++) {
            for (int x = 0; x < n; x++) {
                ramp[y * n + x] = x;
            }
        }
        float[] z = new Equivariance.Zoom(1.5).apply(ramp, 1, n, n);
        for (int y = 0; y < n; y++) {
            for (int x = 0; x < n; x++) {
                assertEquals((x - 4) / 1.5 + 4, z[y * n + x], 1e-5, "at " + y + "," + x);
            }
        }
        // shrinking leaves a zero frame: 0.5 about 4 reads (x − 4)·2 + 4, outside the plane for x = 0 and 8
        float[] s = new Equivariance.Zoom(0.5).apply(ramp, 1, n, n);
        assertEquals(0, s[4 * n], 0);
        assertEquals(6, s[4 * n + 5], 1e-6);
        assertEquals("rescale 1.25×", new Equivariance.Zoom(1.25).label());
        for (double bad : new double[] {1, 0, -2, 5, Double.NaN}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Equivariance.Zoom(bad));
            assertTrue(e.getMessage().contains("zoom factor was"), e.getMessage());
        }
    }

    @ParameterizedTest
    @MethodSource("io.github.explain4j.djl.fixtures.TestNets#engines")
    void aPointwiseLinearNetworkIsEquivariantToRescalingAndTheReportPlots(String engine) {
        try (NDManager m = TestNets.manager(engine)) {
            // a 1×1 convolution without bias commutes with any resampling of positions; a 3×3 one does not
            NamedSequentialBlock net = new NamedSequentialBlock()
                    .add("pointwise", Conv2d.builder().setKernelShape(new Shape(1, 1)).setFilters(3).optBias(false)
                            .build())
                    .add("conv", Conv2d.builder().setKernelShape(new Shape(3, 3)).setFilters(3)
                            .optPadding(new Shape(1, 1)).build());
            net.initialize(m, DataType.FLOAT32, new Shape(1, 3, 8, 8));
            TestNets.randomize(net, 5);
            ExplainableModel model = ExplainableModel.of(net, m, InputSpec.rgb(8, 8));
            EquivarianceReport r = Equivariance.of("pointwise", "conv").transforms(Equivariance.Flip.HORIZONTAL)
                    .rescale(1.5).measure(model, images(12, 8), images(6, 9));
            assertEquals(List.of("flip horizontally", "rescale 1.50×"), r.transforms());
            // the image is zoomed in 8-bit pixels, the map in floats: rounding leaves ~1e-5
            double pointwise = r.error("pointwise", "rescale 1.50×");
            assertTrue(pointwise < 1e-3, engine + ": pointwise " + pointwise);
            double conv = r.error("conv", "rescale 1.50×");
            assertTrue(conv > 10 * pointwise, engine + ": a 3×3 convolution is not exactly equivariant: " + conv);
            java.awt.image.BufferedImage plot = r.plot("equivariance", 480, 320);
            assertEquals(480, plot.getWidth());
            assertEquals(320, plot.getHeight());
        }
    }
}
