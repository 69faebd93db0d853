package io.github.explain4j.spark;

import io.github.explain4j.djl.ExplainableModel;
import java.util.Objects;

/**
 * A model as a {@link ModelLoader} hands it out: the wrapper that explains it, and what to close when the JVM that
 * loaded it shuts down (the DJL model, its native memory).
 *
 * @param model the model, ready for explanation
 * @param resources closed once, at the JVM's shutdown (may be {@code () -> {}})
 */
public record LoadedModel(ExplainableModel model, AutoCloseable resources) {

    /** Checks the parts. */
    public LoadedModel {
        Objects.requireNonNull(model, "model was null; a loader returns the model it loaded");
        Objects.requireNonNull(resources, "resources was null; pass the DJL model to close, or () -> {}");
    }

    /** A loaded model whose DJL model is closed at shutdown. */
    public static LoadedModel of(ai.djl.Model djl, ExplainableModel model) {
        Objects.requireNonNull(djl, "djl model");
        return new LoadedModel(model, djl::close);
    }
}
