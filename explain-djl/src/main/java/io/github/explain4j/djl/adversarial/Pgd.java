package io.github.explain4j.djl.adversarial;

import io.github.explain4j.adversarial.Norm;
import io.github.explain4j.djl.core.MethodSettings;
import java.util.Map;
import java.util.Objects;

/**
 * Projected Gradient Descent with a random start (Madry, Makelov, Schmidt, Tsipras &amp; Vladu, "Towards Deep
 * Learning Models Resistant to Adversarial Attacks", ICLR 2018): from a uniform random point of the ε-ball around
 * the image, steps of size α along the sign of the gradient (L∞) or along the gradient over its L2 norm (L2), each
 * followed by the projection onto the ε-ball and the pixel range [0, 1]:
 * {@code x ← Π_{B(x₀,ε) ∩ [0,1]}(x + α·s(∇ₓ L))}. The L2 projection rescales the perturbation to length ε when it
 * is longer, then clips to the pixel range, which only shortens it.
 *
 * <pre>{@code
 * AdversarialExamples adv = Pgd.linf(0.1).steps(40).stepSize(0.01).seed(1).attack(model, images, labels);
 * AdversarialExamples adv = Pgd.l2(1.5).attack(model, images, labels, targets);
 * AdversarialExamples adv = Pgd.of(Norm.parse(args[0]), 0.3).attack(model, images, labels);
 * }</pre>
 *
 * <p>Defaults: 40 steps (the paper's MNIST adversary), α = 2.5·ε / steps (so that the steps can cross the ball
 * from edge to edge and back, the rule of Madry et al.'s robustness library), random start on, seed 0, 64 images
 * per batch. ε and α are in pixel units of the unnormalised image, whatever normalisation the model's spec has.
 * The result is the last iterate.
 */
public final class Pgd extends GradientAttack {

    private record Settings(Norm norm, double epsilon, int steps, double stepSize, boolean randomStart, long seed,
            int batchSize, boolean stopWhenFooled) implements MethodSettings {
        Settings {
            Objects.requireNonNull(norm, "norm was null; pass Norm.LINF or Norm.L2 (Norm.parse reads \"Linf\", \"L2\")");
            Plan.checkEpsilon(epsilon);
            Plan.checkSteps(steps);
            if (!Double.isNaN(stepSize)) {
                Plan.checkStepSize(stepSize);
            }
            Plan.checkBatchSize(batchSize);
        }

        double resolvedStepSize() {
            return Double.isNaN(stepSize) ? 2.5 * epsilon / steps : stepSize;
        }

        @Override
        public String describe(String component, Object value) {
            if (component.equals("stepSize")) {
                return String.valueOf(resolvedStepSize());
            }
            if (value instanceof Norm n) {
                return n.symbol();
            }
            return MethodSettings.super.describe(component, value);
        }
    }

    private final Settings settings;

    private Pgd(Settings settings) {
        this.settings = settings;
    }

    /** PGD within an L∞ ball of radius {@code epsilon} pixel units. */
    public static Pgd linf(double epsilon) {
        return of(Norm.LINF, epsilon);
    }

    /** PGD within an L2 ball of radius {@code epsilon} pixel units (the whole image's perturbation). */
    public static Pgd l2(double epsilon) {
        return of(Norm.L2, epsilon);
    }

    /** PGD within a ball of {@code norm} ({@link Norm#parse} reads a norm's name). */
    public static Pgd of(Norm norm, double epsilon) {
        return new Pgd(new Settings(norm, epsilon, 40, Double.NaN, true, 0, 64, false));
    }

    private Pgd with(double epsilon, int steps, double stepSize, boolean randomStart, long seed, int batchSize) {
        return new Pgd(new Settings(settings.norm(), epsilon, steps, stepSize, randomStart, seed, batchSize,
                settings.stopWhenFooled()));
    }

    @Override
    public Pgd epsilon(double epsilon) {
        Settings s = settings;
        return with(epsilon, s.steps(), s.stepSize(), s.randomStart(), s.seed(), s.batchSize());
    }

    /** The number of steps (40 by default). */
    public Pgd steps(int steps) {
        Settings s = settings;
        return with(s.epsilon(), steps, s.stepSize(), s.randomStart(), s.seed(), s.batchSize());
    }

    /** The step size α in pixel units (2.5·ε / steps by default). */
    public Pgd stepSize(double alpha) {
        Plan.checkStepSize(alpha);
        Settings s = settings;
        return with(s.epsilon(), s.steps(), alpha, s.randomStart(), s.seed(), s.batchSize());
    }

    /** Whether to start from a uniform random point of the ball (true by default) or from the image. */
    public Pgd randomStart(boolean random) {
        Settings s = settings;
        return with(s.epsilon(), s.steps(), s.stepSize(), random, s.seed(), s.batchSize());
    }

    /** The seed of the random start (drawn per image from the seed and the image's index). */
    public Pgd seed(long seed) {
        Settings s = settings;
        return with(s.epsilon(), s.steps(), s.stepSize(), s.randomStart(), seed, s.batchSize());
    }

    /** How many images go through the model at once (64 by default). */
    public Pgd batchSize(int images) {
        Settings s = settings;
        return with(s.epsilon(), s.steps(), s.stepSize(), s.randomStart(), s.seed(), images);
    }

    /**
     * Whether an image stops at the first iterate the model misclassifies (for evaluating accuracy under attack:
     * the image is broken, and the batch shrinks) instead of taking every step to the last iterate (false by
     * default, as the paper).
     */
    public Pgd stopWhenFooled(boolean stop) {
        Settings s = settings;
        return new Pgd(new Settings(s.norm(), s.epsilon(), s.steps(), s.stepSize(), s.randomStart(), s.seed(),
                s.batchSize(), stop));
    }

    @Override
    public String name() {
        return "PGD";
    }

    @Override
    public Norm norm() {
        return settings.norm();
    }

    @Override
    public double epsilon() {
        return settings.epsilon();
    }

    @Override
    public Map<String, String> parameters() {
        return settings.parameters();
    }

    @Override
    Plan plan() {
        return new Plan(settings.norm(), settings.epsilon(), settings.steps(), settings.resolvedStepSize(),
                settings.randomStart(), settings.seed(), settings.batchSize(), settings.stopWhenFooled());
    }
}
