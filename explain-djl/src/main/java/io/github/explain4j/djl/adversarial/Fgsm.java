package io.github.explain4j.djl.adversarial;

import io.github.explain4j.adversarial.Norm;
import io.github.explain4j.djl.core.MethodSettings;
import java.util.Map;

/**
 * The Fast Gradient Sign Method (Goodfellow, Shlens &amp; Szegedy, "Explaining and Harnessing Adversarial
 * Examples", ICLR 2015): one step of size ε along the sign of the loss's gradient with respect to the pixels,
 * {@code x′ = clip₀¹(x + ε·sign(∇ₓ L))} — untargeted it ascends the cross-entropy of the label, targeted it descends
 * that of the target ({@code x′ = x − ε·sign(∇ₓ J(x, t))}, Kurakin et al. 2017's "least-likely class" form with any
 * class).
 *
 * <pre>{@code
 * AdversarialExamples adv = Fgsm.linf(8 / 255.0).attack(model, images, labels);
 * AdversarialExamples toBag = Fgsm.linf(0.1).attack(model, images, labels, targets);
 * }</pre>
 *
 * <p>ε is in pixel units of the unnormalised image ([0, 1]); the gradient goes through the model's normalisation,
 * so the same ε means the same pixel change whatever mean and std the input spec has. On a linear model the
 * label flips exactly when ε exceeds the margin over the L1 norm of the weight difference (in pixel units).
 */
public final class Fgsm extends GradientAttack {

    private record Settings(double epsilon, int batchSize) implements MethodSettings {
        Settings {
            Plan.checkEpsilon(epsilon);
            Plan.checkBatchSize(batchSize);
        }
    }

    private final Settings settings;

    private Fgsm(Settings settings) {
        this.settings = settings;
    }

    /** FGSM with an L∞ budget of {@code epsilon} pixel units. */
    public static Fgsm linf(double epsilon) {
        return new Fgsm(new Settings(epsilon, 64));
    }

    @Override
    public Fgsm epsilon(double epsilon) {
        return new Fgsm(new Settings(epsilon, settings.batchSize()));
    }

    /** How many images go through the model at once (64 by default). */
    public Fgsm batchSize(int images) {
        return new Fgsm(new Settings(settings.epsilon(), images));
    }

    @Override
    public String name() {
        return "FGSM";
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
        return new Plan(Norm.LINF, settings.epsilon(), 1, settings.epsilon(), false, 0, settings.batchSize(),
                false);
    }
}
