package io.github.explain4j.api;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * Where an attribution came from: the method and its settings, the random seed if any, the engine, the model
 * and the target that was explained.
 *
 * @param method the method's name as written in papers, e.g. {@code "Integrated Gradients"}
 * @param parameters the method's settings, in a stable order, as text
 * @param seed the random seed the method used, empty for deterministic methods
 * @param engine the engine that computed it, e.g. {@code "PyTorch"}
 * @param model the model's name
 * @param target what was explained, e.g. {@code "class 3"}
 * @param targetClass the class index that was explained, or {@code -1} when the target is not a class
 */
public record Provenance(
        String method,
        Map<String, String> parameters,
        OptionalLong seed,
        String engine,
        String model,
        String target,
        int targetClass) {

    /** Checks and freezes the values. */
    public Provenance {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(seed, "seed");
        Objects.requireNonNull(engine, "engine");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(target, "target");
        parameters = Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
    }


    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(method);
        if (!parameters.isEmpty()) {
            sb.append(' ').append(parameters);
        }
        seed.ifPresent(s -> sb.append(" seed=").append(s));
        return sb.append(" on ").append(engine).append('/').append(model).append(", ").append(target).toString();
    }
}
