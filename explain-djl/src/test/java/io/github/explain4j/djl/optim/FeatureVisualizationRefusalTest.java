package io.github.explain4j.djl.optim;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import io.github.explain4j.djl.ExplainableModel;
import io.github.explain4j.djl.zoo.ShapesNet;
import io.github.explain4j.optim.Objective;
import io.github.explain4j.optim.Transform;
import io.github.explain4j.optim.Transforms;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Mistakes in a feature visualisation get a message naming the value and the fix, on both engines. */
class FeatureVisualizationRefusalTest {

    @ParameterizedTest
    @MethodSource("io.github.explain4j.djl.fixtures.TestNets#engines")
    void mistakesAreRefusedWithTheFix(String engine) {
        try (Model m = ShapesNet.load(engine)) {
            ExplainableModel model = ShapesNet.explainable(m);
            expect(() -> FeatureVisualization.of(Objective.channel("stage9", 1)).steps(2).optimize(model),
                    "unknown layer 'stage9'");
            expect(() -> FeatureVisualization.of(Objective.channel("stage3", 64)).steps(2).optimize(model),
                    "channel was 64; layer 'stage3' has 64 channels");
            expect(() -> FeatureVisualization.of(Objective.neuron("stage3", 0, 16, 3)).steps(2).optimize(model),
                    "outside layer 'stage3''s 16×16 feature map");
            expect(() -> FeatureVisualization.of(Objective.classLogit(3)).steps(2).optimize(model),
                    "class index was 3; the model has 3 classes");
            expect(() -> FeatureVisualization.of(Objective.classLogit(0)).steps(0), "steps was 0");
            expect(() -> FeatureVisualization.of(Objective.classLogit(0)).steps(-5), "steps was -5");
            expect(() -> FeatureVisualization.of(Objective.classLogit(0)).learningRate(Double.NaN),
                    "learning rate was NaN");
            expect(() -> FeatureVisualization.of(Objective.classLogit(0)).steps(10).thresholds(11),
                    "threshold 11 is not a step of 1..10");
            expect(() -> FeatureVisualization.of(Objective.classLogit(0)).steps(2).transforms(Transforms.of(
                    Transform.jitter(0.45), Transform.jitter(0.45), Transform.jitter(0.45))).optimize(model),
                    "leave no image of a 64×64 input");
            expect(() -> Transform.pad(0.7), "pad was 0.7");
            expect(() -> FeatureVisualization.of(Objective.diversity("stage2")).steps(2).optimize(model),
                    "diversity needs a batch of two or more images");
        }
    }

    @ParameterizedTest
    @MethodSource("io.github.explain4j.djl.fixtures.TestNets#engines")
    void anInterruptCancelsAtTheNextStepAndProgressIsReported(String engine) {
        try (Model m = ShapesNet.load(engine)) {
            AtomicInteger reported = new AtomicInteger();
            ExplainableModel model = ShapesNet.explainable(m).withProgress((task, done, total) -> {
                reported.set((int) done);
                if (done == 3) {
                    Thread.currentThread().interrupt();
                }
            });
            CancellationException e = assertThrows(CancellationException.class,
                    () -> FeatureVisualization.of(Objective.classLogit(1)).steps(50).optimize(model));
            assertTrue(Thread.interrupted(), "the interrupt stays set for the caller");
            assertTrue(e.getMessage().contains("cancelled at step 4 of 50"), e.getMessage());
            assertTrue(reported.get() == 3, "progress reached " + reported.get());
            int before = m.getNDManager().getManagedArrays().size();
            FeatureVisualization.of(Objective.classLogit(1)).steps(2).optimize(ShapesNet.explainable(m));
            assertTrue(m.getNDManager().getManagedArrays().size() == before, "arrays left behind");
        }
    }

    private static void expect(Runnable r, String part) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, r::run);
        assertTrue(e.getMessage().contains(part), "'" + e.getMessage() + "' should contain '" + part + "'");
    }
}
