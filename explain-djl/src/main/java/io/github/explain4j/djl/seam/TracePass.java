package io.github.explain4j.djl.seam;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The parts of a {@link ModelSeam#trace trace} that do not depend on how a model is run, for seam implementations:
 * the input (or its parameters) copied into the pass's scope and marked for gradients, the input built from the
 * parameters, and, once the model has run, the objective evaluated, differentiated and the {@link Trace}
 * assembled in the caller's scope.
 *
 * <pre>{@code
 * TracePass pass = TracePass.copy(passScope, request);
 * // open the gradient collector when recording from the input, then
 * pass.markForGradients();
 * NDArray x = pass.buildInput(marked);
 * ... run the model: output, captured activations (by requested name), layer leaves ...
 * return pass.finish(scope, output, activations, collector, leafOfLayer);
 * }</pre>
 */
public final class TracePass {

    private final TraceRequest request;
    private final NDManager scope;
    private final NDList parameters = new NDList();
    private NDArray input;
    private NDArray zero;

    private TracePass(TraceRequest request, NDManager scope) {
        this.request = request;
        this.scope = scope;
    }

    /**
     * Fresh copies of the request's input or parameters in {@code passScope}: every array the pass computes lands
     * there, and PyTorch would accumulate gradients on a reused leaf.
     */
    public static TracePass copy(NDManager passScope, TraceRequest request) {
        TracePass pass = new TracePass(request, passScope);
        if (request.input() != null) {
            pass.input = request.input().duplicate();
            pass.input.attach(passScope);
        }
        for (NDArray p : request.parameters()) {
            pass.parameters.add(p.duplicate());
        }
        pass.parameters.attach(passScope);
        return pass;
    }

    /** Marks the copies (the input, or the parameters) for gradients; call with the gradient collector open. */
    public void markForGradients() {
        for (NDArray leaf : input != null ? new NDList(input) : parameters) {
            leaf.setRequiresGradient(true);
        }
    }

    /**
     * The model's input: the copy, or the input function of the parameters; when the input's gradient is asked for
     * and the copies are {@code marked}, a zero array marked for gradients is added to a built input, so that its
     * gradient is the input's.
     */
    public NDArray buildInput(boolean marked) {
        if (input == null) {
            input = request.inputFunction().apply(parameters);
            if (input == null) {
                throw new IllegalArgumentException("the input function returned null; return the model's input built"
                        + " from the parameters");
            }
            if (marked && request.wantsInputGradient()) {
                zero = scope.zeros(input.getShape(), input.getDataType());
                zero.setRequiresGradient(true);
                input = input.add(zero);
            }
        }
        return input;
    }

    /** The parameters' copies, in order. */
    public NDList parameters() {
        return parameters;
    }

    /**
     * Evaluates the request's objective on what the model gave, runs the backward pass when gradients were asked
     * for, and returns the trace with every array in {@code resultScope}, without gradient history.
     *
     * @param resultScope the caller's scope
     * @param output the model's output, or {@code null} when the request stopped after its captured layers
     * @param activations the captured activations by the names the request used
     * @param collector the open gradient collector, or {@code null} when nothing was recorded
     * @param layerLeaf the array marked for gradients at a layer, by the name the request used
     */
    public Trace finish(NDManager resultScope, NDArray output, Map<String, NDArray> activations,
            GradientCollector collector, Function<String, NDArray> layerLeaf) {
        Map<String, NDArray> captured = new LinkedHashMap<>(activations);
        captured.replaceAll((name, a) -> plainLayout(a));
        NDArray objective = null;
        NDArray inputGradient = null;
        Map<String, NDArray> layerGradients = new LinkedHashMap<>();
        List<NDArray> parameterGradients = new ArrayList<>();
        if (request.objective() != null) {
            objective = request.objective().value(new Values(output, captured, input, parameters,
                    request.needsOutput()));
            if (objective == null) {
                throw new IllegalArgumentException("the objective returned null; return the array whose sum is to be"
                        + " differentiated");
            }
            if (request.needsGradients()) {
                if (collector == null) {
                    throw new IllegalStateException("no layer whose gradient was asked for ("
                            + request.layerGradientNames() + ") was reached by the forward pass");
                }
                collector.backward(objective.sum());
                for (String name : request.layerGradientNames()) {
                    layerGradients.put(name, layerLeaf.apply(name).getGradient());
                }
                if (request.wantsInputGradient()) {
                    inputGradient = (zero != null ? zero : input).getGradient();
                }
                for (NDArray p : parameters) {
                    parameterGradients.add(p.getGradient());
                }
            }
            objective = objective.stopGradient();
        }
        captured.replaceAll((name, a) -> a.stopGradient());
        return new Trace(input.stopGradient(), output == null ? null : output.stopGradient(), captured, objective,
                inputGradient, layerGradients, parameterGradients).attachTo(resultScope);
    }

    /**
     * {@code a} in the engine's plain row-major layout. MXNet keeps convolution outputs in its CPU library's blocked
     * layout, whose channel slices it cannot take ("could not construct a sub-memory" for {@code a.get(":, 5")});
     * a reshape converts the array (differentiably), so objectives and callers may index captured layers freely.
     */
    private static NDArray plainLayout(NDArray a) {
        Shape shape = a.getShape();
        if (shape.dimension() < 3 || !"MXNet".equals(a.getManager().getEngine().getEngineName())) {
            return a;
        }
        return a.reshape(shape.get(0), shape.get(1), -1).reshape(shape);
    }

    /** The values an objective sees. */
    private record Values(NDArray output, Map<String, NDArray> activations, NDArray input, NDList parameters,
            boolean ranToOutput) implements TraceRequest.Traced {

        @Override
        public NDArray output() {
            if (!ranToOutput) {
                throw new IllegalStateException("the trace stopped after its captured layers, so the objective"
                        + " cannot use the model's output; drop stopAfterCaptures() from the request");
            }
            return output;
        }

        @Override
        public NDArray activation(String layer) {
            NDArray a = activations.get(layer);
            if (a == null) {
                throw new IllegalArgumentException("the objective asked for layer '" + layer + "', which the"
                        + " request did not capture (it captured " + activations.keySet() + "); add .capture(\""
                        + layer + "\")");
            }
            return a;
        }
    }
}
