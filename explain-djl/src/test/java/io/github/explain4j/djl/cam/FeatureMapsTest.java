package io.github.explain4j.djl.cam;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The heap algebra CAM formulas are written in. */
class FeatureMapsTest {

    // channel 0 = 1 -2 / 3 4, channel 1 = -1 0 / 2 -3
    private final FeatureMaps x = FeatureMaps.of(new float[] {1, -2, 3, 4, -1, 0, 2, -3}, 2, 2, 2);

    @Test
    void sumsOverPositionsAndOverChannels() {
        assertArrayEquals(new double[] {6, -2}, x.spatialSum(), 0);
        assertArrayEquals(new double[] {1.5, -0.5}, x.spatialMean(), 0);
        assertArrayEquals(new float[] {0, -2, 5, 1}, x.channelSum(), 0);
        // 2·channel 0 − 3·channel 1
        assertArrayEquals(new float[] {5, -4, 0, 17}, x.channelSum(new double[] {2, -3}), 0);
    }

    @Test
    void elementwiseOperationsReturnNewValues() {
        assertArrayEquals(new float[] {1, 0, 3, 4, 0, 0, 2, 0}, x.relu().values(), 0);
        assertArrayEquals(new float[] {1, 4, 9, 16, 1, 0, 4, 9}, x.times(x).values(), 0);
        // the function sees each value's channel
        assertArrayEquals(new float[] {1, -2, 3, 4, 9, 10, 12, 7}, x.map((k, v) -> v + 10 * k).values(), 0);
        assertArrayEquals(new float[] {-1, 0, 2, -3}, x.channel(1), 0);
        assertEquals(3, x.get(0, 2));
        assertArrayEquals(new float[] {1, -2, 3, 4, -1, 0, 2, -3}, x.values(), 0, "operands unchanged");
    }

    @Test
    void ownsItsValues() {
        float[] v = {1, 2, 3, 4};
        FeatureMaps f = FeatureMaps.of(v, 1, 2, 2);
        v[0] = 99;
        f.values()[1] = 99;
        assertArrayEquals(new float[] {1, 2, 3, 4}, f.values(), 0);
    }

    @Test
    void refusesMismatchedShapesNamingThem() {
        IllegalArgumentException length = assertThrows(IllegalArgumentException.class,
                () -> FeatureMaps.of(new float[5], 1, 2, 3));
        assertTrue(length.getMessage().contains("length 5") && length.getMessage().contains("needs 6"),
                length.getMessage());
        IllegalArgumentException product = assertThrows(IllegalArgumentException.class,
                () -> x.times(FeatureMaps.of(new float[8], 2, 1, 4)));
        assertTrue(product.getMessage().contains("2×2×2") && product.getMessage().contains("2×1×4"),
                product.getMessage());
        IllegalArgumentException weights = assertThrows(IllegalArgumentException.class,
                () -> x.channelSum(new double[3]));
        assertTrue(weights.getMessage().contains("3 weights") && weights.getMessage().contains("2 channels"),
                weights.getMessage());
    }
}
