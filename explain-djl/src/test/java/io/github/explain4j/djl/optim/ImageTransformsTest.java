package io.github.explain4j.djl.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.github.explain4j.djl.fixtures.TestNets;
import io.github.explain4j.optim.Transform;
import io.github.explain4j.optim.Transforms;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The transforms on both engines, against exact answers: no transform is the identity, padding adds a grey border
 * around an exact copy, jitter is a crop at the drawn offset, a 90° rotation is the exact rotation, upscaling a
 * linear ramp stays on the ramp, and the gradient is the adjoint of the (linear) resampling.
 */
class ImageTransformsTest {

    private static NDArray image(NDManager m, int c, int h, int w, long seed) {
        return TestNets.randomInput(m, new Shape(1, c, h, w), DataType.FLOAT64, seed);
    }

    @ParameterizedTest
    @MethodSource("io.github.explain4j.djl.fixtures.TestNets#engines")
    void identityPadAndJitterAreExact(String engine) {
        try (NDManager m = TestNets.manager(engine)) {
            NDArray x = image(m, 2, 10, 12, 1);
            double[] v = x.toDoubleArray();
            assertArrayEquals(v, new ImageTransforms(Transforms.none()).apply(x, 10, 12, new SplittableRandom(1))
                    .toDoubleArray(), 1e-12, "no transform");
            // pad 10 % of the longer side (12) = 1 pixel: a 12×14 canvas, grey border, the image inside
            double[] padded = new ImageTransforms(Transforms.of(Transform.pad(0.1))).apply(x, 12, 14,
                    new SplittableRandom(1)).toDoubleArray();
            for (int c = 0; c < 2; c++) {
                for (int y = 0; y < 12; y++) {
                    for (int xx = 0; xx < 14; xx++) {
                        boolean inside = y >= 1 && y <= 10 && xx >= 1 && xx <= 12;
                        double expected = inside ? v[(c * 10 + y - 1) * 12 + xx - 1] : ImageTransforms.FILL;
                        assertEquals(expected, padded[(c * 12 + y) * 14 + xx], 1e-12, "pad at " + y + "," + xx);
                    }
                }
            }
            // jitter by 25 % of 12 = 3 pixels: a 7×9 crop at offsets drawn from the same stream
            SplittableRandom draws = new SplittableRandom(7);
            int dy = draws.nextInt(4);
            int dx = draws.nextInt(4);
            double[] crop = new ImageTransforms(Transforms.of(Transform.jitter(0.25))).apply(x, 7, 9,
                    new SplittableRandom(7)).toDoubleArray();
            for (int c = 0; c < 2; c++) {
                for (int y = 0; y < 7; y++) {
                    for (int xx = 0; xx < 9; xx++) {
                        assertEquals(v[(c * 10 + y + dy) * 12 + xx + dx], crop[(c * 7 + y) * 9 + xx], 1e-12,
                                "jitter (" + dy + ", " + dx + ") at " + y + "," + xx);
                    }
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("io.github.explain4j.djl.fixtures.TestNets#engines")
    void aQuarterTurnIsExactAndUpscalingKeepsARampOnTheRamp(String engine) {
        try (NDManager m = TestNets.manager(engine)) {
            NDArray x = image(m, 1, 8, 8, 2);
            double[] v = x.toDoubleArray();
            double[] turned = new ImageTransforms(Transforms.of(Transform.rotate(90))).apply(x, 8, 8,
                    new SplittableRandom(1)).toDoubleArray();
            // a quarter turn maps every pixel centre onto a pixel centre: the output is a permutation of the input
            double[] sortedIn = v.clone();
            double[] sortedOut = turned.clone();
            java.util.Arrays.sort(sortedIn);
            java.util.Arrays.sort(sortedOut);
            assertArrayEquals(sortedIn, sortedOut, 1e-9, "a quarter turn permutes the pixels");
            // out(y, x) = in(x, 7 − y) or in(7 − x, y), depending on the direction
            boolean one = true;
            boolean other = true;
            for (int y = 0; y < 8; y++) {
                for (int xx = 0; xx < 8; xx++) {
                    one &= Math.abs(turned[y * 8 + xx] - v[xx * 8 + 7 - y]) < 1e-9;
                    other &= Math.abs(turned[y * 8 + xx] - v[(7 - xx) * 8 + y]) < 1e-9;
                }
            }
            assertEquals(true, one || other, "a quarter turn");
            // a ramp f(y, x) = y + 2x scaled by 2: inside the image the samples stay on the ramp (bilinear is exact)
            double[] ramp = new double[64];
            for (int y = 0; y < 8; y++) {
                for (int xx = 0; xx < 8; xx++) {
                    ramp[y * 8 + xx] = y + 2 * xx;
                }
            }
            NDArray r = m.create(ramp, new Shape(1, 1, 8, 8));
            double[] up = new ImageTransforms(Transforms.of(Transform.scale(2))).apply(r, 16, 16,
                    new SplittableRandom(1)).toDoubleArray();
            for (int y = 1; y < 15; y++) {
                for (int xx = 1; xx < 15; xx++) {
                    // output centre (y + 0.5) / 2 − 0.5 in input pixel units
                    double sy = (y + 0.5) / 2 - 0.5;
                    double sx = (xx + 0.5) / 2 - 0.5;
                    assertEquals(sy + 2 * sx, up[y * 16 + xx], 1e-9, "ramp at " + y + "," + xx);
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("io.github.explain4j.djl.fixtures.TestNets#engines")
    void theGradientIsTheAdjointOfTheResampling(String engine) {
        try (NDManager m = TestNets.manager(engine)) {
            ImageTransforms standard = new ImageTransforms(Transforms.standard());
            NDArray x = image(m, 3, 28, 28, 3);
            NDArray probe = TestNets.randomInput(m, new Shape(1, 3, 28, 28), DataType.FLOAT64, 4);
            NDArray direction = TestNets.randomInput(m, new Shape(1, 3, 28, 28), DataType.FLOAT64, 5);
            NDArray gradient;
            try (GradientCollector collector = Engine.getEngine(engine).newGradientCollector()) {
                NDArray leaf = x.duplicate();
                leaf.setRequiresGradient(true);
                NDArray out = standard.apply(leaf, 28, 28, new SplittableRandom(11));
                collector.backward(out.mul(probe).sum());
                gradient = leaf.getGradient().duplicate();
            }
            // the map is affine in x (the fill is constant): f(x + d) − f(x) = ⟨∇, d⟩ exactly
            double f0 = standard.apply(x, 28, 28, new SplittableRandom(11)).mul(probe).sum().getDouble();
            double f1 = standard.apply(x.add(direction), 28, 28, new SplittableRandom(11)).mul(probe).sum()
                    .getDouble();
            assertEquals(f1 - f0, gradient.mul(direction).sum().getDouble(), 1e-9 * Math.max(1, Math.abs(f1 - f0)),
                    engine);
            assertEquals(new Shape(2, 3, 28, 28), standard.apply(image(m, 3, 28, 28, 6).concat(x), 28, 28,
                    new SplittableRandom(1)).getShape());
        }
    }

    @ParameterizedTest
    @MethodSource("io.github.explain4j.djl.fixtures.TestNets#engines")
    void theEnginesKernelEqualsTheGenericGatherInValuesAndGradients(String engine) {
        try (NDManager m = TestNets.manager(engine)) {
            ImageTransforms standard = new ImageTransforms(Transforms.standard());
            NDArray x = TestNets.randomInput(m, new Shape(3, 3, 20, 24), DataType.FLOAT64, 21);
            NDArray probe = TestNets.randomInput(m, new Shape(3, 3, 16, 18), DataType.FLOAT64, 22);
            SplittableRandom draws = new SplittableRandom(23);
            ImageTransforms.Affine[] maps = new ImageTransforms.Affine[3];
            for (int i = 0; i < maps.length; i++) {
                maps[i] = standard.draw(20, 24, 16, 18, draws);
            }
            double[][] kernel = valueAndGradient(engine, x, probe, v -> ImageTransforms.resample(v, maps, 16, 18));
            double[][] generic = valueAndGradient(engine, x, probe, v -> ImageTransforms.taken(v, maps, 16, 18));
            assertArrayEquals(generic[0], kernel[0], 1e-9, engine + ": values");
            assertArrayEquals(generic[1], kernel[1], 1e-9, engine + ": gradients");
        }
    }

    private static double[][] valueAndGradient(String engine, NDArray x, NDArray probe,
            java.util.function.UnaryOperator<NDArray> f) {
        try (GradientCollector collector = Engine.getEngine(engine).newGradientCollector()) {
            NDArray leaf = x.duplicate();
            leaf.setRequiresGradient(true);
            NDArray out = f.apply(leaf);
            collector.backward(out.mul(probe).sum());
            return new double[][] {out.toDoubleArray(), leaf.getGradient().toDoubleArray()};
        }
    }

    @ParameterizedTest
    @MethodSource("io.github.explain4j.djl.fixtures.TestNets#engines")
    void transformsThatLeaveNoImageAreRefused(String engine) {
        try (NDManager m = TestNets.manager(engine)) {
            NDArray x = image(m, 1, 4, 4, 7);
            ImageTransforms crops = new ImageTransforms(Transforms.of(Transform.jitter(0.49), Transform.jitter(0.49),
                    Transform.jitter(0.49)));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> crops.apply(x, 4, 4, new SplittableRandom(1)));
            assertEquals(true, e.getMessage().contains("leave no image"), e.getMessage());
        }
    }
}
