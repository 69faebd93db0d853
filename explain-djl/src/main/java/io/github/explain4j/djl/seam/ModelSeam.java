package io.github.explain4j.djl.seam;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.github.explain4j.api.LayerInfo;
import java.util.List;

/**
 * How explain4j runs one kind of model: forward passes, gradients w.r.t. the input or any addressable layer, and
 * the list of layers. Implementations evaluate the model in inference mode (BatchNorm on running statistics,
 * Dropout off), leave the model exactly as they found it, and put every array they create in the scope they are
 * given.
 *
 * <p>Run every piece of work through {@link #call}: it opens the scope, refuses a closed model, and takes the
 * engine's lock where the engine needs it. {@link #gradients} holds the engine's gradient lock itself (DJL allows
 * one gradient collector at a time) and keeps the pass's operands alive until its backward pass is done.
 */
public interface ModelSeam {

    /** The DJL engine name, e.g. {@code "PyTorch"}. */
    String engineName();

    /** The data type of the model's parameters (and so of its inputs). */
    DataType dataType();

    /**
     * The manager under which call scopes are opened. It is the seam's own, not the model's: closing the model
     * does not close the arrays of a running explanation.
     */
    NDManager manager();

    /** Whether the model can still be used. */
    boolean isOpen();

    /**
     * Runs {@code work} in a fresh scope under {@link #manager()} and closes the scope afterwards. On engines that
     * cannot run two pieces of work at once (every engine but PyTorch) the call holds the engine's lock
     * throughout; calls may nest.
     *
     * @throws ModelClosedException when the model was closed before the call started
     */
    <T> T call(java.util.function.Function<NDManager, T> work);

    /** The addressable layers, in execution order, with output shapes for one input of {@code inputShape}. */
    List<LayerInfo> layers(Shape inputShape);

    /**
     * The canonical path of a layer named by a user (full path, indices, or names without DJL's two-digit
     * prefix), or an exception naming what exists.
     */
    String resolveLayer(String path);

    /** The model's output {@code (N, K)} for a batch, without gradient history. */
    NDArray forward(NDManager scope, NDArray input);

    /**
     * One forward and backward pass of {@code score}: the gradient w.r.t. the input when {@code layer} is
     * {@code null}, otherwise the activation of {@code layer} (a canonical path) and the gradient w.r.t. it.
     */
    GradientResult gradients(NDManager scope, NDArray input, String layer, ScoreFunction score);

    /**
     * This model seen up to {@code layer}: that layer's output becomes the output that targets score — e.g. the
     * logits before a final softmax, since explaining a saturated probability gives vanishing gradients.
     *
     * @throws IllegalArgumentException if the layer is unknown or this kind of model cannot stop at a layer
     */
    ModelSeam withOutputLayer(String layer);

    /**
     * The model's output {@code (N, K)} when {@code layer}'s output is replaced by {@code edit} of it — e.g. with
     * channels zeroed, as Ablation-CAM does. Without gradient history.
     */
    NDArray forwardEdited(NDManager scope, NDArray input, String layer, java.util.function.UnaryOperator<NDArray> edit);

    /** The output of {@code layer} (a canonical path) for a batch, without gradient history. */
    NDArray activation(NDManager scope, NDArray input, String layer);

    /**
     * The general pass: runs the model on the request's input (an array, or a differentiable function of
     * parameters), captures any number of layers' activations, applies edits to layers' outputs, and returns the
     * gradients of the request's objective — which may combine the output and any captured activation — with
     * respect to the input, the layers asked for, and the input's parameters. A request that stops after its
     * captured layers does not run the layers after the last of them.
     *
     * <p>The seam takes the engine's gradient lock and opens the one gradient collector itself; every array the
     * pass creates (including the objective's and the input function's) is released when it returns, except the
     * results, which belong to {@code scope}. The model is left untouched.
     *
     * @throws IllegalArgumentException for a layer this model cannot give (the message lists what it can give) or
     *     an inconsistent request
     */
    Trace trace(NDManager scope, TraceRequest request);
}
