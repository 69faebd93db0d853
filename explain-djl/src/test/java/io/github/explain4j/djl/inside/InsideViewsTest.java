package io.github.explain4j.djl.inside;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
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
import io.github.explain4j.djl.ExplainableModel;
import io.github.explain4j.djl.torchscript.TorchScriptModels;
import io.github.explain4j.djl.blocks.NamedSequentialBlock;
import io.github.explain4j.djl.fixtures.TestNets;
import io.github.explain4j.inside.Kernels;
import io.github.explain4j.inside.LayerActivations;
import io.github.explain4j.render.Heatmaps;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Filters and activations, on both engines: the kernels are the convolution's weights as set, the pictures put
 * each weight where and in the colour the layout says, and the activations equal a convolution computed by hand
 * on the heap.
 */
class InsideViewsTest {

    /** conv 3→4 (3×3, no padding) → ReLU → conv 4→2 (3×3), weights {@code (i mod 7 − 3)/10}, biases 0.1·k. */
    private static ExplainableModel net(NDManager m) {
        NamedSequentialBlock net = new NamedSequentialBlock()
                .add("conv", Conv2d.builder().setKernelShape(new Shape(3, 3)).setFilters(4).build())
                .add("relu", Activation.reluBlock())
                .add("conv2", Conv2d.builder().setKernelShape(new Shape(3, 3)).setFilters(2).build());
        net.initialize(m, DataType.FLOAT32, new Shape(1, 3, 6, 6));
        var conv = net.getChildren().get(0).getValue().getParameters();
        TestNets.set(conv.get(0).getValue().getArray(), pattern(4 * 3 * 9));
        TestNets.set(conv.get(1).getValue().getArray(), new double[] {0.1, 0.2, -0.3, 0.4});
        TestNets.set(net.getChildren().get(2).getValue().getParameters().get(0).getValue().getArray(),
                pattern(2 * 4 * 9));
        return ExplainableModel.of(net, m, InputSpec.rgb(6, 6));
    }

    private static double[] pattern(int n) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = (i % 7 - 3) / 10.0;
        }
        return v;
    }

    @ParameterizedTest
    @MethodSource("io.github.explain4j.djl.fixtures.TestNets#engines")
    void kernelsAreTheWeightsAndThePictureShowsThemInTheirColours(String engine) {
        try (NDManager m = TestNets.manager(engine)) {
            Kernels k = Filters.of(net(m), "conv");
            assertEquals(4, k.outChannels());
            assertEquals(3, k.inChannels());
            assertEquals(3, k.kernelHeight());
            double[] expected = pattern(108);
            float[] w = k.weights();
            for (int i = 0; i < w.length; i++) {
                assertEquals(expected[i], w[i], 1e-7, engine + ": weight " + i);
            }
            // kernel (2, 1) starts at (2·3 + 1)·9 = 63
            assertEquals(expected[63], k.kernel(2, 1)[0], 1e-7);
            BufferedImage img = k.image(2);
            int cell = 3 * Kernels.ZOOM;
            assertEquals(2 * cell + Heatmaps.GRID_GAP, img.getWidth());
            assertEquals(2 * cell + Heatmaps.GRID_GAP, img.getHeight());
            // filter 3 (second row, second column), value (y 2, x 1): R, G, B from input channels 0, 1, 2;
            // 0.5 + 0.5·w/0.3 over the bank's largest magnitude 0.3
            int rgb = img.getRGB(cell + Heatmaps.GRID_GAP + Kernels.ZOOM + 3, cell + Heatmaps.GRID_GAP
                    + 2 * Kernels.ZOOM + 3);
            for (int ch = 0; ch < 3; ch++) {
                double v = (float) expected[((3 * 3 + ch) * 3 + 2) * 3 + 1]; // the weights are float32
                int level = (int) Math.round((0.5 + 0.5 * v / (double) 0.3f) * 255);
                assertEquals(level, (rgb >> (16 - 8 * ch)) & 0xFF, engine + ": channel " + ch);
            }
            Kernels deep = Filters.of(net(m), "conv2");
            BufferedImage channel = deep.channelImage(1, 4);
            assertEquals(4 * cell + 3 * Heatmaps.GRID_GAP, channel.getWidth());
            IllegalStateException colours = assertThrows(IllegalStateException.class, () -> deep.image(4));
            assertTrue(colours.getMessage().contains("over 4 channels") && colours.getMessage()
                    .contains("channelImage"), colours.getMessage());
        }
    }

    @ParameterizedTest
    @MethodSource("io.github.explain4j.djl.fixtures.TestNets#engines")
    void activationsEqualTheConvolutionByHand(String engine) {
        try (NDManager m = TestNets.manager(engine)) {
            ExplainableModel model = net(m);
            BufferedImage image = new BufferedImage(6, 6, BufferedImage.TYPE_INT_RGB);
            float[][][] px = new float[3][6][6];
            for (int y = 0; y < 6; y++) {
                for (int x = 0; x < 6; x++) {
                    int r = (37 * y + 11 * x) % 256;
                    int g = (53 * x + 7 * y * y) % 256;
                    int b = (101 * (x + y)) % 256;
                    image.setRGB(x, y, (r << 16) | (g << 8) | b);
                    px[0][y][x] = r / 255f;
                    px[1][y][x] = g / 255f;
                    px[2][y][x] = b / 255f;
                }
            }
            LayerActivations a = Activations.of(model, "relu", image);
            assertEquals(4, a.channels());
            assertEquals(4, a.height());
            double[] w = pattern(108);
            double[] bias = {0.1, 0.2, -0.3, 0.4};
            float[] expected = new float[4 * 16];
            for (int o = 0; o < 4; o++) {
                for (int y = 0; y < 4; y++) {
                    for (int x = 0; x < 4; x++) {
                        double s = bias[o];
                        for (int c = 0; c < 3; c++) {
                            for (int ky = 0; ky < 3; ky++) {
                                for (int kx = 0; kx < 3; kx++) {
                                    s += w[((o * 3 + c) * 3 + ky) * 3 + kx] * px[c][y + ky][x + kx];
                                }
                            }
                        }
                        expected[o * 16 + y * 4 + x] = (float) Math.max(0, s);
                    }
                }
            }
            assertArrayEquals(expected, a.values(), 1e-5f, engine);
            BufferedImage grid = a.image(4, 2, 32);
            assertEquals(2 * 32 + Heatmaps.GRID_GAP, grid.getWidth());
        }
    }

    @ParameterizedTest
    @MethodSource("io.github.explain4j.djl.fixtures.TestNets#engines")
    void mistakesAreRefusedByName(String engine) {
        try (NDManager m = TestNets.manager(engine)) {
            ExplainableModel model = net(m);
            IllegalArgumentException relu = assertThrows(IllegalArgumentException.class,
                    () -> Filters.of(model, "relu"));
            assertTrue(relu.getMessage().contains("relu' is a LambdaBlock, not a convolution"), relu.getMessage());
            IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                    () -> Activations.of(model, "conv9", new BufferedImage(6, 6, BufferedImage.TYPE_INT_RGB)));
            assertTrue(unknown.getMessage().contains("conv9"), unknown.getMessage());
        }
    }

    @Test
    void aTorchScriptModulesFiltersAreRefusedButItsExportedLayersShowTheirActivations() throws Exception {
        Path file = Path.of(InsideViewsTest.class.getResource("/torchscript/tiny_cnn_trace.pt").toURI());
        try (Model ts = TorchScriptModels.load(file)) {
            ExplainableModel model = ExplainableModel.of(ts, InputSpec.rgb(16, 16));
            String layer = model.layers().get(0).path();
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Filters.of(model, layer));
            assertTrue(e.getMessage().contains("TorchScript") && e.getMessage().contains("DJL blocks"),
                    e.getMessage());
            LayerActivations a = Activations.of(model, layer, new BufferedImage(16, 16, BufferedImage.TYPE_INT_RGB));
            assertTrue(a.channels() > 0 && a.values().length == a.channels() * a.height() * a.width());
        }
    }
}
