/**
 * What every family of methods shares, so that family packages ({@code attribution}, {@code cam},
 * {@code perturbation}, {@code backprop}) import this one, not each other:
 *
 * <ul>
 *   <li>the method base class {@link io.github.explain4j.djl.core.AttributionMethod}, its
 *       {@link io.github.explain4j.djl.core.MethodOutput} and {@link io.github.explain4j.djl.core.ResolvedTarget};
 *   <li>settings written once: {@link io.github.explain4j.djl.core.MethodSettings}, a record whose components are
 *       the provenance parameters;
 *   <li>batching into chunks: {@link io.github.explain4j.djl.core.Batches}, with progress through
 *       {@link io.github.explain4j.djl.core.Tally};
 *   <li>baselines and fills: {@link io.github.explain4j.djl.core.Baselines} realises an
 *       {@link io.github.explain4j.api.Baseline} for an input, {@link io.github.explain4j.djl.core.Normalization}
 *       moves images between pixel space and the model's normalised space;
 *   <li>evaluating objectives on a trace: {@link io.github.explain4j.djl.core.Objectives}.
 * </ul>
 *
 * <p>Numeric resizing is {@link io.github.explain4j.api.Resampling} in explain-api: the compute path does not call
 * {@code render}.
 */
package io.github.explain4j.djl.core;
