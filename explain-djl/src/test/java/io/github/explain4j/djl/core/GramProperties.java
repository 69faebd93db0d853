package io.github.explain4j.djl.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.github.explain4j.djl.fixtures.TestNets;
import io.github.explain4j.djl.seam.TraceRequest;
import io.github.explain4j.optim.Objective;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/** Laws of the Gram matrix over positions and of the style objective, on random activations and both engines. */
class GramProperties {

    @Provide
    Arbitrary<String> engines() {
        return Arbitraries.of(TestNets.ENGINES);
    }

    /**
     * Permuting the positions of a feature map (the same permutation for every channel) leaves the Gram matrix and
     * the style value unchanged: the Gram matrix keeps which channels fire together, not where (Gatys et al. 2015).
     */
    @Property(tries = 30)
    void theGramMatrixIsInvariantToPermutingPositions(@ForAll("engines") String engine, @ForAll long seed,
            @ForAll @IntRange(min = 1, max = 3) int batch, @ForAll @IntRange(min = 1, max = 6) int channels,
            @ForAll @IntRange(min = 1, max = 5) int height, @ForAll @IntRange(min = 1, max = 5) int width) {
        try (NDManager m = TestNets.manager(engine)) {
            NDArray f = TestNets.randomInput(m, new Shape(batch, channels, height, width), DataType.FLOAT64, seed);
            int positions = height * width;
            List<Integer> order = new ArrayList<>();
            for (int i = 0; i < positions; i++) {
                order.add(i);
            }
            Collections.shuffle(order, new Random(seed));
            double[] v = f.toDoubleArray();
            double[] permuted = new double[v.length];
            for (int nc = 0; nc < batch * channels; nc++) {
                for (int k = 0; k < positions; k++) {
                    permuted[nc * positions + k] = v[nc * positions + order.get(k)];
                }
            }
            // the permuted map may even have another shape: W×H instead of H×W
            NDArray g = m.create(permuted, new Shape(batch, channels, width, height));
            double[] gram = Objectives.gram(f).toDoubleArray();
            assertArrayEquals(gram, Objectives.gram(g).toDoubleArray(), 1e-12);
            // and it is symmetric
            for (int n = 0; n < batch; n++) {
                for (int i = 0; i < channels; i++) {
                    for (int j = 0; j < channels; j++) {
                        assertEquals(gram[(n * channels + i) * channels + j], gram[(n * channels + j) * channels + i],
                                1e-12);
                    }
                }
            }
            float[] target = new float[channels * channels];
            Random r = new Random(seed + 1);
            for (int i = 0; i < target.length; i++) {
                target[i] = (float) r.nextGaussian();
            }
            Objective style = Objective.style("l", target);
            assertEquals(Objectives.evaluate(style, traced(f), null).getDouble(),
                    Objectives.evaluate(style, traced(g), null).getDouble(), 1e-12);
        }
    }

    /** A target equal to an image's own Gram matrix gives a style value of exactly zero, the objective's maximum. */
    @Property(tries = 20)
    void anImagesOwnGramMatrixIsAPerfectMatch(@ForAll("engines") String engine, @ForAll long seed,
            @ForAll @IntRange(min = 1, max = 6) int channels, @ForAll @IntRange(min = 1, max = 5) int side) {
        try (NDManager m = TestNets.manager(engine)) {
            // values exactly representable in float32, so the target loses nothing in its heap copy
            NDArray f = TestNets.randomInput(m, new Shape(1, channels, side, side), DataType.FLOAT64, seed)
                    .mul(8).round().div(8);
            float[] own = Objectives.gram(f).toType(DataType.FLOAT32, false).toFloatArray();
            double v = Objectives.evaluate(Objective.style("l", own), traced(f), null).getDouble();
            assertEquals(0, v, 1e-9);
        }
    }

    private static TraceRequest.Traced traced(NDArray activation) {
        return new TraceRequest.Traced() {
            @Override
            public NDArray output() {
                throw new IllegalStateException("no output");
            }

            @Override
            public NDArray activation(String layer) {
                return activation;
            }

            @Override
            public NDArray input() {
                throw new IllegalStateException("no input");
            }

            @Override
            public NDList parameters() {
                return new NDList();
            }
        };
    }
}
