package io.github.explain4j.djl.internal;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import java.util.HashMap;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * A parameter store that hands blocks a gradient-free view of each parameter, so that explaining a model never
 * computes, accumulates or overwrites gradients of the user's parameters and never changes their flags.
 *
 * <p>The views share memory with the parameters (PyTorch {@code detach}, MXNet {@code MXNDArrayDetach}) and belong
 * to the call's scope, which releases them.
 */
public final class DetachedParameterStore extends ParameterStore {

    private final NDManager scope;
    private final Map<String, NDArray> views = new HashMap<>();
    private final Function<Parameter, NDArray> source;
    private final BiFunction<Parameter, NDArray, NDArray> transform;

    /**
     * A store whose views live in {@code scope}, taken of {@code source(parameter)} — e.g. a {@link ModelGuard}'s
     * long-lived views, so that a pass never touches the model's own handles.
     */
    public DetachedParameterStore(NDManager scope, Function<Parameter, NDArray> source) {
        this(scope, java.util.Objects.requireNonNull(source, "source"), null);
    }

    private DetachedParameterStore(NDManager scope, Function<Parameter, NDArray> source,
            BiFunction<Parameter, NDArray, NDArray> transform) {
        super(scope, false);
        this.scope = scope;
        this.source = source;
        this.transform = transform;
    }

    /**
     * A store that hands blocks {@code transform(parameter, view)} instead of the view, computed once per
     * parameter in {@code scope}: the same block then runs with changed parameters (for example only the positive
     * weights and no bias, as LRP's αβ rule needs) while the model's own arrays stay untouched.
     *
     * @param scope the scope that holds the views and their transforms
     * @param source the array to view for each parameter
     * @param transform maps a parameter and its detached view to the array the block sees
     * @return the store
     */
    public static DetachedParameterStore transformed(NDManager scope, Function<Parameter, NDArray> source,
            BiFunction<Parameter, NDArray, NDArray> transform) {
        return new DetachedParameterStore(scope, java.util.Objects.requireNonNull(source, "source"),
                java.util.Objects.requireNonNull(transform, "transform"));
    }

    @Override
    public NDArray getValue(Parameter parameter, Device device, boolean training) {
        if (parameter == null) {
            return null;
        }
        return views.computeIfAbsent(parameter.getId(), id -> {
            // a view even for arrays without gradient: every op a block starts from a parameter then lands in
            // the scope rather than in the model's manager
            NDArray view = source.apply(parameter).stopGradient();
            view.attach(scope);
            return transform == null ? view : transform.apply(parameter, view);
        });
    }
}
