package io.github.explain4j.djl.seam;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.ParallelBlock;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.norm.Dropout;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import io.github.explain4j.api.LayerInfo;
import io.github.explain4j.djl.internal.DetachedParameterStore;
import io.github.explain4j.djl.internal.GradientLock;
import io.github.explain4j.djl.internal.ModelGuard;
import io.github.explain4j.djl.internal.OperandPins;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiFunction;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * Runs a DJL {@link Block} tree by walking it: {@link SequentialBlock}s and {@link ParallelBlock}s (and their
 * subclasses) are descended into, so every block inside them is an addressable layer; any other block is run as
 * a leaf with its own {@code forward}. Every gradient pass is a {@link #trace}.
 *
 * <p>Walking the tree rather than calling the root's {@code forward} is what makes the gradients right on both
 * engines and leaves the model untouched:
 * <ul>
 *   <li>{@link BatchNorm} is evaluated as the map of its running statistics,
 *       {@code y = x·γ/√(var+ε) + (β − mean·γ/√(var+ε))}, and {@link Dropout} as the identity. MXNet refuses an
 *       inference-mode BatchNorm inside a gradient collector, and its inference-mode autograd gives wrong
 *       gradients through BatchNorm and max-pooling; so on MXNet the map runs as a 1×1 convolution with one group
 *       per channel (MXNet's own batch norm with {@code use_global_stats} has wrong gradients on some layers), on
 *       PyTorch as its inference batch norm, and on other engines as the affine map.</li>
 *   <li>Blocks see their parameters through a {@link DetachedParameterStore}: no gradient of a parameter is
 *       computed, accumulated or overwritten, and no flag changes.</li>
 *   <li>For a layer's gradient, the part of the network before the layer runs without recording; recording
 *       starts at the layer's output, so the cost is one forward pass plus the backward pass of the tail.</li>
 * </ul>
 *
 * <p>A leaf that hides a BatchNorm or Dropout inside its own {@code forward} cannot be evaluated this way on
 * MXNet; the engine's error is reported with the leaf's path.
 */
public final class BlockTreeSeam implements ModelSeam {

    private static final Field PARALLEL_JOIN = field(ParallelBlock.class, "function");
    private static final Field BN_AXIS = field(BatchNorm.class, "axis");
    private static final Field BN_EPSILON = field(BatchNorm.class, "epsilon");

    private enum Kind { SEQUENTIAL, PARALLEL, BATCH_NORM, DROPOUT, LEAF }

    private static final class Node {
        final String path;
        final String name;
        final Block block;
        final Kind kind;
        final int depth;
        final List<Node> children = new ArrayList<>();

        Node(String path, String name, Block block, int depth) {
            this.path = path;
            this.name = name;
            this.block = block;
            this.depth = depth;
            this.kind = block instanceof SequentialBlock ? Kind.SEQUENTIAL
                    : block instanceof ParallelBlock ? Kind.PARALLEL
                    : block instanceof BatchNorm ? Kind.BATCH_NORM
                    : block instanceof Dropout ? Kind.DROPOUT
                    : Kind.LEAF;
        }
    }

    private final ModelGuard guard;
    private final String engineName;
    private final DataType dataType;
    private final Node root;
    private final Map<String, Node> byPath = new LinkedHashMap<>();
    private final Map<Shape, List<LayerInfo>> layerCache = new ConcurrentHashMap<>();
    private final String outputPath;

    /**
     * A seam over an initialised block.
     *
     * @param block the model's block, initialised
     * @param manager the manager that holds the block's parameters (its engine is the engine used)
     * @param open tells whether the owning model is still open
     */
    public BlockTreeSeam(Block block, NDManager manager, BooleanSupplier open) {
        this(block, initialised(block, manager, open), null);
    }

    private static ModelGuard initialised(Block block, NDManager manager, BooleanSupplier open) {
        if (!block.isInitialized()) {
            throw new IllegalArgumentException("block " + block.getClass().getSimpleName()
                    + " is not initialised; call block.initialize(manager, dataType, inputShape) or load its"
                    + " parameters before explaining it");
        }
        return new ModelGuard(manager, () -> open.getAsBoolean() && manager.isOpen(),
                block.getParameters().values());
    }

    private BlockTreeSeam(Block block, ModelGuard guard, String outputLayer) {
        this.guard = guard;
        this.engineName = guard.manager().getEngine().getEngineName();
        List<Parameter> parameters = block.getParameters().values();
        this.dataType = parameters.isEmpty() ? DataType.FLOAT32 : guard.view(parameters.get(0)).getDataType();
        this.root = new Node("", "", block, -1);
        index(root);
        this.outputPath = outputLayer == null ? null : resolveLayer(outputLayer);
    }

    @Override
    public ModelSeam withOutputLayer(String layer) {
        return new BlockTreeSeam(root.block, guard, layer);
    }

    private void index(Node node) {
        if (node.kind != Kind.SEQUENTIAL && node.kind != Kind.PARALLEL) {
            return;
        }
        for (Pair<String, Block> child : node.block.getChildren()) {
            String path = node.path.isEmpty() ? child.getKey() : node.path + "/" + child.getKey();
            Node c = new Node(path, child.getKey(), child.getValue(), node.depth + 1);
            node.children.add(c);
            byPath.put(path, c);
            index(c);
        }
    }

    /** The model's block, the root of the walked tree (for {@link LayerwiseBackward}). */
    Block rootBlock() {
        return root.block;
    }

    /** The canonical path of the output layer, or {@code null} for the root's output. */
    String outputPath() {
        return outputPath;
    }

    @Override
    public String engineName() {
        return engineName;
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
    public <T> T call(Function<NDManager, T> work) {
        return guard.call(work);
    }

    /** The parameter store of a pass in {@code scope}: views of this seam's own views of the parameters. */
    DetachedParameterStore store(NDManager scope) {
        return new DetachedParameterStore(scope, guard::view);
    }

    /** A store like {@link #store} whose blocks see {@code transform(parameter, view)}. */
    DetachedParameterStore transformedStore(NDManager scope, BiFunction<Parameter, NDArray, NDArray> transform) {
        return DetachedParameterStore.transformed(scope, guard::view, transform);
    }

    @Override
    public List<LayerInfo> layers(Shape inputShape) {
        List<LayerInfo> known = layerCache.get(inputShape);
        if (known != null) {
            return known;
        }
        List<LayerInfo> found = guard.call(scope -> {
            Pass pass = new Pass(scope, Map.of(), Set.of(), Map.of(), true);
            pass.shapes = new ArrayList<>();
            run(root, new NDList(scope.zeros(inputShape, dataType)), pass);
            return Collections.unmodifiableList(pass.shapes);
        });
        layerCache.putIfAbsent(inputShape, found);
        return layerCache.get(inputShape);
    }

    /**
     * The block at {@code layer} (a path or a unique name, as {@link #resolveLayer}; the empty path for the whole
     * model), to read its parameters and settings; do not change or run it.
     */
    public Block block(String layer) {
        if ("".equals(layer)) {
            return root.block;
        }
        return requireNode(resolveLayer(layer)).block;
    }

    @Override
    public String resolveLayer(String path) {
        if (path == null || path.isBlank()) {
            throw new IllegalArgumentException("layer path was " + (path == null ? "null" : "blank")
                    + "; expected a path such as '" + firstLeafPath() + "' (list them with model.layers())");
        }
        if (byPath.containsKey(path)) {
            return path;
        }
        if (!path.contains("/")) {
            // a bare layer name (e.g. a Keras name) is found anywhere in the tree when it is unique
            Node unique = null;
            for (Node n : byPath.values()) {
                if (n.name.equals(path) || shortName(n.name).equals(path)) {
                    if (unique != null) {
                        unique = null;
                        break;
                    }
                    unique = n;
                }
            }
            if (unique != null) {
                return unique.path;
            }
        }
        Node node = root;
        for (String segment : path.split("/")) {
            node = child(node, segment, path);
        }
        return node.path;
    }

    private static String shortName(String name) {
        return name.length() > 2 && Character.isDigit(name.charAt(0)) && Character.isDigit(name.charAt(1))
                ? name.substring(2) : name;
    }

    private String firstLeafPath() {
        return byPath.isEmpty() ? "0" : byPath.keySet().iterator().next();
    }

    private static Node child(Node node, String segment, String fullPath) {
        List<String> names = new ArrayList<>();
        for (Node c : node.children) {
            names.add(c.name);
        }
        if (node.children.isEmpty()) {
            throw new IllegalArgumentException("unknown layer '" + fullPath + "': '"
                    + (node.path.isEmpty() ? "the model" : node.path) + "' (" + node.block.getClass().getSimpleName()
                    + ") has no addressable children; list the layers with model.layers()");
        }
        for (Node c : node.children) {
            if (c.name.equals(segment)) {
                return c;
            }
        }
        if (segment.chars().allMatch(Character::isDigit) && segment.length() < 9) {
            int i = Integer.parseInt(segment);
            if (i < node.children.size()) {
                return node.children.get(i);
            }
        }
        Node found = null;
        for (Node c : node.children) {
            if (c.name.length() > 2 && c.name.substring(2).equals(segment)
                    && Character.isDigit(c.name.charAt(0)) && Character.isDigit(c.name.charAt(1))) {
                if (found != null) {
                    throw new IllegalArgumentException("layer segment '" + segment + "' of '" + fullPath
                            + "' is ambiguous under '" + node.path + "': it matches " + found.name + " and "
                            + c.name + "; use the full name or the index");
                }
                found = c;
            }
        }
        if (found == null) {
            throw new IllegalArgumentException("unknown layer '" + fullPath + "': no child '" + segment + "' under '"
                    + (node.path.isEmpty() ? "the model" : node.path) + "'; its children are " + names
                    + " (by name, by name without the two-digit prefix, or by index 0.." + (names.size() - 1)
                    + "); list all layers with model.layers()");
        }
        return found;
    }

    @Override
    public NDArray forward(NDManager scope, NDArray input) {
        return walk(new NDList(input), new Pass(scope, Map.of(), Set.of(), Map.of(), true));
    }

    /** Runs the tree up to the output (the root's, or the output layer's) and returns it. */
    private NDArray walk(NDList input, Pass pass) {
        try {
            return run(root, input, pass).head();
        } catch (StopWalk stop) {
            if (pass.output == null && pass.needsOutput) {
                throw stop;
            }
            return pass.output;
        }
    }

    @Override
    public NDArray forwardEdited(NDManager scope, NDArray input, String layer, UnaryOperator<NDArray> edit) {
        Pass pass = new Pass(scope, Map.of(), Set.of(), Map.of(requireNode(layer).path, edit), true);
        return walk(new NDList(input), pass);
    }

    @Override
    public NDArray activation(NDManager scope, NDArray input, String layer) {
        String path = requireNode(layer).path;
        Pass pass = new Pass(scope, Map.of(path, layer), Set.of(), Map.of(), false);
        walk(new NDList(input), pass);
        return pass.captured.get(path);
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
     * <p>Recording starts where it must: at the input when the input's (or its parameters') gradient is asked for,
     * otherwise at the first layer whose gradient is asked for, so the layers before it run without recording.
     * That first layer's output becomes a fresh leaf; every later layer asked for gets the gradient of a zero array
     * added to its output (so its gradient is that of the output) — the values are unchanged.
     */
    @Override
    public Trace trace(NDManager scope, TraceRequest request) {
        request.checkConsistent();
        Map<String, String> capture = new LinkedHashMap<>();
        for (String name : request.captured()) {
            String path = requireNode(name).path;
            String before = capture.putIfAbsent(path, name);
            if (before != null) {
                throw new IllegalArgumentException("layers '" + before + "' and '" + name + "' are the same layer ("
                        + path + "); capture it once");
            }
        }
        Set<String> gradientPaths = new HashSet<>();
        for (String name : request.layerGradientNames()) {
            gradientPaths.add(requireNode(name).path);
        }
        Map<String, UnaryOperator<NDArray>> edits = new HashMap<>();
        request.edits().forEach((name, edit) -> edits.put(requireNode(name).path, edit));
        boolean backward = request.needsGradients();
        boolean fromInput = backward && (request.wantsInputGradient() || !request.parameters().isEmpty());
        ReentrantLock lock = backward ? GradientLock.of(engineName) : null;
        if (lock != null) {
            lock.lock();
        }
        // a gradient pass's arrays live in a pinned scope (see OperandPins): numbers that blocks multiply by stay
        // valid until the backward pass has read them; the results move to the caller's scope
        try (NDManager passScope = backward ? OperandPins.pinnedScope(scope) : scope.newSubManager()) {
            Pass pass = new Pass(passScope, capture, backward ? gradientPaths : Set.of(), edits,
                    request.needsOutput());
            try {
                TracePass copies = TracePass.copy(passScope, request);
                if (fromInput) {
                    pass.collector = guard.manager().getEngine().newGradientCollector();
                    copies.markForGradients();
                }
                NDArray output = walk(new NDList(copies.buildInput(fromInput)), pass);
                if (pass.captured.size() < capture.size()) {
                    List<String> missing = new ArrayList<>();
                    capture.forEach((path, name) -> {
                        if (!pass.captured.containsKey(path)) {
                            missing.add(name);
                        }
                    });
                    throw new IllegalStateException("layers " + missing + " were not reached by the forward pass");
                }
                Map<String, NDArray> activations = new LinkedHashMap<>();
                capture.forEach((path, name) -> activations.put(name, pass.captured.get(path)));
                return copies.finish(scope, output, activations, pass.collector,
                        name -> pass.leaves.get(requireNode(name).path));
            } finally {
                if (pass.collector != null) {
                    pass.collector.close();
                }
            }
        } finally {
            if (lock != null) {
                lock.unlock();
            }
        }
    }

    private Node requireNode(String canonicalPath) {
        Node node = byPath.get(canonicalPath);
        if (node == null) {
            return byPath.get(resolveLayer(canonicalPath));
        }
        return node;
    }

    /** Thrown to stop a walk once nothing after the current layer is needed. */
    private static final class StopWalk extends RuntimeException {
        StopWalk() {
            super(null, null, false, false);
        }
    }

    private final class Pass {
        final NDManager scope;
        final ParameterStore store;
        /** Canonical path to the name the request used. */
        final Map<String, String> capture;
        final Set<String> gradientPaths;
        final Map<String, UnaryOperator<NDArray>> edits;
        final boolean needsOutput;
        final Map<String, NDArray> captured = new HashMap<>();
        final Map<String, NDArray> leaves = new HashMap<>();
        GradientCollector collector;
        NDArray output;
        List<LayerInfo> shapes;

        Pass(NDManager scope, Map<String, String> capture, Set<String> gradientPaths,
                Map<String, UnaryOperator<NDArray>> edits, boolean needsOutput) {
            this.scope = scope;
            this.store = store(scope);
            this.capture = capture;
            this.gradientPaths = gradientPaths;
            this.edits = edits;
            this.needsOutput = needsOutput;
        }

        NDList after(Node node, NDList in, NDList out) {
            if (shapes != null) {
                shapes.add(new LayerInfo(node.path, node.block.getClass().getSimpleName(),
                        out.head().getShape().getShape(), node.depth));
                return out;
            }
            NDList result = out;
            UnaryOperator<NDArray> edit = edits.get(node.path);
            if (edit != null) {
                result = replaceHead(result, edit.apply(result.head()));
            }
            if (capture.containsKey(node.path)) {
                NDArray a = result.head();
                if (gradientPaths.contains(node.path)) {
                    if (collector == null) {
                        // recording starts here: the layer's output becomes a fresh leaf
                        if (a == in.head()) {
                            a = a.duplicate();
                        }
                        collector = guard.manager().getEngine().newGradientCollector();
                        a.attach(scope);
                        a.setRequiresGradient(true);
                        leaves.put(node.path, a);
                    } else {
                        NDArray zero = scope.zeros(a.getShape(), a.getDataType());
                        zero.setRequiresGradient(true);
                        a = a.add(zero);
                        leaves.put(node.path, zero);
                    }
                    result = replaceHead(result, a);
                }
                captured.put(node.path, a);
            }
            if (node.path.equals(outputPath)) {
                if (captured.size() < capture.size()) {
                    List<String> after = new ArrayList<>();
                    capture.forEach((path, name) -> {
                        if (!captured.containsKey(path)) {
                            after.add(name);
                        }
                    });
                    throw new IllegalArgumentException("layers " + after + " come after the output layer '"
                            + outputPath + "'; pick layers before it");
                }
                output = result.head();
                throw new StopWalk();
            }
            if (!needsOutput && captured.size() == capture.size()) {
                throw new StopWalk();
            }
            return result;
        }
    }

    private static NDList replaceHead(NDList out, NDArray head) {
        NDList replaced = new NDList(head);
        for (int i = 1; i < out.size(); i++) {
            replaced.add(out.get(i));
        }
        return replaced;
    }

    private NDList run(Node node, NDList x, Pass pass) {
        NDList out;
        switch (node.kind) {
            case SEQUENTIAL -> {
                out = x;
                for (Node c : node.children) {
                    out = run(c, out, pass);
                }
            }
            case PARALLEL -> {
                List<NDList> branches = new ArrayList<>(node.children.size());
                for (Node c : node.children) {
                    branches.add(run(c, x, pass));
                }
                out = join(node).apply(branches);
            }
            case BATCH_NORM -> out = new NDList(batchNorm((BatchNorm) node.block, x.singletonOrThrow(), pass.store));
            case DROPOUT -> out = x;
            default -> out = leaf(node, x, pass);
        }
        return node == root ? out : pass.after(node, x, out);
    }

    private NDList leaf(Node node, NDList x, Pass pass) {
        try {
            return node.block.forward(pass.store, x, false, null);
        } catch (RuntimeException e) {
            if (e instanceof StopWalk) {
                throw e;
            }
            if (String.valueOf(e.getMessage()).contains("should align with the mode of GradientCollector")) {
                throw new IllegalStateException("layer '" + node.path + "' (" + node.block.getClass().getSimpleName()
                        + ") runs a BatchNorm or Dropout inside its own forward, which " + engineName
                        + " cannot differentiate in inference mode; build the model from SequentialBlock/"
                        + "ParallelBlock with BatchNorm and Dropout as direct children so explain4j can reach them",
                        e);
            }
            throw e;
        }
    }

    private static Function<List<NDList>, NDList> join(Node node) {
        return joinOf(node.block, node.path);
    }

    @SuppressWarnings("unchecked")
    static Function<List<NDList>, NDList> joinOf(Block parallel, String path) {
        try {
            return (Function<List<NDList>, NDList>) PARALLEL_JOIN.get(parallel);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("cannot read the join function of ParallelBlock '" + path + "'", e);
        }
    }

    /**
     * A BatchNorm's inference map {@code y = x·scale + shift}, as one kernel forward and one backward where the engine
     * has a fast and right one. PyTorch: its batch norm with {@code training=false}. MXNet: a 1×1 convolution with
     * one group per channel (weights the scale, bias the shift). MXNet's own batch norm with
     * {@code use_global_stats=True} runs as fast but its backward pass is wrong on some layers of the imported
     * MobileNetV2 (up to 4 % of the largest input gradient, found by comparing with the layer-by-layer chain rule and
     * with PyTorch; see BatchNormGradientTest), and the plain affine map costs two of MXNet's slow broadcast kernels
     * each way (the floor of a MobileNetV2 backward pass about 4× slower). Other engines and layouts keep the affine
     * map.
     */
    private static NDArray batchNorm(BatchNorm bn, NDArray x, ParameterStore store) {
        BatchNormView b = BatchNormView.of(bn, x, store);
        String engine = x.getManager().getEngine().getEngineName();
        if ("PyTorch".equals(engine)) {
            return BatchNorm.batchNorm(x, b.mean(), b.variance(), b.gamma(), b.beta(), b.axis(), 0.9f, b.epsilon(),
                    false).singletonOrThrow();
        }
        NDArray[] affine = b.affine(x);
        if ("MXNet".equals(engine) && x.getShape().dimension() == 4 && b.channelAxis(x) == 1) {
            long c = affine[0].size();
            return Conv2d.conv2d(x, affine[0].reshape(c, 1, 1, 1), affine[1].reshape(c), new Shape(1, 1),
                    new Shape(0, 0), new Shape(1, 1), (int) c).singletonOrThrow();
        }
        return x.mul(affine[0]).add(affine[1]);
    }

    /** A BatchNorm's settings and parameters as one pass sees them. */
    private record BatchNormView(int axis, float epsilon, NDArray gamma, NDArray beta, NDArray mean,
            NDArray variance) {
        static BatchNormView of(BatchNorm bn, NDArray x, ParameterStore store) {
            int axis;
            float epsilon;
            try {
                axis = BN_AXIS.getInt(bn);
                epsilon = BN_EPSILON.getFloat(bn);
            } catch (IllegalAccessException e) {
                throw new IllegalStateException("cannot read BatchNorm settings", e);
            }
            Map<String, NDArray> p = new HashMap<>();
            for (Pair<String, Parameter> e : bn.getDirectParameters()) {
                p.put(e.getKey(), store.getValue(e.getValue(), x.getDevice(), false));
            }
            return new BatchNormView(axis, epsilon, p.get("gamma"), p.get("beta"), p.get("runningMean"),
                    p.get("runningVar"));
        }

        /** The channel axis on {@code x}, counted from 0. */
        int channelAxis(NDArray x) {
            return axis < 0 ? x.getShape().dimension() + axis : axis;
        }

        /** The inference map's {scale, shift}, shaped to broadcast against {@code x}. */
        NDArray[] affine(NDArray x) {
            NDArray scale = gamma.div(variance.add(epsilon).sqrt());
            NDArray shift = beta.sub(mean.mul(scale));
            long[] shape = new long[x.getShape().dimension()];
            java.util.Arrays.fill(shape, 1);
            shape[channelAxis(x)] = scale.size();
            Shape broadcast = new Shape(shape);
            return new NDArray[] {scale.reshape(broadcast), shift.reshape(broadcast)};
        }
    }

    /** A BatchNorm's inference map {@code y = x·scale + shift}: {scale, shift}, shaped to broadcast against x. */
    static NDArray[] batchNormAffine(BatchNorm bn, NDArray x, ParameterStore store) {
        return BatchNormView.of(bn, x, store).affine(x);
    }

    private static Field field(Class<?> type, String name) {
        try {
            Field f = type.getDeclaredField(name);
            f.setAccessible(true);
            return f;
        } catch (NoSuchFieldException e) {
            throw new ExceptionInInitializerError("this DJL version's " + type.getSimpleName() + " has no field '"
                    + name + "'; explain4j supports DJL 0.35");
        }
    }
}
