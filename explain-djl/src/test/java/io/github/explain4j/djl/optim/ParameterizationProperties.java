package io.github.explain4j.djl.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.github.explain4j.djl.fixtures.TestNets;
import io.github.explain4j.optim.Parameterization;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/** Laws of the parameterisations, on random images and both engines. */
class ParameterizationProperties {

    @Provide
    Arbitrary<String> engines() {
        return Arbitraries.of(TestNets.ENGINES);
    }

    @Property(tries = 20)
    void decorrelationFollowedByItsInverseIsTheIdentity(@ForAll("engines") String engine, @ForAll long seed,
            @ForAll @IntRange(min = 1, max = 3) int batch, @ForAll @IntRange(min = 2, max = 9) int side) {
        try (NDManager m = TestNets.manager(engine)) {
            NDArray x = TestNets.randomInput(m, new Shape(batch, 3, side, side + 1), DataType.FLOAT64, seed);
            assertArrayEquals(x.toDoubleArray(),
                    ImageParameterization.recorrelate(ImageParameterization.decorrelate(x)).toDoubleArray(), 1e-9);
            assertArrayEquals(x.toDoubleArray(),
                    ImageParameterization.decorrelate(ImageParameterization.recorrelate(x)).toDoubleArray(), 1e-9);
        }
    }

    @Property(tries = 20)
    void theImageOfAnImagesParametersIsTheImage(@ForAll("engines") String engine, @ForAll long seed,
            @ForAll boolean decorrelated, @ForAll Parameterization.Range range) {
        try (NDManager m = TestNets.manager(engine)) {
            Parameterization d = Parameterization.pixels().range(range);
            ImageParameterization p = new ImageParameterization(decorrelated ? d.decorrelated() : d, 3, 5, 6);
            // pixels strictly inside (0, 1), as a photo's are after the inverse's clamp
            NDArray pixels = TestNets.randomInput(m, new Shape(1, 3, 5, 6), DataType.FLOAT64, seed).abs()
                    .mul(0.3).add(0.1).clip(0.05, 0.95);
            assertArrayEquals(pixels.toDoubleArray(), p.image(p.parametersOf(pixels)).toDoubleArray(), 1e-9);
        }
    }

    @Property(tries = 10)
    void aConstantSpectrumGivesAConstantImage(@ForAll("engines") String engine, @ForAll @IntRange(min = 2, max = 9)
            int h, @ForAll @IntRange(min = 2, max = 9) int w, @ForAll double dc) {
        double value = Double.isFinite(dc) ? Math.max(-10, Math.min(10, dc)) : 1;
        try (NDManager m = TestNets.manager(engine)) {
            int v = w / 2 + 1;
            double[] re = new double[h * v];
            re[0] = value;
            NDArray image = ImageParameterization.inverseRealFft2(m.create(re, new Shape(1, 1, h, v)),
                    m.zeros(new Shape(1, 1, h, v), DataType.FLOAT64), h, w);
            double[] expected = new double[h * w];
            java.util.Arrays.fill(expected, value / (h * w));
            assertArrayEquals(expected, image.toDoubleArray(), 1e-12);
        }
    }
}
