package io.github.explain4j.djl.internal;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import java.util.HashMap;
import java.util.Map;
import java.util.function.BiFunction;

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
    private final BiFunction<Parameter, NDArray, NDArray> transform;

    /** A store whose views live in {@code scope}. */
    public DetachedParameterStore(NDManager scope) {
        this(scope, null);
    }

    private DetachedParameterStore(NDManager scope, BiFunction<Parameter, NDArray, NDArray> transform) {
        super(scope, false);
        this.scope = scope;
        this.transform = transform;
    }

    /**
     * A store that hands blocks {@code transform(parameter, view)} instead of the view, computed once per
     * parameter in {@code scope}: the same block then runs with changed parameters (for example only the positive
     * weights and no bias, as LRP's αβ rule needs) while the model's own arrays stay untouched.
     *
     * @param scope the scope that holds the views and their transforms
     * @param transform maps a parameter and its detached view to the array the block sees
     * @return the store
     */
    public static DetachedParameterStore transformed(NDManager scope,
            BiFunction<Parameter, NDArray, NDArray> transform) {
        return new DetachedParameterStore(scope, java.util.Objects.requireNonNull(transform, "transform"));
    }

    @Override
    public NDArray getValue(Parameter parameter, Device device, boolean training) {
        if (parameter == null) {
            return null;
        }
        return views.computeIfAbsent(parameter.getId(), id -> {
            // a view even for arrays without gradient: every op a block starts from a parameter then lands in
            // the scope rather than in the model's manager
            NDArray view = parameter.getArray().stopGradient();
            view.attach(scope);
            return transform == null ? view : transform.apply(parameter, view);
        });
    }
}
