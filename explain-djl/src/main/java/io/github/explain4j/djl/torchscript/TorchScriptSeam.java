package io.github.explain4j.djl.torchscript;

import ai.djl.engine.EngineException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import io.github.explain4j.djl.internal.GradientLock;
import io.github.explain4j.djl.internal.ModelGuard;
import java.util.concurrent.locks.ReentrantLock;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValueUtils;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import io.github.explain4j.api.LayerInfo;
import io.github.explain4j.djl.seam.GradientResult;
import io.github.explain4j.djl.seam.ModelSeam;
import io.github.explain4j.djl.seam.ScoreFunction;
import io.github.explain4j.djl.seam.Trace;
import io.github.explain4j.djl.seam.TracePass;
import io.github.explain4j.djl.seam.TraceRequest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;

/**
 * Runs a TorchScript module (a DJL {@code PtSymbolBlock}) for explain4j.
 *
 * <ul>
 *   <li>Forward passes without gradients run under libtorch's inference mode.</li>
 *   <li>Input gradients: the module's {@code forward} runs with autograd on a fresh copy of the input that
 *       requires a gradient.</li>
 *   <li>Layer gradients: a TorchScript module's inner layers cannot be hooked from the JVM, so the one addressable
 *       layer is {@value #FEATURES}, the output of the module's exported {@code forward_features(x)}; the module
 *       must also export {@code forward_head(features)} with {@code forward(x) == forward_head(forward_features(x))}.
 *       {@code forward_features} runs without gradients, its output becomes a fresh leaf, and
 *       {@code forward_head} runs with autograd from there.</li>
 * </ul>
 *
 * <p>The module must be loaded with the option {@code trainParam=true} ({@link TorchScriptModels#load} does it):
 * otherwise libtorch creates its parameters as inference tensors and no gradient can flow through them. Such a
 * module's parameters require gradients; during a gradient pass (under the engine's single gradient collector)
 * that flag is switched off and then restored, so no parameter gradient is computed, accumulated or overwritten.
 * Parameter values and buffers (BatchNorm running statistics) are never written.
 *
 * <p>The module runs in the mode it is in: a loaded module is in eval mode (BatchNorm on running statistics,
 * Dropout off), and this seam never switches it. A module switched to training mode by a training forward
 * ({@code block.forward(..., true, ...)}) would be explained in training mode.
 *
 * <p>Every array a call creates, including those libtorch returns, belongs to the scope of the call.
 */
public final class TorchScriptSeam implements ModelSeam {

    /** The one addressable layer: the output of the exported {@code forward_features(x)}. */
    public static final String FEATURES = "features";

    /** The exported method that maps inputs to features. */
    public static final String FORWARD_FEATURES = "forward_features";

    /** The exported method that maps features to the model's output. */
    public static final String FORWARD_HEAD = "forward_head";

    /**
     * The optional exported method that returns named intermediate tensors: {@code forward_trace(x)} returns a
     * {@code Dict[str, Tensor]} with one entry per addressable layer and the entry {@value #OUTPUT}, equal to
     * {@code forward(x)}. Every entry but {@value #OUTPUT} is an addressable layer for traces (captured in one run
     * of the method, combined in objectives whose gradients reach the input).
     */
    public static final String FORWARD_TRACE = "forward_trace";

    /** The entry of {@code forward_trace}'s dictionary that holds the model's output. */
    public static final String OUTPUT = "output";

    private static final String TRACE_CONVENTION = "export forward_trace(x) -> Dict[str, Tensor] with"
            + " @torch.jit.export, returning the layers to trace by name and '" + OUTPUT + "' = forward(x)";

    /** DJL's convention: an input array with this name prefix selects the module method to run. */
    private static final String METHOD_PREFIX = "module_method:";

    private static final String CONVENTION = "export forward_features(x) and forward_head(features) with"
            + " @torch.jit.export, with forward(x) == forward_head(forward_features(x)); see the README, section"
            + " 'TorchScript models'";

    private final PtSymbolBlock block;
    private final ModelGuard guard;
    private final DataType dataType;
    private final List<String> methods;
    private final boolean hasFeatures;
    private final boolean hasTrace;
    private volatile List<String> traceNames;
    private final List<PtNDArray> parameters;
    private final Map<Shape, List<LayerInfo>> layerCache = new ConcurrentHashMap<>();

    private TorchScriptSeam(PtSymbolBlock block, NDManager manager, BooleanSupplier open) {
        this.block = block;
        // the module holds its own parameters; the guard gives calls a scope the model's close does not reach
        this.guard = new ModelGuard(manager, () -> open.getAsBoolean() && manager.isOpen(), List.of());
        this.methods = List.of(JniUtils.getMethodNames(block));
        this.hasFeatures = methods.contains(FORWARD_FEATURES) && methods.contains(FORWARD_HEAD);
        this.hasTrace = methods.contains(FORWARD_TRACE);
        List<PtNDArray> arrays = new ArrayList<>();
        for (Parameter p : block.getParameters().values()) {
            arrays.add((PtNDArray) p.getArray());
        }
        this.parameters = Collections.unmodifiableList(arrays);
        this.dataType = arrays.isEmpty() ? DataType.FLOAT32 : arrays.get(0).getDataType();
    }

    /**
     * A seam over a TorchScript block.
     *
     * @param block the model's block, a {@code PtSymbolBlock}
     * @param manager the model's manager (a PyTorch manager)
     * @param open tells whether the owning model is still open
     * @return the seam
     * @throws IllegalArgumentException if the block is not a TorchScript module on PyTorch
     */
    public static ModelSeam of(Block block, NDManager manager, BooleanSupplier open) {
        if (!(block instanceof PtSymbolBlock pt)) {
            throw new IllegalArgumentException("block " + (block == null ? "null" : block.getClass().getName())
                    + " is not a TorchScript module (ai.djl.pytorch.engine.PtSymbolBlock)");
        }
        String engine = manager.getEngine().getEngineName();
        if (!"PyTorch".equals(engine)) {
            throw new IllegalArgumentException("a TorchScript module runs on PyTorch, but its manager is on "
                    + engine);
        }
        return new TorchScriptSeam(pt, manager, open);
    }

    /** Whether the module exports both {@code forward_features} and {@code forward_head}. */
    public boolean exportsFeatures() {
        return hasFeatures;
    }

    @Override
    public String engineName() {
        return "PyTorch";
    }

    @Override
    public DataType dataType() {
        return dataType;
    }

    @Override
    public NDManager manager() {
        return guard.manager();
    }

    @Override
    public boolean isOpen() {
        return guard.isOpen();
    }

    @Override
    public <T> T call(java.util.function.Function<NDManager, T> work) {
        return guard.call(work);
    }

    @Override
    public List<LayerInfo> layers(Shape inputShape) {
        if (!hasFeatures && !hasTrace) {
            return List.of();
        }
        return layerCache.computeIfAbsent(inputShape, shape -> guard.call(scope -> {
            List<LayerInfo> all = new ArrayList<>();
            if (hasFeatures) {
                long[] s = run(scope, FORWARD_FEATURES, scope.zeros(shape, dataType), false).head().getShape()
                        .getShape();
                all.add(new LayerInfo(FEATURES, FORWARD_FEATURES, s, 0));
            }
            if (hasTrace) {
                List<String> names = new ArrayList<>();
                for (NDArray a : run(scope, FORWARD_TRACE, scope.zeros(shape, dataType), false)) {
                    names.add(a.getName());
                    if (!OUTPUT.equals(a.getName()) && !(hasFeatures && FEATURES.equals(a.getName()))) {
                        all.add(new LayerInfo(a.getName(), FORWARD_TRACE, a.getShape().getShape(), 0));
                    }
                }
                if (!names.contains(OUTPUT)) {
                    throw new IllegalStateException(FORWARD_TRACE + " returned no '" + OUTPUT + "' entry (it returned "
                            + names + "); " + TRACE_CONVENTION);
                }
                traceNames = List.copyOf(names);
            }
            return Collections.unmodifiableList(all);
        }));
    }

    @Override
    public String resolveLayer(String path) {
        if (path != null && hasTrace && traceNames != null && traceNames.contains(path) && !OUTPUT.equals(path)) {
            return path;
        }
        if (path == null || path.isBlank()) {
            throw new IllegalArgumentException("layer path was " + (path == null ? "null" : "blank")
                    + "; a TorchScript module has one layer, '" + FEATURES + "' (the output of its exported "
                    + FORWARD_FEATURES + ")");
        }
        boolean named = path.equals(FEATURES) || path.equals(FORWARD_FEATURES);
        if (!hasFeatures) {
            List<String> missing = new ArrayList<>();
            for (String m : List.of(FORWARD_FEATURES, FORWARD_HEAD)) {
                if (!methods.contains(m)) {
                    missing.add(m);
                }
            }
            throw new IllegalArgumentException((named ? "layer '" + path + "'" : "unknown layer '" + path + "'")
                    + ": explain4j reaches a layer of a TorchScript module only through its exported methods, and"
                    + " this module does not export " + String.join(" or ", missing) + " (its methods are "
                    + methods + "); to use layer methods such as Grad-CAM, " + CONVENTION);
        }
        if (named) {
            return FEATURES;
        }
        throw new IllegalArgumentException("unknown layer '" + path + "': this TorchScript module can give "
                + (hasTrace && traceNames == null ? "'" + FEATURES + "' and the entries of its " + FORWARD_TRACE
                        + " (list them with model.layers())" : traceable())
                + "; its inner layers are reached only through its exported methods");
    }

    @Override
    public NDArray forward(NDManager scope, NDArray input) {
        return run(scope, null, firstInput(scope, input), false).head();
    }

    @Override
    public NDArray forwardEdited(NDManager scope, NDArray input, String layer,
            java.util.function.UnaryOperator<NDArray> edit) {
        NDArray features = activation(scope, input, layer);
        return run(scope, FORWARD_HEAD, edit.apply(features), false).head();
    }

    @Override
    public NDArray activation(NDManager scope, NDArray input, String layer) {
        requireFeatures(layer);
        return run(scope, FORWARD_FEATURES, firstInput(scope, input), false).head();
    }

    @Override
    public GradientResult gradients(NDManager scope, NDArray input, String layer, ScoreFunction score) {
        TraceRequest request = TraceRequest.of(input).objective(t -> score.scores(t.output()));
        request = layer == null ? request.inputGradient() : request.layerGradients(layer);
        Trace t = trace(scope, request);
        return layer == null
                ? new GradientResult(t.output(), t.objective(), t.inputGradient(), null, null)
                : new GradientResult(t.output(), t.objective(), null, t.activation(layer), t.layerGradient(layer));
    }

    /**
     * {@inheritDoc}
     *
     * <p>What a TorchScript module can give is what it exports: {@value #FEATURES} (through
     * {@code forward_features} / {@code forward_head}; the only layer that can be edited or differentiated at) and
     * the entries of an exported {@code forward_trace(x)} (see {@link #FORWARD_TRACE}), which can be captured and
     * combined in an objective whose gradient flows to the input. A trace that stops after {@value #FEATURES} runs
     * only {@code forward_features}; {@code forward_trace} always runs whole.
     */
    @Override
    public Trace trace(NDManager scope, TraceRequest request) {
        request.checkConsistent();
        if (hasTrace && traceNames == null) {
            // the entries of forward_trace are found by running it once on an input of this shape
            Shape shape;
            if (request.input() != null) {
                shape = request.input().getShape();
            } else {
                try (NDManager probe = scope.newSubManager()) {
                    NDList copies = new NDList();
                    for (NDArray p : request.parameters()) {
                        copies.add(p.duplicate());
                    }
                    copies.attach(probe);
                    shape = request.inputFunction().apply(copies).getShape();
                }
            }
            layers(new Shape(1).addAll(shape.slice(1)));
        }
        Map<String, String> capture = new LinkedHashMap<>();
        boolean traced = false;
        for (String name : request.captured()) {
            String key = traceKey(name);
            traced |= !FEATURES.equals(key) || !hasFeatures;
            if (capture.putIfAbsent(key, name) != null) {
                throw new IllegalArgumentException("layers '" + capture.get(key) + "' and '" + name + "' are the"
                        + " same layer (" + key + "); capture it once");
            }
        }
        for (String name : request.edits().keySet()) {
            if (!hasFeatures || !FEATURES.equals(traceKey(name))) {
                throw new IllegalArgumentException("layer '" + name + "' cannot be edited: a TorchScript module's"
                        + " only editable layer is '" + FEATURES + "' (" + CONVENTION + ")");
            }
        }
        boolean backward = request.needsGradients();
        boolean fromInput = backward && (request.wantsInputGradient() || !request.parameters().isEmpty());
        boolean featuresLeaf = backward && !request.layerGradientNames().isEmpty();
        if (featuresLeaf && (traced || fromInput || request.layerGradientNames().size() > 1)) {
            throw new IllegalArgumentException("gradients at layers " + request.layerGradientNames() + " cannot be"
                    + " given by a TorchScript module" + (traced ? " with the layers of " + FORWARD_TRACE : "")
                    + (fromInput ? " together with the input's gradient" : "") + ": it gives gradients at the"
                    + " input, and at '" + FEATURES + "' alone (what it can give: " + traceable() + ")");
        }
        if (traced && !request.edits().isEmpty()) {
            throw new IllegalArgumentException("an edit of '" + FEATURES + "' cannot be combined with the layers of "
                    + FORWARD_TRACE + " " + capture.values() + "; trace them separately");
        }
        ReentrantLock lock = backward ? GradientLock.of(engineName()) : null;
        if (lock != null) {
            lock.lock();
        }
        try (NDManager pass = scope.newSubManager()) {
            GradientCollector collector = null;
            boolean[] flags = null;
            try {
                TracePass copies = TracePass.copy(pass, request);
                if (backward) {
                    collector = guard.manager().getEngine().newGradientCollector();
                    flags = freezeParameters();
                }
                if (fromInput) {
                    copies.markForGradients();
                }
                NDArray input = copies.buildInput(fromInput);
                if (input.getName() != null && !input.getName().isEmpty()) {
                    // DJL reads array names as method selectors: run on an unnamed (differentiable) copy
                    input = request.input() != null ? input : input.duplicate();
                    input.setName(null);
                }
                NDArray runInput = input;
                Map<String, NDArray> found = new LinkedHashMap<>();
                NDArray output = null;
                NDArray leaf = null;
                if (traced) {
                    for (NDArray a : run(pass, FORWARD_TRACE, runInput, fromInput)) {
                        found.put(a.getName(), a);
                    }
                    for (String key : capture.keySet()) {
                        if (!found.containsKey(key)) {
                            throw new IllegalStateException(FORWARD_TRACE + " returned no '" + key + "' this time"
                                    + " (it returned " + found.keySet() + ")");
                        }
                    }
                    output = request.needsOutput() ? found.get(OUTPUT) : null;
                    if (request.needsOutput() && output == null) {
                        throw new IllegalStateException(FORWARD_TRACE + " returned no '" + OUTPUT + "' entry (it"
                                + " returned " + found.keySet() + "); " + TRACE_CONVENTION);
                    }
                } else if (capture.isEmpty()) {
                    output = run(pass, null, runInput, fromInput).head();
                } else {
                    NDArray features = run(pass, FORWARD_FEATURES, runInput, fromInput).head();
                    UnaryOperator<NDArray> edit = request.edits().isEmpty() ? null
                            : request.edits().values().iterator().next();
                    if (edit != null) {
                        features = edit.apply(features);
                    }
                    if (featuresLeaf) {
                        // inference-mode features; a copy made outside inference mode is an ordinary tensor
                        leaf = features.duplicate();
                        leaf.attach(pass);
                        leaf.setRequiresGradient(true);
                        features = leaf;
                    }
                    found.put(FEATURES, features);
                    if (request.needsOutput()) {
                        output = run(pass, FORWARD_HEAD, features, backward).head();
                    }
                }
                Map<String, NDArray> activations = new LinkedHashMap<>();
                capture.forEach((key, name) -> activations.put(name, found.get(key)));
                NDArray featuresGradientLeaf = leaf;
                return copies.finish(scope, output, activations, collector, name -> featuresGradientLeaf);
            } catch (EngineException e) {
                throw explain(e);
            } finally {
                if (flags != null) {
                    restoreParameters(flags);
                }
                if (collector != null) {
                    collector.close();
                }
            }
        } finally {
            if (lock != null) {
                lock.unlock();
            }
        }
    }

    /** The key under which a named layer is produced: {@value #FEATURES} or an entry of forward_trace. */
    private String traceKey(String name) {
        if (name.equals(FEATURES) || name.equals(FORWARD_FEATURES)) {
            if (hasFeatures || traceNames().contains(FEATURES)) {
                return FEATURES;
            }
        } else if (traceNames().contains(name) && !OUTPUT.equals(name)) {
            return name;
        }
        throw new IllegalArgumentException("unknown layer '" + name + "': this TorchScript module can give "
                + traceable() + "; its inner layers are reached only through its exported methods ("
                + CONVENTION + "; or " + TRACE_CONVENTION + ")");
    }

    /** What this module can give, for messages. */
    private String traceable() {
        List<String> all = new ArrayList<>();
        if (hasFeatures) {
            all.add(FEATURES);
        }
        for (String n : traceNames()) {
            if (!OUTPUT.equals(n) && !all.contains(n)) {
                all.add(n);
            }
        }
        return all.isEmpty() ? "no layer (it exports neither " + FORWARD_FEATURES + " nor " + FORWARD_TRACE + ")"
                : "'" + String.join("', '", all) + "'";
    }

    /** The entries of forward_trace, found once by running it on a small input; empty when not exported. */
    private List<String> traceNames() {
        if (!hasTrace) {
            return List.of();
        }
        List<String> names = traceNames;
        if (names == null) {
            throw new IllegalStateException("the entries of " + FORWARD_TRACE + " are not known yet: list the"
                    + " layers once with model.layers() (they are found on the model's input shape)");
        }
        return names;
    }

    @Override
    public ModelSeam withOutputLayer(String layer) {
        throw new IllegalArgumentException("a TorchScript module cannot be explained at an intermediate output ('"
                + layer + "'): explain4j runs it only through its exported methods; script a module whose forward"
                + " returns the output to explain (e.g. the logits before a softmax)");
    }

    private void requireFeatures(String layer) {
        if (!FEATURES.equals(layer)) {
            resolveLayer(layer); // throws with the reason
        }
        if (!hasFeatures) {
            resolveLayer(FEATURES);
        }
    }

    /** An input array that libtorch may read as a plain tensor: DJL interprets array names, so drop them. */
    private static NDArray firstInput(NDManager scope, NDArray input) {
        if (input.getName() == null || input.getName().isEmpty()) {
            return input;
        }
        NDArray copy = input.duplicate();
        copy.attach(scope);
        copy.setName(null);
        return copy;
    }

    /**
     * Runs {@code method} (the module's forward when {@code null}) on one input; {@code autograd} lifts libtorch's
     * inference mode. The outputs are moved into {@code scope}.
     */
    private NDList run(NDManager scope, String method, NDArray input, boolean autograd) {
        NDList in = new NDList(input);
        if (method != null) {
            NDArray selector = scope.zeros(new Shape(1), dataType);
            selector.setName(METHOD_PREFIX + method);
            in.add(selector);
        }
        NDList out;
        try {
            out = IValueUtils.forward(block, in, autograd);
        } catch (EngineException e) {
            throw explain(e);
        }
        out.attach(scope);
        if (out.isEmpty()) {
            throw new IllegalStateException("TorchScript " + (method == null ? "forward" : method)
                    + " returned no tensor");
        }
        return out;
    }

    /** Switches off the parameters' gradient flags for one pass; returns the flags to restore. */
    private boolean[] freezeParameters() {
        boolean[] flags = new boolean[parameters.size()];
        for (int i = 0; i < flags.length; i++) {
            flags[i] = JniUtils.requiresGrad(parameters.get(i));
            if (flags[i]) {
                JniUtils.attachGradient(parameters.get(i), false);
            }
        }
        return flags;
    }

    private void restoreParameters(boolean[] flags) {
        for (int i = 0; i < flags.length; i++) {
            if (flags[i]) {
                JniUtils.attachGradient(parameters.get(i), true);
            }
        }
    }

    private static RuntimeException explain(EngineException e) {
        String message = String.valueOf(e.getMessage());
        if (message.contains("Inference tensors cannot be saved for backward")) {
            return new IllegalStateException("no gradient flows through this TorchScript module: load it with the"
                    + " option trainParam=true (TorchScriptModels.load(path), or model.load(path, name,"
                    + " Map.of(\"trainParam\", \"true\"))), otherwise libtorch creates its parameters as"
                    + " inference tensors", e);
        }
        return e;
    }

    @Override
    public String toString() {
        return "TorchScriptSeam" + Arrays.toString(methods.toArray());
    }
}
