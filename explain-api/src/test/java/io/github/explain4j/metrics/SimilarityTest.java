package io.github.explain4j.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class SimilarityTest {

    @Test
    void spearmanSeesOnlyTheOrder() {
        float[] a = {1, 2, 3, 4, 5};
        assertEquals(1.0, Similarity.spearman(a, new float[] {10, 20, 30, 400, 5000}), 1e-12);
        assertEquals(-1.0, Similarity.spearman(a, new float[] {5, 4, 3, 2, 1}), 1e-12);
    }

    @Test
    void tiesTakeTheirMeanRankAsInTheTextbookExample() {
        // ranks of {1, 2, 2, 3} are {1, 2.5, 2.5, 4}; of {1, 3, 2, 4} are {1, 3, 2, 4}: rho = 0.9486832980505138
        assertEquals(0.9486832980505138, Similarity.spearman(new float[] {1, 2, 2, 3}, new float[] {1, 3, 2, 4}),
                1e-12);
    }

    @Test
    void aConstantMapCorrelatesWithNothingAndLengthsMustMatch() {
        assertEquals(0.0, Similarity.spearman(new float[] {1, 1, 1}, new float[] {1, 2, 3}));
        assertThrows(IllegalArgumentException.class, () -> Similarity.spearman(new float[3], new float[4]));
    }
}
