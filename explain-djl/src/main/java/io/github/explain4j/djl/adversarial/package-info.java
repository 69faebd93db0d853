/**
 * Adversarial examples on DJL: gradient attacks under L∞ and L2 budgets in pixel units
 * ({@link io.github.explain4j.djl.adversarial.Fgsm}, {@link io.github.explain4j.djl.adversarial.Bim},
 * {@link io.github.explain4j.djl.adversarial.Pgd}), fooling images grown from noise
 * ({@link io.github.explain4j.djl.adversarial.FoolingImage}) and accuracy under attack against the budget
 * ({@link io.github.explain4j.djl.adversarial.AccuracyUnderAttack}).
 *
 * <pre>{@code
 * AdversarialExamples adv = Pgd.linf(0.1).steps(40).stepSize(0.01).seed(1).attack(model, images, labels);
 * RobustnessCurve curve = AccuracyUnderAttack.of(Pgd.linf(0.1)).epsilons(0.02, 0.05, 0.1)
 *         .evaluate(model, images, labels);
 * }</pre>
 *
 * <p>Every gradient is taken with respect to the unnormalised pixel image through the model's input
 * normalisation ({@link io.github.explain4j.api.InputSpec} mean and std), one trace per step; each call opens its
 * own scope and returns heap values.
 */
package io.github.explain4j.djl.adversarial;
