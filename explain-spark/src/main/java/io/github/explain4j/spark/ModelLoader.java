package io.github.explain4j.spark;

import java.io.Serializable;
import java.util.Objects;

/**
 * How an executor gets the model: a serialisable recipe that Spark ships with each task, and a stable key under
 * which {@link ExecutorModels} keeps what it loaded, so that a model is loaded once per executor JVM however many
 * tasks and partitions run there. Two loaders with the same key must load the same model.
 *
 * <pre>{@code
 * ModelLoader shapes = ModelLoaders.shapesNet("PyTorch");
 * ModelLoader mine = ModelLoader.of("resnet18-v3", () -> {
 *     Model m = TorchScriptModels.load(Path.of("/opt/models/resnet18.pt"));   // present on every executor
 *     return LoadedModel.of(m, ExplainableModel.of(m, InputSpec.rgb(224, 224).normalized(MEAN, STD)));
 * });
 * }</pre>
 *
 * <p>Everything a loader captures travels to the executors with it, so it must be serialisable: capture strings
 * and numbers (a path, an engine name), never a loaded model.
 */
public interface ModelLoader extends Serializable {

    /** The key under which the loaded model is kept, e.g. {@code "ShapesNet/PyTorch"}; the same for the same model. */
    String key();

    /** Loads the model (called at most once per key and JVM, by {@link ExecutorModels}). */
    LoadedModel load() throws Exception;

    /**
     * Loads a model (serialisable: Spark sends it to the executors).
     */
    @FunctionalInterface
    interface Opener extends Serializable {
        /** Loads the model. */
        LoadedModel open() throws Exception;
    }

    /**
     * A loader from a key and a serialisable lambda.
     *
     * @throws IllegalArgumentException for a blank key
     */
    static ModelLoader of(String key, Opener opener) {
        Objects.requireNonNull(key, "key was null; pass a name that identifies the model, e.g. \"resnet18-v3\"");
        Objects.requireNonNull(opener, "opener was null; pass a lambda that loads the model");
        if (key.isBlank()) {
            throw new IllegalArgumentException("key was blank; pass a name that identifies the model, e.g."
                    + " \"resnet18-v3\"");
        }
        return new Keyed(key, opener);
    }

    /** A key and an opener. */
    record Keyed(String key, Opener opener) implements ModelLoader {
        private static final long serialVersionUID = 1L;

        @Override
        public LoadedModel load() throws Exception {
            return opener.open();
        }
    }
}
