package io.github.explain4j.djl.seam;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * What one {@link ModelSeam#trace trace} through a model should do: the input (an array, or a differentiable
 * function of parameters), the layers whose activations to capture, the layers whose outputs to edit, the scalar
 * objective to differentiate and where its gradients are wanted.
 *
 * <p>An immutable value: every wither returns a new request. Layers are named as {@code model.layers()} lists them
 * (any form {@link ModelSeam#resolveLayer} accepts); a trace's results are looked up by the same names.
 *
 * <pre>{@code
 * TraceRequest r = TraceRequest.of(x)
 *         .capture("stage2", "stage3")
 *         .objective(t -> t.activation("stage3").square().mean().sub(t.output().get(":, 3").sum()))
 *         .inputGradient()
 *         .layerGradients("stage2");
 * }</pre>
 *
 * <p>This is the seam's general call (compare Captum's {@code compute_layer_gradients_and_eval} and Lucent's
 * {@code hook_model}); explain4j's attribution methods, feature visualisation and inversion all go through it.
 */
public final class TraceRequest {

    /** The objective of a trace: a function of the traced values whose sum is differentiated. */
    @FunctionalInterface
    public interface Objective {
        /**
         * The objective's value. Arrays computed here land in the trace's pass scope; the sum of the returned
         * array is the scalar whose gradients the trace returns (return per-input values to see them per input).
         */
        NDArray value(Traced traced);
    }

    /** The values an objective may combine. */
    public interface Traced {
        /**
         * The model's output (or the output layer's, see {@link ModelSeam#withOutputLayer}).
         *
         * @throws IllegalStateException when the request stopped after its last captured layer
         */
        NDArray output();

        /**
         * A captured activation, by the name the request captured it under.
         *
         * @throws IllegalArgumentException when the layer was not captured
         */
        NDArray activation(String layer);

        /** The input the model was run on (built from the parameters when the request has them). */
        NDArray input();

        /** The parameters the input was built from, in order (empty for a fixed input). */
        NDList parameters();
    }

    private final NDArray input;
    private final List<NDArray> parameters;
    private final Function<NDList, NDArray> inputFunction;
    private final List<String> capture;
    private final Map<String, UnaryOperator<NDArray>> edits;
    private final Objective objective;
    private final boolean inputGradient;
    private final Set<String> layerGradients;
    private final boolean needsOutput;

    private TraceRequest(NDArray input, List<NDArray> parameters, Function<NDList, NDArray> inputFunction,
            List<String> capture, Map<String, UnaryOperator<NDArray>> edits, Objective objective,
            boolean inputGradient, Set<String> layerGradients, boolean needsOutput) {
        this.input = input;
        this.parameters = parameters;
        this.inputFunction = inputFunction;
        this.capture = capture;
        this.edits = edits;
        this.objective = objective;
        this.inputGradient = inputGradient;
        this.layerGradients = layerGradients;
        this.needsOutput = needsOutput;
    }

    /** A trace of the model on {@code input} (a batch {@code (N, C, H, W)}, or what the model takes). */
    public static TraceRequest of(NDArray input) {
        if (input == null) {
            throw new IllegalArgumentException("input was null; pass the batch to trace, e.g. an (N, C, H, W)"
                    + " array");
        }
        return new TraceRequest(input, List.of(), null, List.of(), Map.of(), null, false, Set.of(), true);
    }

    /**
     * A trace whose input is a differentiable function of {@code parameters} — e.g. an image made from Fourier
     * coefficients, or a randomly transformed one. The seam copies the parameters into the pass, marks the copies
     * for gradients, and calls {@code inputFunction} on them while it records; the trace returns the gradient of
     * the objective with respect to each parameter.
     *
     * @param parameters the parameters (left unchanged: the function sees copies)
     * @param inputFunction builds the model's input from the copies, in the order given; every array it
     *     creates lands in the pass's scope
     */
    public static TraceRequest fromParameters(List<NDArray> parameters, Function<NDList, NDArray> inputFunction) {
        if (parameters == null || parameters.isEmpty()) {
            throw new IllegalArgumentException("parameters were " + (parameters == null ? "null" : "empty")
                    + "; give at least one array to build the input from, or use TraceRequest.of(input)");
        }
        for (int i = 0; i < parameters.size(); i++) {
            if (parameters.get(i) == null) {
                throw new IllegalArgumentException("parameter " + i + " was null");
            }
        }
        Objects.requireNonNull(inputFunction, "inputFunction");
        return new TraceRequest(null, List.copyOf(parameters), inputFunction, List.of(), Map.of(), null, false,
                Set.of(), true);
    }

    /** Also captures these layers' activations (duplicates are captured once). */
    public TraceRequest capture(String... layers) {
        List<String> all = new ArrayList<>(capture);
        for (String layer : layers) {
            requireName(layer);
            if (!all.contains(layer)) {
                all.add(layer);
            }
        }
        return new TraceRequest(input, parameters, inputFunction, List.copyOf(all), edits, objective, inputGradient,
                layerGradients, needsOutput);
    }

    /**
     * Replaces {@code layer}'s output by {@code edit} of it (e.g. channels zeroed, as Ablation-CAM does). A
     * captured edited layer is captured after the edit: the activation and its gradient are those the rest of the
     * network sees.
     */
    public TraceRequest edit(String layer, UnaryOperator<NDArray> edit) {
        requireName(layer);
        Objects.requireNonNull(edit, "edit");
        Map<String, UnaryOperator<NDArray>> all = new LinkedHashMap<>(edits);
        if (all.put(layer, edit) != null) {
            throw new IllegalArgumentException("layer '" + layer + "' already has an edit; compose the two edits"
                    + " into one");
        }
        return new TraceRequest(input, parameters, inputFunction, capture, Collections.unmodifiableMap(all),
                objective, inputGradient, layerGradients, needsOutput);
    }

    /** The scalar to differentiate (the sum of what the objective returns). */
    public TraceRequest objective(Objective objective) {
        Objects.requireNonNull(objective, "objective");
        return new TraceRequest(input, parameters, inputFunction, capture, edits, objective, inputGradient,
                layerGradients, needsOutput);
    }

    /** Also returns the objective's gradient with respect to the input. */
    public TraceRequest inputGradient() {
        return new TraceRequest(input, parameters, inputFunction, capture, edits, objective, true, layerGradients,
                needsOutput);
    }

    /** Also returns the objective's gradient with respect to these layers' outputs (which are captured too). */
    public TraceRequest layerGradients(String... layers) {
        Set<String> all = new LinkedHashSet<>(layerGradients);
        for (String layer : layers) {
            requireName(layer);
            all.add(layer);
        }
        return new TraceRequest(input, parameters, inputFunction, capture, edits, objective, inputGradient,
                Collections.unmodifiableSet(all), needsOutput).capture(layers);
    }

    /**
     * Stops the model after the last captured layer: the layers after it do not run, and the trace has no
     * output. For objectives over inner layers only (DeepDream, a channel's activation, a style loss).
     */
    public TraceRequest stopAfterCaptures() {
        return new TraceRequest(input, parameters, inputFunction, capture, edits, objective, inputGradient,
                layerGradients, false);
    }

    private static void requireName(String layer) {
        if (layer == null || layer.isBlank()) {
            throw new IllegalArgumentException("layer name was " + (layer == null ? "null" : "blank")
                    + "; name a layer as model.layers() lists it");
        }
    }

    /** The fixed input, or {@code null} when the input is built from parameters. */
    public NDArray input() {
        return input;
    }

    /** The parameters the input is built from (empty for a fixed input). */
    public List<NDArray> parameters() {
        return parameters;
    }

    /** The function that builds the input from the parameters, or {@code null}. */
    public Function<NDList, NDArray> inputFunction() {
        return inputFunction;
    }

    /** The layers to capture, as named, in the order asked. */
    public List<String> captured() {
        return capture;
    }

    /** The edits, by layer as named. */
    public Map<String, UnaryOperator<NDArray>> edits() {
        return edits;
    }

    /** The objective, or {@code null} for a trace without gradients. */
    public Objective objective() {
        return objective;
    }

    /** Whether the input's gradient is wanted. */
    public boolean wantsInputGradient() {
        return inputGradient;
    }

    /** The layers whose gradients are wanted, as named. */
    public Set<String> layerGradientNames() {
        return layerGradients;
    }

    /** Whether the model runs to its output (false after {@link #stopAfterCaptures()}). */
    public boolean needsOutput() {
        return needsOutput;
    }

    /** Whether the trace runs a backward pass: an objective and at least one gradient asked for. */
    public boolean needsGradients() {
        return objective != null && (inputGradient || !layerGradients.isEmpty() || !parameters.isEmpty());
    }

    /**
     * Checks that what was asked for is consistent (gradients need an objective; stopping early needs a captured
     * layer). Seams call it before running.
     *
     * @throws IllegalArgumentException naming what is missing
     */
    public void checkConsistent() {
        if (objective == null && (inputGradient || !layerGradients.isEmpty())) {
            throw new IllegalArgumentException("gradients were asked for (" + (inputGradient ? "input" : "")
                    + (inputGradient && !layerGradients.isEmpty() ? ", " : "")
                    + (layerGradients.isEmpty() ? "" : "layers " + layerGradients) + ") but no objective was"
                    + " given; add .objective(t -> ...) naming the scalar to differentiate");
        }
        if (!needsOutput && capture.isEmpty()) {
            throw new IllegalArgumentException("stopAfterCaptures() with no captured layer would run nothing;"
                    + " capture a layer with .capture(name), or let the model run to its output");
        }
    }
}
