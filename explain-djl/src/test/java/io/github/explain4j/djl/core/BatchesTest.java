package io.github.explain4j.djl.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.github.explain4j.djl.fixtures.TestNets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The chunked batch loop every multi-pass method uses, on both engines. */
class BatchesTest {

    @ParameterizedTest
    @MethodSource("io.github.explain4j.djl.fixtures.TestNets#engines")
    void itemsGoThroughInOrderedChunksEachInItsOwnScopeWithProgressAfterEach(String engine) {
        try (NDManager scope = TestNets.manager(engine)) {
            int before = scope.getManagedArrays().size();
            List<String> chunks = new ArrayList<>();
            List<String> progress = new ArrayList<>();
            List<NDArray> seen = new ArrayList<>();
            Shape item = new Shape(2, 2);
            Batches.inChunks(scope, item, DataType.FLOAT64, 7, 3,
                    Tally.of((task, done, total) -> progress.add(task + " " + done + "/" + total), "test", 7),
                    (k, values, offset) -> {
                        for (int j = 0; j < 4; j++) {
                            values[offset + j] = 10 * k + j;
                        }
                    }, (chunk, batch, first, count) -> {
                        chunks.add(first + "+" + count);
                        assertEquals(new Shape(count, 2, 2), batch.getShape());
                        assertEquals(DataType.FLOAT64, batch.getDataType());
                        assertTrue(chunk.getManagedArrays().contains(batch), "the batch belongs to the chunk");
                        double[] v = batch.toDoubleArray();
                        for (int m = 0; m < count; m++) {
                            for (int j = 0; j < 4; j++) {
                                assertEquals(10.0 * (first + m) + j, v[m * 4 + j], 0);
                            }
                        }
                        seen.add(batch);
                    });
            assertEquals(List.of("0+3", "3+3", "6+1"), chunks);
            assertEquals(List.of("test 3/7", "test 6/7", "test 7/7"), progress);
            for (NDArray a : seen) {
                assertTrue(a.isReleased(), "a chunk's arrays are closed when it ends");
            }
            assertEquals(before, scope.getManagedArrays().size(), "nothing left in the caller's scope");
        }
    }

    @ParameterizedTest
    @MethodSource("io.github.explain4j.djl.fixtures.TestNets#engines")
    void stackMakesOneBatchOfHeapRows(String engine) {
        try (NDManager m = TestNets.manager(engine)) {
            NDArray a = Batches.stack(m, new float[][] {{1, 2, 3}, {4, 5, 6}}, new Shape(1, 3), DataType.FLOAT32);
            assertEquals(new Shape(2, 1, 3), a.getShape());
            assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, a.toFloatArray());
        }
    }

    @Test
    void tallyReachesOnlyUpwards() {
        List<Long> done = new ArrayList<>();
        Tally t = Tally.of((task, d, total) -> done.add(d), "test", 10);
        t.add(3);
        t.reach(2);
        t.reach(5);
        t.add(5);
        assertEquals(List.of(3L, 5L, 10L), done);
    }
}
