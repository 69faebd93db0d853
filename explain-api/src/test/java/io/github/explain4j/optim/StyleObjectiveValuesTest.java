package io.github.explain4j.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Style and content objectives as values: algebra, descriptions, layers, copies, and refusals naming the fix. */
class StyleObjectiveValuesTest {

    @Test
    void aStyleTransferObjectiveReadsAsGatysWritesIt() {
        Objective content = Objective.content("block_5", new float[] {1, 2, 3, 4, 5, 6}, 3, 1, 2);
        Objective style = Objective.style("block_2", new float[] {1, 0, 0, 1}).times(0.5)
                .plus(Objective.style("block_4", new float[9]).times(0.5));
        Objective o = content.plus(style.times(1e3)).minus(Objective.totalVariation(2).times(1e-2));
        assertEquals("content(block_5, 3×1×2) + 1000 × (0.5 × style(block_2, 2×2 Gram) + 0.5 × style(block_4, 3×3"
                + " Gram)) − 0.01 × TV(β=2)", o.description());
        assertEquals(List.of("block_5", "block_2", "block_4"), List.copyOf(o.layers()));
        assertFalse(o.readsOutput());
        assertEquals(3, ((Objective.Sum) o).terms().size());
    }

    @Test
    void targetsAreCopiedAndComparedByValue() {
        float[] gram = {1, 2, 2, 5};
        Objective.Style s = (Objective.Style) Objective.style("l", gram);
        gram[0] = 99;
        assertArrayEquals(new float[] {1, 2, 2, 5}, s.gram());
        s.gram()[1] = 42;
        assertArrayEquals(new float[] {1, 2, 2, 5}, s.gram());
        assertEquals(2, s.channels());
        assertEquals(Objective.style("l", new float[] {1, 2, 2, 5}), s);
        assertEquals(Objective.style("l", new float[] {1, 2, 2, 5}).hashCode(), s.hashCode());
        assertNotEquals(Objective.style("l", new float[] {1, 2, 2, 6}), s);
        assertNotEquals(Objective.style("m", new float[] {1, 2, 2, 5}), s);
        int[] shape = {2, 1, 1};
        float[] f = {3, 4};
        Objective.Content c = (Objective.Content) Objective.content("l", f, shape);
        shape[0] = 7;
        f[0] = 0;
        assertArrayEquals(new int[] {2, 1, 1}, c.shape());
        assertArrayEquals(new float[] {3, 4}, c.features());
        assertEquals(Objective.content("l", new float[] {3, 4}, 2, 1, 1), c);
        assertNotEquals(Objective.content("l", new float[] {3, 4}, 2, 1), c);
    }

    @Test
    void badTargetsAreRefusedWithTheFix() {
        expect(() -> Objective.style("l", new float[5]), "the Gram target has 5 values; expected C × C values");
        expect(() -> Objective.style("l", new float[0]), "the Gram target has 0 values");
        expect(() -> Objective.style("l", new float[] {1, Float.NaN, 0, 1}),
                "Gram target has the non-finite value NaN at index 1");
        expect(() -> Objective.style(" ", new float[1]), "layer was blank; name a layer as model.layers() lists it");
        expect(() -> Objective.content("l", new float[6], 2, 2), "content shape [2, 2] holds 4 values but 6 features"
                + " were given; give the layer's shape without the batch");
        expect(() -> Objective.content("l", new float[6]), "content shape was empty; give the layer's shape without"
                + " the batch");
        expect(() -> Objective.content("l", new float[0], 0, 3), "content shape was [0, 3]; expected positive sizes");
        expect(() -> Objective.content("l", new float[] {Float.POSITIVE_INFINITY}, 1),
                "content features has the non-finite value Infinity at index 0");
        expect(() -> Objective.style("l", new float[4]).times(Double.NaN), "weight was NaN");
    }

    private static void expect(Runnable r, String part) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, r::run);
        assertTrue(e.getMessage().contains(part), "'" + e.getMessage() + "' should contain '" + part + "'");
    }
}
