package io.github.explain4j.api;

import io.github.explain4j.optim.FeatureImage;
import io.github.explain4j.optim.Objective;

/**
 * An optimisation-based view of a model: it searches for the input that maximises an {@link Objective} — a class,
 * a channel, a neuron, a whole layer (activation maximisation, class images, DeepDream; Erhan et al. 2009,
 * Simonyan et al. 2014, Yosinski et al. 2015, Olah et al. 2017).
 *
 * <p>Implementations are immutable settings values (objective, parameterisation, transforms, steps, seed) usable
 * from several threads; each call opens and releases its own engine resources, reports progress, and returns a heap
 * value. The same seed on the same engine gives the same images.
 *
 * @param <M> the model type of the engine binding
 */
public interface FeatureOptimizer<M> {

    /** The method's name as written in papers and provenance, e.g. {@code "Feature Visualization"}. */
    String name();

    /** The objective maximised. */
    Objective objective();

    /** Runs the optimisation on {@code model}. */
    FeatureImage optimize(M model);
}
