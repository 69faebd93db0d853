package io.github.explain4j.djl.adversarial;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.ndarray.NDManager;
import io.github.explain4j.adversarial.AdversarialExamples;
import io.github.explain4j.adversarial.Norm;
import io.github.explain4j.djl.ExplainableModel;
import io.github.explain4j.djl.fixtures.TestNets;
import io.github.explain4j.djl.zoo.ShapesNet;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Bad settings and inputs fail with messages that name the value and the fix; laws of the loop. */
class AttackRefusalTest {

    @Test
    void budgetsStepsAndStepSizesAreChecked() {
        expect(() -> Pgd.linf(-0.1), "epsilon was -0.1");
        expect(() -> Pgd.l2(Double.NaN), "epsilon was NaN");
        expect(() -> Fgsm.linf(Double.POSITIVE_INFINITY), "epsilon was Infinity");
        expect(() -> Bim.linf(0.1).epsilon(-1), "expected a finite budget ≥ 0");
        expect(() -> Pgd.linf(0.1).steps(0), "steps was 0; expected 1 or more");
        expect(() -> Bim.linf(0.1).steps(-2), "steps was -2");
        expect(() -> Pgd.linf(0.1).stepSize(0), "step size was 0.0; expected a positive");
        expect(() -> Bim.linf(0.1).stepSize(-0.01), "step size was -0.01");
        expect(() -> Pgd.l2(1).stepSize(Double.NaN), "step size was NaN");
        expect(() -> Pgd.linf(0.1).batchSize(0), "batch size was 0");
        expect(() -> FoolingImage.toClasses(1).confidence(1), "confidence was 1.0");
        expect(() -> FoolingImage.toClasses(1).steps(0), "steps was 0");
        expect(() -> FoolingImage.toClasses(), "no target classes");
        expect(() -> AccuracyUnderAttack.of(Pgd.linf(0.1)).epsilons(0.1, 0.05), "strictly increasing");
        expect(() -> AccuracyUnderAttack.of(Pgd.linf(0.1)).epsilons(0, -0.05), "epsilon was -0.05");
    }

    @Test
    void normsParseAsUsersWriteThemAndOthersAreRefused() {
        assertEquals(Norm.LINF, Norm.parse("Linf"));
        assertEquals(Norm.LINF, Norm.parse(" L∞ "));
        assertEquals(Norm.LINF, Norm.parse("inf"));
        assertEquals(Norm.L2, Norm.parse("l2"));
        assertEquals(Norm.L2, Norm.parse("2"));
        expect(() -> Norm.parse("L1"), "norm was \"L1\"; expected \"Linf\"");
        expect(() -> Norm.parse("L0"), "\"L2\"");
        expect(() -> Norm.parse(null), "norm was null");
        expect(() -> Pgd.of(Norm.parse("l_3"), 0.1), "norm was \"l_3\"");
        assertThrows(NullPointerException.class, () -> Pgd.of(null, 0.1));
    }

    @ParameterizedTest
    @MethodSource("io.github.explain4j.djl.fixtures.TestNets#engines")
    void imagesLabelsAndTargetsAreChecked(String engine) {
        try (NDManager m = TestNets.manager(engine)) {
            LinearModel lin = new LinearModel(m, 41);
            List<float[]> one = LinearModel.images(1, 42);
            Pgd pgd = Pgd.linf(0.05).steps(2);
            expect(() -> pgd.attack(lin.model, one, new int[] {0}, new int[] {0}),
                    "target of image 0 was 0, its own label; a targeted attack needs another class");
            expect(() -> Fgsm.linf(0.05).attack(lin.model, one, new int[] {1}, new int[] {1}), "its own label");
            expect(() -> pgd.attack(lin.model, one, new int[] {2}), "label of image 0 was 2; expected a class of the"
                    + " model's output, 0 to 1");
            expect(() -> pgd.attack(lin.model, one, new int[] {0}, new int[] {5}), "target of image 0 was 5");
            expect(() -> pgd.attack(lin.model, one, new int[] {0, 1}), "2 labels for 1 images");
            float[] bytes = one.get(0).clone();
            bytes[3] = 187;
            expect(() -> pgd.attack(lin.model, List.of(bytes), new int[] {0}), "image 0 holds 187.0 at index 3;"
                    + " expected unnormalised pixel values in [0, 1] (divide bytes by 255");
            expect(() -> pgd.attack(lin.model, List.of(new float[5]), new int[] {0}), "image 0 has 5 values;"
                    + " expected 3×4×4 = 48");
            expect(() -> pgd.attack(lin.model, List.of(), new int[0]), "images were empty");
            expect(() -> FoolingImage.toClasses(0, 2).generate(lin.model), "target of image 1 was 2");
        }
    }

    @ParameterizedTest
    @MethodSource("io.github.explain4j.djl.fixtures.TestNets#engines")
    void aZeroBudgetLeavesTheImagesAndTheSameSeedGivesTheSameExamples(String engine) {
        try (NDManager m = TestNets.manager(engine)) {
            LinearModel lin = new LinearModel(m, 51);
            List<float[]> images = LinearModel.images(5, 52);
            int[] labels = new int[5];
            for (GradientAttack zero : new GradientAttack[] {Fgsm.linf(0), Fgsm.l2(0), Bim.linf(0), Pgd.linf(0),
                    Pgd.l2(0)}) {
                AdversarialExamples same = zero.attack(lin.model, images, labels);
                for (int i = 0; i < 5; i++) {
                    assertArrayEquals(images.get(i), same.image(i), zero.name());
                }
            }
            Pgd pgd = Pgd.l2(0.2).steps(3).seed(9);
            AdversarialExamples a = pgd.attack(lin.model, images, labels);
            AdversarialExamples b = pgd.batchSize(2).attack(lin.model, images, labels);
            AdversarialExamples c = pgd.seed(10).attack(lin.model, images, labels);
            for (int i = 0; i < 5; i++) {
                // the random start is drawn per image, so the batch split does not change it
                assertArrayEquals(a.image(i), b.image(i), 1e-6f, engine + ": image " + i);
            }
            assertTrue(!java.util.Arrays.equals(a.image(0), c.image(0)), "another seed, another start");
            assertEquals(9L, a.provenance().seed().getAsLong());
            assertEquals("L2", a.provenance().parameters().get("norm"));
            assertEquals(String.valueOf(2.5 * 0.2 / 3), a.provenance().parameters().get("stepSize"));
            assertEquals("untargeted (each image's label)", a.provenance().target());
        }
    }

    @ParameterizedTest
    @MethodSource("io.github.explain4j.djl.fixtures.TestNets#engines")
    void anInterruptCancelsAtTheNextStepProgressIsReportedAndNoArraysAreLeft(String engine) {
        try (Model m = ShapesNet.load(engine)) {
            AtomicLong reported = new AtomicLong();
            AtomicLong totals = new AtomicLong();
            ExplainableModel model = ShapesNet.explainable(m).withProgress((task, done, total) -> {
                reported.set(done);
                totals.set(total);
                if (done == 3) {
                    Thread.currentThread().interrupt();
                }
            });
            List<float[]> images = List.of(new float[3 * 64 * 64], new float[3 * 64 * 64], new float[3 * 64 * 64]);
            int[] labels = {0, 1, 2};
            CancellationException e = assertThrows(CancellationException.class,
                    () -> Pgd.linf(0.05).steps(10).batchSize(2).attack(model, images, labels));
            assertTrue(Thread.interrupted(), "the interrupt stays set for the caller");
            assertTrue(e.getMessage().contains("PGD was cancelled at step 4 of 10"), e.getMessage());
            assertEquals(3, reported.get());
            assertEquals(20, totals.get(), "two batches of ten steps");
            ExplainableModel quiet = ShapesNet.explainable(m);
            int before = m.getNDManager().getManagedArrays().size();
            int seamBefore = quiet.seam().manager().getManagedArrays().size();
            Pgd.linf(0.05).steps(2).attack(quiet, images, labels);
            Pgd.l2(0.5).steps(2).stopWhenFooled(true).attack(quiet, images, labels);
            Fgsm.l2(0.5).attack(quiet, images, labels, new int[] {1, 2, 0});
            FoolingImage.toClasses(1).steps(2).generate(quiet);
            AccuracyUnderAttack.of(Bim.linf(0.02)).epsilons(0, 0.01).evaluate(quiet, images, labels);
            assertEquals(before, m.getNDManager().getManagedArrays().size(), "arrays left in the model");
            assertEquals(seamBefore, quiet.seam().manager().getManagedArrays().size(), "arrays left in the seam");
        }
    }

    private static void expect(Runnable r, String part) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, r::run);
        assertTrue(e.getMessage().contains(part), "'" + e.getMessage() + "' should contain '" + part + "'");
    }
}
