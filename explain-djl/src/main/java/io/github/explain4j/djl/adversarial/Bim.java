package io.github.explain4j.djl.adversarial;

import io.github.explain4j.adversarial.Norm;
import io.github.explain4j.djl.core.MethodSettings;
import java.util.Map;

/**
 * The Basic Iterative Method, iterative FGSM (Kurakin, Goodfellow &amp; Bengio, "Adversarial Examples in the
 * Physical World", ICLR workshop 2017): FGSM steps of size α from the clean image, each followed by a clip onto
 * the L∞ ε-ball around it and the pixel range, {@code x ← clip_{x,ε}(x + α·sign(∇ₓ L))}.
 *
 * <pre>{@code
 * AdversarialExamples adv = Bim.linf(8 / 255.0).attack(model, images, labels);          // the paper's α and steps
 * AdversarialExamples adv = Bim.linf(0.1).steps(20).stepSize(0.01).attack(model, images, labels);
 * }</pre>
 *
 * <p>Defaults are the paper's: α = 1/255 and {@code min(ε + 4, 1.25·ε)} steps with ε counted in 0–255 units
 * (rounded up; at least one).
 */
public final class Bim extends GradientAttack {

    private record Settings(double epsilon, int steps, double stepSize, int batchSize, boolean stopWhenFooled)
            implements MethodSettings {
        Settings {
            Plan.checkEpsilon(epsilon);
            if (steps != 0) {
                Plan.checkSteps(steps);
            }
            Plan.checkStepSize(stepSize);
            Plan.checkBatchSize(batchSize);
        }

        int resolvedSteps() {
            if (steps != 0) {
                return steps;
            }
            double e = epsilon * 255;
            return Math.max(1, (int) Math.ceil(Math.min(e + 4, 1.25 * e) - 1e-9));
        }

        @Override
        public String describe(String component, Object value) {
            if (component.equals("steps")) {
                return String.valueOf(resolvedSteps());
            }
            return MethodSettings.super.describe(component, value);
        }
    }

    private final Settings settings;

    private Bim(Settings settings) {
        this.settings = settings;
    }

    /** BIM with an L∞ budget of {@code epsilon} pixel units and the paper's step size and count. */
    public static Bim linf(double epsilon) {
        return new Bim(new Settings(epsilon, 0, 1 / 255.0, 64, false));
    }

    @Override
    public Bim epsilon(double epsilon) {
        return new Bim(new Settings(epsilon, settings.steps(), settings.stepSize(), settings.batchSize(),
                settings.stopWhenFooled()));
    }

    /** The number of steps (by default the paper's, from ε). */
    public Bim steps(int steps) {
        Plan.checkSteps(steps);
        return new Bim(new Settings(settings.epsilon(), steps, settings.stepSize(), settings.batchSize(),
                settings.stopWhenFooled()));
    }

    /** The step size α in pixel units (1/255 by default). */
    public Bim stepSize(double alpha) {
        return new Bim(new Settings(settings.epsilon(), settings.steps(), alpha, settings.batchSize(),
                settings.stopWhenFooled()));
    }

    /** How many images go through the model at once (64 by default). */
    public Bim batchSize(int images) {
        return new Bim(new Settings(settings.epsilon(), settings.steps(), settings.stepSize(), images,
                settings.stopWhenFooled()));
    }

    /**
     * Whether an image stops at the first iterate the model misclassifies (for evaluating accuracy under attack:
     * the image is broken, and the batch shrinks) instead of taking every step (false by default).
     */
    public Bim stopWhenFooled(boolean stop) {
        return new Bim(new Settings(settings.epsilon(), settings.steps(), settings.stepSize(), settings.batchSize(),
                stop));
    }

    @Override
    public String name() {
        return "BIM";
    }

    @Override
    public Norm norm() {
        return Norm.LINF;
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
        return new Plan(Norm.LINF, settings.epsilon(), settings.resolvedSteps(), settings.stepSize(), false, 0,
                settings.batchSize(), settings.stopWhenFooled());
    }
}
