package io.github.explain4j.spark;

import io.github.explain4j.djl.ExplainableModel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The models loaded in this JVM, one per {@link ModelLoader#key() key}: the first task on an executor that needs
 * a model loads it, the others (running at the same time or later) wait for it and share it. The models stay
 * loaded for the life of the JVM and are closed when it shuts down. On Spark's {@code local[N]} master the driver
 * and the executor are one JVM, so they share the cache too.
 *
 * <p>{@link io.github.explain4j.djl.ExplainableModel} may be shared between threads (gradient work is serialised
 * per engine), so the tasks of one executor run their batches on one model.
 */
public final class ExecutorModels {

    private static final Map<String, LoadedModel> MODELS = new ConcurrentHashMap<>();
    private static final Map<String, AtomicInteger> LOADS = new ConcurrentHashMap<>();
    private static final AtomicInteger HOOKS = new AtomicInteger();

    private ExecutorModels() {}

    /**
     * The model of {@code loader}, loaded on the first call for its key in this JVM.
     *
     * @throws IllegalStateException naming the key when the loader fails
     */
    public static ExplainableModel get(ModelLoader loader) {
        Objects.requireNonNull(loader, "loader was null; pass e.g. ModelLoaders.shapesNet(\"PyTorch\")");
        String key = loader.key();
        Objects.requireNonNull(key, "the loader's key was null; give it a name that identifies the model");
        return MODELS.computeIfAbsent(key, k -> load(loader, k)).model();
    }

    private static LoadedModel load(ModelLoader loader, String key) {
        if (HOOKS.getAndIncrement() == 0) {
            Runtime.getRuntime().addShutdownHook(new Thread(ExecutorModels::closeAll, "explain4j-close-models"));
        }
        LoadedModel loaded;
        try {
            loaded = loader.load();
        } catch (Exception e) {
            throw new IllegalStateException("model '" + key + "' could not be loaded on this executor: " + e
                    + "; check that its files and the engine's native libraries are present on every executor", e);
        }
        if (loaded == null) {
            throw new IllegalStateException("the loader of model '" + key + "' returned null; return a LoadedModel");
        }
        LOADS.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
        return loaded;
    }

    /** How many times the model of {@code key} was loaded in this JVM (0 or 1 unless it was {@link #close closed}). */
    public static int loads(String key) {
        AtomicInteger n = LOADS.get(key);
        return n == null ? 0 : n.get();
    }

    /** Closes and forgets the model of {@code key} in this JVM, if loaded (the next use loads it again). */
    public static void close(String key) {
        LoadedModel m = MODELS.remove(key);
        if (m != null) {
            closeQuietly(key, m);
        }
    }

    private static void closeAll() {
        List<String> keys = new ArrayList<>(MODELS.keySet());
        for (String key : keys) {
            close(key);
        }
    }

    private static void closeQuietly(String key, LoadedModel m) {
        try {
            m.resources().close();
        } catch (Exception e) {
            System.err.println("explain4j: closing model '" + key + "' failed: " + e);
        }
    }
}
