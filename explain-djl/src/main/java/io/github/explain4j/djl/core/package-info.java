/**
 * What every family of methods shares: the method base class ({@link io.github.explain4j.djl.core.AttributionMethod})
 * and its output, resolved targets, evaluating objectives on a trace ({@link io.github.explain4j.djl.core.Objectives}),
 * baselines and fills, and batching into chunks. Family packages ({@code attribution}, {@code cam},
 * {@code perturbation}, {@code backprop}) import this one, not each other.
 */
package io.github.explain4j.djl.core;
