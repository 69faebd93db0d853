package io.github.explain4j.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The optimisation values: the objective algebra and its descriptions, parameterisations and transforms. */
class OptimValuesTest {

    @Test
    void objectivesComposeAndDescribeThemselves() {
        Objective o = Objective.channel("stage3", 7).minus(Objective.totalVariation(1).times(1e-3))
                .plus(Objective.classLogit(2).times(0.5));
        assertEquals("channel(stage3, 7) − 0.001 × TV(β=1) + 0.5 × logit(class 2)", o.description());
        // a sum of sums is one flat sum, weights of weights multiply
        assertTrue(o instanceof Objective.Sum s && s.terms().size() == 3, o.toString());
        Objective w = Objective.layer("mixed4").times(2).times(-3);
        assertEquals(new Objective.Weighted(-6, Objective.layer("mixed4")), w);
        assertEquals("-6 × deepdream(mixed4)", w.description());
        Objective product = Objective.neuron("conv2", 3).times(Objective.classProbability(1));
        assertEquals("neuron(conv2, 3, centre) · p(class 1)", product.description());
        assertEquals("(channel(a, 1) + channel(b, 2)) · L2",
                Objective.channel("a", 1).plus(Objective.channel("b", 2)).times(Objective.l2()).description());
        assertEquals("−blur", Objective.blur().times(-1).description());
    }

    @Test
    void objectivesNameTheLayersAndWhetherTheyReadTheOutput() {
        Objective o = Objective.channel("a", 1).plus(Objective.direction("b", new float[] {1, 0}))
                .times(Objective.diversity("a")).minus(Objective.l1());
        assertEquals(List.of("a", "b"), List.copyOf(o.layers()));
        assertFalse(o.readsOutput());
        assertTrue(o.plus(Objective.classProbability(0).times(2)).readsOutput());
        assertEquals(Set.of(), Objective.totalVariation(2).layers());
    }

    @Test
    void penaltiesSayWhichNormTheyAre() {
        assertEquals("L1", Objective.l1().description());
        assertEquals("L2", Objective.l2().description());
        assertEquals("‖x‖6^6", Objective.alphaNorm(6).description());
        assertTrue(((Objective.InputNorm) Objective.alphaNorm(6)).powered());
        assertFalse(((Objective.InputNorm) Objective.l2()).powered());
    }

    @Test
    void directionsAreCopiedAndCompareByValue() {
        float[] v = {1, 2, 3};
        Objective.Direction d = (Objective.Direction) Objective.directionCosine("x", v);
        v[0] = 9;
        assertArrayEquals(new float[] {1, 2, 3}, d.vector());
        assertEquals(d, Objective.directionCosine("x", new float[] {1, 2, 3}));
        assertNotEquals(d, Objective.direction("x", new float[] {1, 2, 3}));
    }

    @Test
    void badObjectivesAreRefusedWithTheFix() {
        assertMessage(() -> Objective.channel(" ", 1), "layer was blank");
        assertMessage(() -> Objective.channel("a", -1), "channel was -1");
        assertMessage(() -> Objective.classLogit(-2), "class index was -2");
        assertMessage(() -> Objective.neuron("a", 0, -1, 3), "position was (y=-1, x=3)");
        assertMessage(() -> Objective.directionCosine("a", new float[] {0, 0}), "all zeros");
        assertMessage(() -> Objective.direction("a", new float[] {Float.NaN}), "non-finite");
        assertMessage(() -> Objective.alphaNorm(0.5), "alpha was 0.5");
        assertMessage(() -> Objective.totalVariation(0), "beta was 0");
        assertMessage(() -> Objective.l2().times(Double.NaN), "weight was NaN");
    }

    @Test
    void parameterizationsDescribeThemselvesAndRefuseBadValues() {
        Parameterization p = Parameterization.fft().decorrelated().batch(4);
        assertEquals("fft(1/f^1), decorrelated, sigmoid, batch 4", p.description());
        assertEquals(Parameterization.Space.FOURIER, p.space());
        assertTrue(p.isDecorrelated());
        assertEquals(4, p.batch());
        assertEquals("pixels, clip", Parameterization.pixels().range(Parameterization.Range.CLIP).description());
        assertEquals(Parameterization.fft().decorrelated(), Parameterization.fft().decorrelated());
        assertMessage(() -> Parameterization.pixels().batch(0), "batch was 0");
        assertMessage(() -> Parameterization.fft().decay(-1), "decay was -1");
        assertMessage(() -> Parameterization.fft().scale(0), "scale was 0");
    }

    @Test
    void theStandardTransformsAreLucidsScaledToTheImage() {
        Transforms t = Transforms.standard();
        List<Transform> steps = t.steps();
        assertEquals(5, steps.size());
        assertEquals(Transform.pad(0.05), steps.get(0));
        assertEquals(Transform.jitter(0.035), steps.get(1));
        double[] scales = ((Transform.Scale) steps.get(2)).factors();
        assertEquals(11, scales.length);
        assertEquals(0.9, scales[0], 1e-12);
        assertEquals(1.1, scales[10], 1e-12);
        double[] angles = ((Transform.Rotate) steps.get(3)).degrees();
        assertEquals(26, angles.length);
        assertEquals(6, java.util.Arrays.stream(angles).filter(a -> a == 0).count(), "0° drawn 6 times in 26");
        assertEquals(Transform.jitter(0.02), steps.get(4));
        assertEquals("pad(5%) → jitter(3.5%) → scale(0.900..1.10, 11 choices) → rotate(-10.0..10.0, 26 choices°)"
                + " → jitter(2%)", t.description());
        assertEquals("none", Transforms.none().description());
        assertEquals(6, t.then(Transform.jitter(0.01)).steps().size());
        assertMessage(() -> Transform.pad(0.6), "pad was 0.6");
        assertMessage(() -> Transform.scale(), "scale factors were empty");
        assertMessage(() -> Transform.scale(1, -2), "scale factor was -2");
    }

    private static void assertMessage(Runnable r, String part) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, r::run);
        assertTrue(e.getMessage().contains(part), e.getMessage());
    }
}
