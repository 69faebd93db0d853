package io.github.explain4j.djl.adversarial;

import io.github.explain4j.adversarial.Norm;
import io.github.explain4j.djl.core.MethodSettings;
import java.util.Map;
import java.util.Objects;

/**
 * The Fast Gradient Sign Method (Goodfellow, Shlens &amp; Szegedy, "Explaining and Harnessing Adversarial
 * Examples", ICLR 2015): one step of size ε along the sign of the loss's gradient with respect to the pixels,
 * {@code x′ = clip₀¹(x + ε·sign(∇ₓ L))} — untargeted it ascends the cross-entropy of the label, targeted it descends
 * that of the target ({@code x′ = x − ε·sign(∇ₓ J(x, t))}, Kurakin et al. 2017's "least-likely class" form with any
 * class).
 *
 * <p>Under an L2 budget ({@link #l2}) the step follows the gradient over its L2 norm, taken over each whole image:
 * {@code x′ = clip₀¹(x + ε·g/‖g‖₂)} with {@code g = ∇ₓ L} (untargeted) or {@code −∇ₓ J(x, t)} (targeted), the
 * L2 form of the fast gradient step that Miyato, Dai &amp; Goodfellow use for adversarial training ("Adversarial
 * Training Methods for Semi-Supervised Text Classification", ICLR 2017, arXiv 2016: {@code r = ε·g/‖g‖₂}).
 * Before the clip the perturbation has length exactly ε; the clip to the pixel range can only shorten it.
 *
 * <pre>{@code
 * AdversarialExamples adv = Fgsm.linf(8 / 255.0).attack(model, images, labels);
 * AdversarialExamples toBag = Fgsm.linf(0.1).attack(model, images, labels, targets);
 * AdversarialExamples round = Fgsm.l2(1.5).attack(model, images, labels);
 * }</pre>
 *
 * <p>ε is in pixel units of the unnormalised image ([0, 1]); the gradient goes through the model's normalisation,
 * so the same ε means the same pixel change whatever mean and std the input spec has. On a linear model the
 * label flips exactly when ε exceeds the margin over the L1 norm (L∞ budget) or the L2 norm (L2 budget) of the
 * weight difference in pixel units, as long as the pixel range does not bind.
 */
public final class Fgsm extends GradientAttack {

    private record Settings(Norm norm, double epsilon, int batchSize) implements MethodSettings {
        Settings {
            Objects.requireNonNull(norm, "norm was null; pass Norm.LINF or Norm.L2 (Norm.parse reads \"Linf\","
                    + " \"L2\")");
            Plan.checkEpsilon(epsilon);
            Plan.checkBatchSize(batchSize);
        }

        @Override
        public String describe(String component, Object value) {
            return value instanceof Norm n ? n.symbol() : MethodSettings.super.describe(component, value);
        }
    }

    private final Settings settings;

    private Fgsm(Settings settings) {
        this.settings = settings;
    }

    /** FGSM with an L∞ budget of {@code epsilon} pixel units: one step of ε along the gradient's sign. */
    public static Fgsm linf(double epsilon) {
        return of(Norm.LINF, epsilon);
    }

    /**
     * The fast gradient method with an L2 budget of {@code epsilon} pixel units (the whole image's perturbation):
     * one step of length ε along the gradient over its L2 norm.
     */
    public static Fgsm l2(double epsilon) {
        return of(Norm.L2, epsilon);
    }

    /** FGSM with a budget in {@code norm} ({@link Norm#parse} reads a norm's name). */
    public static Fgsm of(Norm norm, double epsilon) {
        return new Fgsm(new Settings(norm, epsilon, 64));
    }

    @Override
    public Fgsm epsilon(double epsilon) {
        return new Fgsm(new Settings(settings.norm(), epsilon, settings.batchSize()));
    }

    /** How many images go through the model at once (64 by default). */
    public Fgsm batchSize(int images) {
        return new Fgsm(new Settings(settings.norm(), settings.epsilon(), images));
    }

    @Override
    public String name() {
        return "FGSM";
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
        return new Plan(settings.norm(), settings.epsilon(), 1, settings.epsilon(), false, 0, settings.batchSize(),
                false);
    }
}
