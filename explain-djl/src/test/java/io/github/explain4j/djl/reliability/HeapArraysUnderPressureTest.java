package io.github.explain4j.djl.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.github.explain4j.djl.fixtures.TestNets;
import io.github.explain4j.djl.internal.HeapArrays;
import java.util.Arrays;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Arrays made from heap values hold those values while the JVM allocates and collects, on both engines.
 *
 * <p>DJL's MXNet engine can lose the temporary buffer of {@code manager.create(float[])} to the collector during
 * its copy once the JIT has compiled that path; the window is narrow, and this test's 3,000 arrays did not hit it
 * with DJL's own {@code create} either (measured: 0 of 3,000). What showed it is the soak in explain-bench
 * ({@code Soak MXNet}: 1 of 73 calls with maps off by 1e35 before {@link HeapArrays}, 0 of 114 after). This test
 * guards the helper's own contract: values, shape and type arrive intact under the same pressure.
 */
class HeapArraysUnderPressureTest {

    private static final int ARRAYS = 3000;

    @ParameterizedTest
    @MethodSource("io.github.explain4j.djl.fixtures.TestNets#engines")
    void heapValuesArriveIntactUnderAllocation(String engine) throws Exception {
        float[] values = new float[16 * 1024];
        for (int i = 0; i < values.length; i++) {
            values[i] = i % 977;
        }
        double[] doubles = new double[4096];
        Arrays.fill(doubles, 0.25);
        int wrong = 0;
        try (NDManager manager = TestNets.manager(engine); AllocationPressure pressure = AllocationPressure.start()) {
            for (int i = 0; i < ARRAYS; i++) {
                try (NDManager scope = manager.newSubManager()) {
                    AllocationPressure.allocateHere();
                    float[] back = HeapArrays.create(scope, values, new Shape(16, 1024)).toFloatArray();
                    double[] backDoubles = HeapArrays.create(scope, doubles, new Shape(4096)).toDoubleArray();
                    wrong += Arrays.equals(values, back) && Arrays.equals(doubles, backDoubles) ? 0 : 1;
                }
            }
        }
        assertEquals(0, wrong, engine + ": " + wrong + " of " + ARRAYS + " arrays made from heap values hold other"
                + " values");
    }
}
