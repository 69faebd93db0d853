package io.github.explain4j.djl.adversarial;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.SequentialBlock;
import io.github.explain4j.adversarial.AdversarialExamples;
import io.github.explain4j.adversarial.Norm;
import io.github.explain4j.api.InputSpec;
import io.github.explain4j.djl.ExplainableModel;
import io.github.explain4j.djl.fixtures.TestNets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Scale;

/**
 * Every PGD output lies in the ε-ball around its image (in the attack's norm) and in the pixel range [0, 1], for
 * random budgets, step sizes and counts, both norms, with and without random start, targeted or not, stopping
 * when fooled or not, on a float32 residual network with BatchNorm and a normalising spec, and images that touch
 * 0 and 1. Tolerance: float32 rounding of {@code x₀ ± ε} and of the L2 rescaling, 10⁻⁶ absolute plus 10⁻⁶
 * relative. Calibration (2026-11-29, 300 tries on both engines, 17–34 s): 216–228 of the outputs' L∞ distances
 * exceeded ε by float32 rounding of {@code x₀ ± ε}, at most by 4.3·10⁻⁸ (two runs, both engines); no L2 distance
 * exceeded ε. 40 tries run in 3–9 s.
 */
class PgdBallProperties {

    private static final int TRIES = 40;

    @Provide
    Arbitrary<String> engines() {
        return Arbitraries.of(TestNets.ENGINES);
    }

    @Property(tries = TRIES)
    void everyOutputLiesInTheBallAndThePixelRange(@ForAll("engines") String engine, @ForAll Norm norm,
            @ForAll @DoubleRange(min = 0, max = 0.6) @Scale(4) double eps,
            @ForAll @DoubleRange(min = 0.001, max = 0.5) @Scale(4) double alpha, @ForAll @IntRange(min = 1, max = 4) int steps, @ForAll @IntRange(min = 1, max = 4) int n,
            @ForAll boolean randomStart, @ForAll boolean targeted, @ForAll boolean stop, @ForAll long seed) {
        try (NDManager m = TestNets.manager(engine)) {
            SequentialBlock net = TestNets.init(TestNets.residualNet(4), m, DataType.FLOAT32, new Shape(1, 3, 8, 8),
                    seed);
            ExplainableModel model = ExplainableModel.of(net, m, InputSpec.rgb(8, 8)
                    .normalized(new float[] {0.485f, 0.456f, 0.406f}, new float[] {0.229f, 0.224f, 0.225f}));
            Random random = new Random(seed);
            List<float[]> images = new ArrayList<>();
            int[] labels = new int[n];
            int[] targets = new int[n];
            for (int i = 0; i < n; i++) {
                float[] x = new float[3 * 64];
                for (int j = 0; j < x.length; j++) {
                    // a third at 0, a third at 1, a third inside
                    int kind = random.nextInt(3);
                    x[j] = kind == 0 ? 0 : kind == 1 ? 1 : random.nextFloat();
                }
                images.add(x);
                labels[i] = random.nextInt(4);
                targets[i] = (labels[i] + 1 + random.nextInt(3)) % 4;
            }
            Pgd pgd = Pgd.of(norm, eps).steps(steps).stepSize(alpha).randomStart(randomStart).stopWhenFooled(stop)
                    .seed(seed).batchSize(3);
            AdversarialExamples adv = targeted ? pgd.attack(model, images, labels, targets)
                    : pgd.attack(model, images, labels);
            assertEquals(n, adv.size());
            for (int i = 0; i < n; i++) {
                float[] x = adv.image(i);
                for (int j = 0; j < x.length; j++) {
                    assertTrue(x[j] >= 0 && x[j] <= 1, engine + ": value " + x[j] + " at " + j);
                }
                double distance = norm.distance(x, images.get(i));
                assertTrue(distance <= eps * (1 + 1e-6) + 1e-6, engine + " " + norm + ": ‖δ‖ = " + distance
                        + " > ε = " + eps);
            }
        }
    }
}
