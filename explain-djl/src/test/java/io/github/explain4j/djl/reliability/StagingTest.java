package io.github.explain4j.djl.reliability;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.github.explain4j.djl.fixtures.TestNets;
import io.github.explain4j.djl.internal.HeapArrays;
import java.util.Arrays;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link HeapArrays.Staging} (one direct buffer for one input per step) and {@link HeapArrays#read}: each staged
 * array holds the values it was staged with, step after step and while the JVM allocates and collects; a staging
 * refuses to overwrite the buffer an open array may share (PyTorch makes the array over it); reading refuses a
 * mismatched buffer or type.
 */
class StagingTest {

    private static final int STEPS = 2000;

    @ParameterizedTest
    @MethodSource("io.github.explain4j.djl.fixtures.TestNets#engines")
    void everyStagedArrayHoldsItsOwnStepsValuesUnderAllocation(String engine) throws Exception {
        int n = 3 * 64 * 64;
        float[] values = new float[n];
        float[] back = new float[n];
        HeapArrays.Staging staging = new HeapArrays.Staging(n);
        int wrong = 0;
        try (NDManager manager = TestNets.manager(engine); AllocationPressure pressure = AllocationPressure.start()) {
            for (int step = 0; step < STEPS; step++) {
                for (int i = 0; i < n; i++) {
                    values[i] = (i + 31 * step) % 977;
                }
                try (NDManager pass = manager.newSubManager()) {
                    AllocationPressure.allocateHere();
                    NDArray x = staging.create(pass, values, new Shape(1, 3, 64, 64));
                    // an operation on the staged array, as a step's forward pass reads it
                    HeapArrays.read(x.add(1), back);
                    for (int i = 0; i < n; i++) {
                        back[i] -= 1;
                    }
                    wrong += Arrays.equals(values, back) ? 0 : 1;
                }
            }
        }
        assertEquals(0, wrong, engine + ": " + wrong + " of " + STEPS + " staged arrays held other values");
    }

    @ParameterizedTest
    @MethodSource("io.github.explain4j.djl.fixtures.TestNets#engines")
    void anOpenArrayIsNeverOverwrittenAndMismatchesAreRefused(String engine) {
        HeapArrays.Staging staging = new HeapArrays.Staging(6);
        float[] first = {1, 2, 3, 4, 5, 6};
        try (NDManager manager = TestNets.manager(engine)) {
            NDManager pass = manager.newSubManager();
            NDArray x = staging.create(pass, first, new Shape(2, 3));
            IllegalStateException open = assertThrows(IllegalStateException.class,
                    () -> staging.create(manager, new float[6], new Shape(2, 3)));
            assertTrue(open.getMessage().contains("still open"), open.getMessage());
            assertArrayEquals(first, x.toFloatArray(), engine + ": the open array kept its values");
            pass.close();
            float[] second = {6, 5, 4, 3, 2, 1};
            assertArrayEquals(second, staging.create(manager, second, new Shape(6)).toFloatArray());

            IllegalArgumentException size = assertThrows(IllegalArgumentException.class,
                    () -> new HeapArrays.Staging(6).create(manager, new float[7], new Shape(7)));
            assertTrue(size.getMessage().contains("7") && size.getMessage().contains("6"), size.getMessage());
            assertThrows(IllegalArgumentException.class,
                    () -> new HeapArrays.Staging(6).create(manager, new float[6], new Shape(2, 2)));

            float[] into = new float[5];
            IllegalArgumentException length = assertThrows(IllegalArgumentException.class,
                    () -> HeapArrays.read(manager.ones(new Shape(6)), into));
            assertTrue(length.getMessage().contains("6") && length.getMessage().contains("5"), length.getMessage());
            IllegalArgumentException type = assertThrows(IllegalArgumentException.class,
                    () -> HeapArrays.read(manager.ones(new Shape(5), DataType.FLOAT64), into));
            assertTrue(type.getMessage().contains("float64"), type.getMessage());
        }
    }
}
