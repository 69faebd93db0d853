package io.github.explain4j.djl.seam;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * What one {@link ModelSeam#trace trace} gives. Every array belongs to the scope the trace was given and carries
 * no gradient history. Layers are looked up by the names the request used.
 */
public final class Trace {

    private final NDArray input;
    private final NDArray output;
    private final Map<String, NDArray> activations;
    private final NDArray objective;
    private final NDArray inputGradient;
    private final Map<String, NDArray> layerGradients;
    private final List<NDArray> parameterGradients;

    /**
     * A trace's results (seams build it).
     *
     * @param input the input the model ran on
     * @param output the model's output, or {@code null} when the trace stopped after its captured layers
     * @param activations captured activations by requested name
     * @param objective what the objective returned, or {@code null} without an objective
     * @param inputGradient the objective's gradient w.r.t. the input, or {@code null} when not asked for
     * @param layerGradients gradients w.r.t. layers by requested name
     * @param parameterGradients gradients w.r.t. the input's parameters, in order (empty for a fixed input)
     */
    public Trace(NDArray input, NDArray output, Map<String, NDArray> activations, NDArray objective,
            NDArray inputGradient, Map<String, NDArray> layerGradients, List<NDArray> parameterGradients) {
        this.input = input;
        this.output = output;
        this.activations = Collections.unmodifiableMap(activations);
        this.objective = objective;
        this.inputGradient = inputGradient;
        this.layerGradients = Collections.unmodifiableMap(layerGradients);
        this.parameterGradients = List.copyOf(parameterGradients);
    }

    /** The input the model ran on (for a parameterised request, the input built from the parameters). */
    public NDArray input() {
        return input;
    }

    /**
     * The model's output.
     *
     * @throws IllegalStateException when the request stopped after its captured layers
     */
    public NDArray output() {
        if (output == null) {
            throw new IllegalStateException("this trace stopped after its captured layers and has no output; drop"
                    + " stopAfterCaptures() from the request to run the model to its output");
        }
        return output;
    }

    /** Whether the model ran to its output. */
    public boolean hasOutput() {
        return output != null;
    }

    /** A captured activation, by the name the request used. */
    public NDArray activation(String layer) {
        return lookup(activations, layer, "captured", "capture");
    }

    /** The captured activations by requested name, in the order captured. */
    public Map<String, NDArray> activations() {
        return activations;
    }

    /**
     * What the objective returned (its sum was differentiated).
     *
     * @throws IllegalStateException when the request had no objective
     */
    public NDArray objective() {
        if (objective == null) {
            throw new IllegalStateException("this trace had no objective; add .objective(t -> ...) to the request");
        }
        return objective;
    }

    /** The objective's value, the sum of {@link #objective()}, as a double. */
    public double objectiveValue() {
        return objective().sum().toType(ai.djl.ndarray.types.DataType.FLOAT64, false).getDouble();
    }

    /**
     * The objective's gradient with respect to the input.
     *
     * @throws IllegalStateException when the request did not ask for it
     */
    public NDArray inputGradient() {
        if (inputGradient == null) {
            throw new IllegalStateException("the input gradient was not asked for; add .inputGradient() to the"
                    + " request");
        }
        return inputGradient;
    }

    /** The objective's gradient with respect to a layer's output, by the name the request used. */
    public NDArray layerGradient(String layer) {
        return lookup(layerGradients, layer, "asked for a gradient at", "layerGradients");
    }

    /** The objective's gradients with respect to the parameters the input was built from, in order. */
    public List<NDArray> parameterGradients() {
        return parameterGradients;
    }

    /** Moves every array of this trace into {@code scope} and returns it. */
    public Trace attachTo(NDManager scope) {
        NDList all = new NDList();
        for (NDArray a : new NDArray[] {input, output, objective, inputGradient}) {
            if (a != null) {
                all.add(a);
            }
        }
        all.addAll(activations.values());
        all.addAll(layerGradients.values());
        all.addAll(parameterGradients);
        all.attach(scope);
        return this;
    }

    private static NDArray lookup(Map<String, NDArray> map, String layer, String what, String wither) {
        NDArray a = map.get(layer);
        if (a == null) {
            throw new IllegalArgumentException("layer '" + layer + "' was not " + what + " in this trace (it has "
                    + map.keySet() + "); add ." + wither + "(\"" + layer + "\") to the request");
        }
        return a;
    }
}
