package io.github.explain4j.djl;

import io.github.explain4j.api.Target;
import io.github.explain4j.djl.seam.ScoreFunction;
import java.util.Objects;

/**
 * A target given as a differentiable scalar function of the model's output, e.g. the margin between two classes
 * or the sum of a region of a spatial output.
 *
 * <pre>{@code
 * Target margin = CustomTarget.of(out -> out.get(":, 3").sub(out.get(":, 5")), "class 3 minus class 5");
 * }</pre>
 *
 * @param function maps the output {@code (N, …)} to one score per input {@code (N)}; it must start its operations
 *     from the output array so that its results live in the call's scope
 * @param description how the target is described in provenance
 */
public record CustomTarget(ScoreFunction function, String description) implements Target {

    /** Checks the values. */
    public CustomTarget {
        Objects.requireNonNull(function, "function");
        Objects.requireNonNull(description, "description");
    }

    /** A custom target. */
    public static CustomTarget of(ScoreFunction function, String description) {
        return new CustomTarget(function, description);
    }

    @Override
    public String describe() {
        return description;
    }
}
