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
import io.github.explain4j.optim.Parameterization;
import io.github.explain4j.optim.Transform;
import io.github.explain4j.optim.Transforms;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.UnaryOperator;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The heap realisations that an optimisation step runs — {@link ImageParameterization.OnHeap} (BoofCV's FFT, colour
 * mixing, range) and {@link ImageTransforms.Drawn} (bilinear resampling) — against the engine realisations, which
 * {@link ImageParameterizationTest} and {@link ImageTransformsTest} hold to a direct DFT and to exact answers: the
 * same images, and gradients equal to the engine's autograd of the same function (so the heap adjoints are the
 * adjoints). Shapes cover even and odd widths, non-square images, a batch, grey and colour.
 */
class HeapRealisationTest {

    /** Parameterisations and image shapes {channels, height, width}. */
    private static final List<Object[]> CASES = List.of(
            new Object[] {Parameterization.fft().decorrelated().batch(2), new int[] {3, 12, 16}},
            new Object[] {Parameterization.fft().decorrelated(), new int[] {3, 15, 13}},
            new Object[] {Parameterization.fft().range(Parameterization.Range.CLIP).scale(0.3), new int[] {1, 28, 28}},
            new Object[] {Parameterization.fft().range(Parameterization.Range.NONE).batch(3), new int[] {2, 9, 10}},
            new Object[] {Parameterization.pixels().decorrelated().batch(2), new int[] {3, 7, 11}},
            new Object[] {Parameterization.pixels().range(Parameterization.Range.CLIP), new int[] {1, 6, 5}});

    @ParameterizedTest
    @MethodSource("io.github.explain4j.djl.fixtures.TestNets#engines")
    void theHeapImageAndItsGradientEqualTheEngines(String engine) {
        try (NDManager m = TestNets.manager(engine)) {
            for (Object[] c : CASES) {
                Parameterization p = (Parameterization) c[0];
                int[] s = (int[]) c[1];
                ImageParameterization ip = new ImageParameterization(p, s[0], s[1], s[2]);
                String label = engine + " " + ip;
                // a start larger than the library's, so that the range is exercised (clip saturates somewhere)
                float[] theta = ip.initial(m, 5).mul(p.space() == Parameterization.Space.PIXELS ? 60 : 8)
                        .toFloatArray();
                ImageParameterization.OnHeap heap = ip.onHeap();
                float[] image = heap.image(theta);
                NDArray probe = TestNets.randomInput(m, new Shape(p.batch(), s[0], s[1], s[2]), DataType.FLOAT64, 6);
                double[][] ref = valueAndGradient(engine, m.create(theta, ip.parameterShape())
                        .toType(DataType.FLOAT64, false), probe, ip::image);
                assertArrayEquals(ref[0], toDouble(image), 2e-5, label + ": images");
                float[] g = heap.gradient(probe.toType(DataType.FLOAT32, false).toFloatArray());
                double scale = maxAbs(ref[1]);
                assertArrayEquals(ref[1], toDouble(g), 2e-5 * scale, label + ": gradients");
                if (p.range() == Parameterization.Range.CLIP) {
                    long saturated = java.util.Arrays.stream(ref[0]).filter(v -> v == 0 || v == 1).count();
                    assertTrue(saturated > 0, label + ": the case should saturate the clip somewhere");
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("io.github.explain4j.djl.fixtures.TestNets#engines")
    void theHeapResamplingAndItsAdjointEqualTheEngines(String engine) {
        try (NDManager m = TestNets.manager(engine)) {
            Transforms[] sets = {Transforms.standard(), Transforms.none(),
                Transforms.of(Transform.pad(0.2), Transform.rotate(-45, 30, 90), Transform.scale(0.7, 1.3))};
            for (Transforms set : sets) {
                ImageTransforms t = new ImageTransforms(set);
                NDArray x = TestNets.randomInput(m, new Shape(3, 2, 20, 24), DataType.FLOAT64, 31);
                NDArray probe = TestNets.randomInput(m, new Shape(3, 2, 16, 18), DataType.FLOAT64, 32);
                ImageTransforms.Drawn drawn = t.draw(3, 2, 20, 24, 16, 18, new SplittableRandom(33));
                double[][] ref = valueAndGradient(engine, x, probe,
                        v -> ImageTransforms.taken(v, drawn.maps(), 16, 18));
                float[] out = drawn.apply(x.toType(DataType.FLOAT32, false).toFloatArray());
                assertArrayEquals(ref[0], toDouble(out), 1e-5, engine + " " + set.description() + ": values");
                float[] g = drawn.gradient(probe.toType(DataType.FLOAT32, false).toFloatArray());
                assertArrayEquals(ref[1], toDouble(g), 1e-5, engine + " " + set.description() + ": adjoint");
                // the draws are the ones the engine path takes from the same stream
                ImageTransforms.Affine first = t.draw(20, 24, 16, 18, new SplittableRandom(33));
                assertEquals(first, drawn.maps()[0]);
            }
        }
    }

    /**
     * The allocation-free realisation an optimisation loop runs — {@code image(theta, into)} into one buffer and
     * {@code gradientInPlace} — gives, at the second of two different parameter sets, exactly what a fresh
     * realisation gives for that set alone: nothing of the first image survives in the buffers or in what the range's
     * slope keeps.
     */
    @ParameterizedTest
    @MethodSource("io.github.explain4j.djl.fixtures.TestNets#engines")
    void theBufferedImageAndGradientEqualAFreshRealisationsAtTheSecondStep(String engine) {
        try (NDManager m = TestNets.manager(engine)) {
            List<Object[]> cases = new java.util.ArrayList<>(CASES);
            cases.add(new Object[] {Parameterization.pixels(), new int[] {3, 9, 7}});
            for (Object[] c : cases) {
                Parameterization p = (Parameterization) c[0];
                int[] s = (int[]) c[1];
                ImageParameterization ip = new ImageParameterization(p, s[0], s[1], s[2]);
                String label = engine + " " + ip;
                float scale = p.space() == Parameterization.Space.PIXELS ? 60 : 8;
                float[] first = ip.initial(m, 5).mul(scale).toFloatArray();
                float[] second = ip.initial(m, 6).mul(scale).toFloatArray();
                int values = p.batch() * s[0] * s[1] * s[2];
                float[] probe = TestNets.randomInput(m, new Shape(values), DataType.FLOAT32, 7).toFloatArray();

                ImageParameterization.OnHeap reused = ip.onHeap();
                float[] buffer = new float[values];
                reused.image(first, buffer);
                reused.gradientInPlace(probe.clone());
                reused.image(second, buffer);
                float[] g = reused.gradientInPlace(probe.clone());

                ImageParameterization.OnHeap fresh = ip.onHeap();
                float[] expected = fresh.image(second);
                assertArrayEquals(expected, buffer, label + ": image");
                assertArrayEquals(fresh.gradient(probe), g, label + ": gradient");
                assertTrue(!java.util.Arrays.equals(expected, fresh.image(first)), label + ": the two parameter"
                        + " sets should make different images");
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                        () -> reused.image(second, new float[values + 1]));
                assertTrue(e.getMessage().contains(String.valueOf(values + 1)), e.getMessage());
            }
        }
    }

    @ParameterizedTest
    @MethodSource("io.github.explain4j.djl.fixtures.TestNets#engines")
    void wrongSizesAndAGradientBeforeAnImageAreRefused(String engine) {
        ImageParameterization ip = new ImageParameterization(Parameterization.fft().decorrelated(), 3, 8, 8);
        ImageParameterization.OnHeap heap = ip.onHeap();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> heap.image(new float[7]));
        assertTrue(e.getMessage().contains("7") && e.getMessage().contains(String.valueOf(heap.parameters())),
                e.getMessage());
        IllegalStateException s = assertThrows(IllegalStateException.class, () -> heap.gradient(new float[192]));
        assertTrue(s.getMessage().contains("image(theta)"), s.getMessage());
        ImageTransforms.Drawn d = new ImageTransforms(Transforms.standard()).draw(1, 3, 8, 8, 8, 8,
                new SplittableRandom(1));
        assertThrows(IllegalArgumentException.class, () -> d.apply(new float[5]));
    }

    private static void assertTrue(boolean condition, String message) {
        org.junit.jupiter.api.Assertions.assertTrue(condition, message);
    }

    private static double[][] valueAndGradient(String engine, NDArray x, NDArray probe, UnaryOperator<NDArray> f) {
        try (GradientCollector collector = Engine.getEngine(engine).newGradientCollector()) {
            NDArray leaf = x.duplicate();
            leaf.setRequiresGradient(true);
            NDArray out = f.apply(leaf);
            collector.backward(out.mul(probe).sum());
            return new double[][] {out.toType(DataType.FLOAT64, false).toDoubleArray(),
                leaf.getGradient().toType(DataType.FLOAT64, false).toDoubleArray()};
        }
    }

    private static double[] toDouble(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }

    private static double maxAbs(double[] v) {
        double max = 0;
        for (double x : v) {
            max = Math.max(max, Math.abs(x));
        }
        return Math.max(max, 1e-12);
    }
}
