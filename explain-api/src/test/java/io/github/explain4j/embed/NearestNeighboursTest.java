package io.github.explain4j.embed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Comparator;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class NearestNeighboursTest {

    private static final float[][] LINE = {{0}, {1}, {2}, {10}, {11}, {12}};
    private static final int[] SIDES = {0, 0, 0, 1, 1, 1};

    @Test
    void handMadeSetGivesTheExactNeighboursAndVotes() {
        NearestNeighbours knn = NearestNeighbours.k(3);
        int[][] near = knn.nearest(LINE, new float[][] {{0.4f}, {10.6f}});
        assertArrayEquals(new int[] {0, 1, 2}, near[0]);
        assertArrayEquals(new int[] {4, 3, 5}, near[1]);
        assertArrayEquals(new int[] {0, 1}, knn.classify(LINE, SIDES, new float[][] {{0.4f}, {10.6f}}));
        assertEquals(0.5, knn.accuracy(LINE, SIDES, new float[][] {{0.4f}, {10.6f}}, new int[] {0, 0}));
        assertEquals(1.0, NearestNeighbours.k(1).leaveOneOutAccuracy(LINE, SIDES));
        // point 2 relabelled: its nearest other (1, label 0) outvotes it; point 1's tie (0 and 2 at distance 1)
        // goes to the lower index, label 0
        assertEquals(5.0 / 6, NearestNeighbours.k(1).leaveOneOutAccuracy(LINE, new int[] {0, 0, 1, 1, 1, 1}),
                1e-12);
    }

    @Test
    void aTiedVoteGoesToTheNearestClass() {
        // k = 2 with one neighbour of each class: the nearer one's class wins
        float[][] ref = {{0}, {3}, {100}};
        int[] labels = {7, 2, 2};
        assertArrayEquals(new int[] {7, 2}, NearestNeighbours.k(2).classify(ref, labels,
                new float[][] {{1}, {2}}));
    }

    @Test
    void matchesBruteForceInDoublesOnRandomData() {
        Random r = new Random(11);
        int n = 301;
        int d = 37;
        float[][] ref = new float[n][d];
        float[][] queries = new float[23][d];
        for (float[] row : ref) {
            for (int j = 0; j < d; j++) {
                row[j] = (float) r.nextGaussian();
            }
        }
        for (float[] row : queries) {
            for (int j = 0; j < d; j++) {
                row[j] = (float) r.nextGaussian();
            }
        }
        int k = 7;
        int[][] near = NearestNeighbours.k(k).nearest(ref, queries);
        for (int q = 0; q < queries.length; q++) {
            float[] query = queries[q];
            double[] dist = new double[n];
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int t = 0; t < d; t++) {
                    double v = (double) query[t] - ref[j][t];
                    s += v * v;
                }
                dist[j] = s;
            }
            int[] expected = IntStream.range(0, n).boxed().sorted(Comparator.comparingDouble(j -> dist[j]))
                    .limit(k).mapToInt(Integer::intValue).toArray();
            assertArrayEquals(expected, near[q], "query " + q);
        }
        // leave-one-out never returns the point itself
        NearestNeighbours.Result self = NearestNeighbours.search(ref, ref, 3, true);
        for (int i = 0; i < n; i++) {
            for (int j : self.indices[i]) {
                assertTrue(j != i);
            }
        }
    }

    @Test
    void badInputIsRefusedWithTheFix() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> NearestNeighbours.k(6).nearest(LINE, LINE))
                .getMessage().contains("k was 6 but there are only 6 reference points"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> NearestNeighbours.k(0))
                .getMessage().contains("k was 0"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> NearestNeighbours.k(1).nearest(LINE, new float[][] {{1, 2}})).getMessage()
                .contains("expected the same dimension"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> NearestNeighbours.k(1).classify(LINE, new int[] {0, 1}, LINE)).getMessage()
                .contains("2 labels for 6 points"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> NearestNeighbours.k(1).nearest(LINE, new float[][] {{Float.NaN}})).getMessage()
                .contains("queries[0][0] was NaN"));
    }
}
