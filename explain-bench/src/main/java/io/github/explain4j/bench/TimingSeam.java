package io.github.explain4j.bench;

import ai.djl.ndarray.LazyNDArray;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.github.explain4j.api.LayerInfo;
import io.github.explain4j.djl.seam.GradientResult;
import io.github.explain4j.djl.seam.ModelSeam;
import io.github.explain4j.djl.seam.ScoreFunction;
import io.github.explain4j.djl.seam.Trace;
import io.github.explain4j.djl.seam.TraceRequest;
import java.util.List;

/**
 * A {@link ModelSeam} that delegates to another and adds up the wall time spent in its forward and gradient
 * passes, so that an explanation's time splits into the engine's passes and everything else the library does
 * (heap copies, noise, quadrature, maps). Wrap a model with
 * {@code ExplainableModel.of(new TimingSeam(model.seam()), model.spec(), model.name())}. Not thread-safe.
 */
final class TimingSeam implements ModelSeam {

    private final ModelSeam delegate;
    long gradientNanos;
    long forwardNanos;
    int gradientCalls;
    int forwardCalls;

    TimingSeam(ModelSeam delegate) {
        this.delegate = delegate;
    }

    void reset() {
        gradientNanos = 0;
        forwardNanos = 0;
        gradientCalls = 0;
        forwardCalls = 0;
    }

    @Override
    public String engineName() {
        return delegate.engineName();
    }

    @Override
    public DataType dataType() {
        return delegate.dataType();
    }

    @Override
    public NDManager manager() {
        return delegate.manager();
    }

    @Override
    public boolean isOpen() {
        return delegate.isOpen();
    }

    @Override
    public <T> T call(java.util.function.Function<NDManager, T> work) {
        return delegate.call(work);
    }

    @Override
    public List<LayerInfo> layers(Shape inputShape) {
        return delegate.layers(inputShape);
    }

    @Override
    public String resolveLayer(String path) {
        return delegate.resolveLayer(path);
    }

    @Override
    public NDArray forward(NDManager scope, NDArray input) {
        long start = System.nanoTime();
        NDArray out = delegate.forward(scope, input);
        waitFor(out);
        forwardNanos += System.nanoTime() - start;
        forwardCalls++;
        return out;
    }

    @Override
    public GradientResult gradients(NDManager scope, NDArray input, String layer, ScoreFunction score) {
        long start = System.nanoTime();
        GradientResult g = delegate.gradients(scope, input, layer, score);
        waitFor(g.inputGradient() != null ? g.inputGradient() : g.activationGradient());
        gradientNanos += System.nanoTime() - start;
        gradientCalls++;
        return g;
    }

    /** Waits until an asynchronous engine (MXNet) has computed {@code array}, so the pass is counted here. */
    private static void waitFor(NDArray array) {
        if (array instanceof LazyNDArray lazy) {
            lazy.waitToRead();
        }
    }

    @Override
    public NDArray activation(NDManager scope, NDArray input, String layer) {
        return delegate.activation(scope, input, layer);
    }

    @Override
    public Trace trace(NDManager scope, io.github.explain4j.djl.seam.TraceRequest request) {
        long start = System.nanoTime();
        Trace t = delegate.trace(scope, request);
        if (request.needsGradients()) {
            waitFor(request.wantsInputGradient() ? t.inputGradient()
                    : !t.parameterGradients().isEmpty() ? t.parameterGradients().get(0)
                    : t.layerGradient(request.layerGradientNames().iterator().next()));
            gradientNanos += System.nanoTime() - start;
            gradientCalls++;
        }
        return t;
    }

    @Override
    public ModelSeam withOutputLayer(String layer) {
        return delegate.withOutputLayer(layer);
    }

    @Override
    public NDArray forwardEdited(NDManager scope, NDArray input, String layer,
            java.util.function.UnaryOperator<NDArray> edit) {
        return delegate.forwardEdited(scope, input, layer, edit);
    }
}
