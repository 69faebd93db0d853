/**
 * The engine-agnostic values of adversarial robustness: the norm that bounds a perturbation
 * ({@link io.github.explain4j.adversarial.Norm}), the heap results of an attack
 * ({@link io.github.explain4j.adversarial.AdversarialExamples}) and accuracy under attack against the budget
 * ({@link io.github.explain4j.adversarial.RobustnessCurve}, with its plot). Budgets are in pixel units — values in
 * [0, 1] of the unnormalised image — whatever normalisation the model's input applies.
 */
package io.github.explain4j.adversarial;
