package io.github.explain4j.djl.reliability;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import ai.djl.Model;
import io.github.explain4j.api.Images;
import io.github.explain4j.data.SyntheticShapes;
import io.github.explain4j.djl.ExplainableModel;
import io.github.explain4j.djl.optim.FeatureInversion;
import io.github.explain4j.djl.zoo.ShapesNet;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Feature inversion holds its target Φ₀ in the call's scope across the steps. On PyTorch an op whose first operand
 * is such a held array puts its result outside the pass's pinned scope, and a following op with a Java number then
 * loses its operand to the garbage collector before the backward pass (docs/djl-number-operand-gradients.md): a
 * probe that wrote {@code target.sub(activation).square().mul(3.0)} gave the right image without allocation pressure
 * and NaN with it, where {@code activation.sub(target)…} gave the same image both ways. FeatureInversion keeps the
 * held arrays as second operands; this test runs it with and without pressure and asks for the same image.
 */
class FeatureInversionUnderPressureTest {

    @ParameterizedTest
    @MethodSource("io.github.explain4j.djl.fixtures.TestNets#engines")
    void sameImageUnderAllocationPressure(String engine) throws Exception {
        float[] x = Images.toChw(SyntheticShapes.create(64).sample(SyntheticShapes.TEST_SEED, 2).image(), 3, 64, 64);
        FeatureInversion inversion = FeatureInversion.of("stem", "stage2").steps(15).jitter(1.0 / 32).seed(5);
        try (Model m = ShapesNet.load(engine)) {
            ExplainableModel model = ShapesNet.explainable(m);
            float[] calm = inversion.invert(model, x).image();
            float[] pressed;
            try (AllocationPressure p = AllocationPressure.start()) {
                pressed = inversion.invert(model, x).image();
            }
            assertArrayEquals(calm, pressed, engine);
        }
    }
}
