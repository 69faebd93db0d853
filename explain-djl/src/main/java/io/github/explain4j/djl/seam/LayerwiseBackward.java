package io.github.explain4j.djl.seam;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.ParallelBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv1d;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.convolutional.Conv3d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.norm.Dropout;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import io.github.explain4j.djl.blocks.NamedBlocks;
import io.github.explain4j.djl.internal.GradientLock;
import io.github.explain4j.djl.internal.OperandPins;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * A layer-wise backward interpreter over a DJL block tree, for the methods that replace the chain rule at some
 * layers: guided backpropagation, deconvnet and LRP. DJL has no hooks into autograd, so the backward pass is
 * written out layer by layer over the same tree {@link BlockTreeSeam} walks:
 * <ol>
 *   <li>a forward walk keeps every node's input and output (BatchNorm as the affine map of its running
 *       statistics, Dropout as the identity, parameters seen through a detached parameter store);</li>
 *   <li>the backward walk visits {@link SequentialBlock} children in reverse; a {@link ParallelBlock} must join its
 *       branches with {@link NamedBlocks#sum()} (checked on the recorded values as well): the join is handed to the
 *       rule as a linear layer whose input is its branches' outputs stacked on a new first axis, and the branches'
 *       results are summed at the fork;</li>
 *   <li>each leaf gets the {@link Rule}'s treatment: a ReLU ({@code LambdaBlock} named {@code "ReLU"}, as
 *       {@code Activation.reluBlock()} builds it, or {@code "relu"}, as the TF.js importer does; its recorded output
 *       is checked to be {@code max(x, 0)}) gets {@link Rule#relu}; an affine layer ({@link Conv1d}/{@link Conv2d}/
 *       {@link Conv3d}, {@link Linear}, {@link BatchNorm}, average pooling) gets {@link Rule#linear}; the layers
 *       that move each output value from one input value (max-pooling, flatten, padding, identity) and
 *       {@link Dropout} pass the signal back to the values they took, whatever the rule.</li>
 * </ol>
 * The rules themselves — what guided backpropagation, deconvnet and each LRP rule compute — live in
 * {@code io.github.explain4j.djl.backprop}; this class only walks, records and offers each layer's forward and
 * backward passes ({@link Layer}).
 *
 * <p>Parameter-free blocks are recognised by the names DJL gives its {@code LambdaBlock}s ({@code identity},
 * {@code batchFlatten}, {@code maxPool2d}, {@code avgPool2d}, {@code globalAvgPool2d}, …) and those the TF.js importer
 * gives ({@code relu}, {@code flatten}, {@code pad}); convolutions and linear layers by their exact DJL classes. Any
 * other block — an anonymous {@code LambdaBlock}, a subclass or custom block, another join, an activation without a
 * rule — may hide a ReLU or needs a rule of its own: the model is refused up front with an
 * {@link IllegalArgumentException} that names such layers (the first six, counting the rest) and how to rebuild
 * them, never explained with a partial rule. Layers after the seam's output layer
 * ({@link ModelSeam#withOutputLayer}) are neither run nor checked.
 *
 * <p>All arrays belong to the caller's scope; the engine's {@link GradientLock} is held for the whole pass.
 */
public final class LayerwiseBackward {

    /**
     * What a method computes where the walk hands it a layer. The walk asks it at every ReLU and at every affine
     * layer (convolution, dense, BatchNorm, average pooling, a residual sum); routing layers and Dropout pass the
     * signal back to the values they took. Implemented by {@code io.github.explain4j.djl.backprop}, whose
     * {@code PropagationRule}s are the user-facing rules.
     */
    public interface Rule {

        /** The method's name for messages, e.g. {@code "LRP-ε"}. */
        String method();

        /**
         * What is sent back from the output: {@code true} for relevance, {@code output ⊙ ∂score/∂output} (for a
         * class score, that class's output), {@code false} for the score's gradient.
         */
        boolean relevance();

        /**
         * The signal at a ReLU's input ({@link Layer#input()}), given the signal at its output; also at a ReLU6
         * ({@link Layer#type()} {@link LayerType#RELU6}) when the rule {@link #handles handles} them.
         */
        NDArray relu(Layer relu, NDArray signal);

        /**
         * Whether the rule has a treatment for layers of this type. Every rule handles ReLUs and affine layers;
         * ReLU6 ({@code min(max(x, 0), 6)}) only where a rule says so — the others refuse models with ReLU6.
         */
        default boolean handles(LayerType type) {
            return type != LayerType.RELU6;
        }

        /** The signal at an affine layer's input, given the signal at its output. */
        NDArray linear(Layer layer, NDArray signal);
    }

    /** The kinds of layers a {@link Rule} is handed. */
    public enum LayerType {
        /** {@link Conv1d}, {@link Conv2d} or {@link Conv3d}: weights and an optional bias. */
        CONVOLUTION,
        /** {@link Linear}: weights and an optional bias. */
        DENSE,
        /** {@link BatchNorm} as {@code y = x·scale + shift}: the per-channel scale is its weight, the shift its bias. */
        BATCH_NORM,
        /** Average pooling: positive weights {@code 1/k}, no bias. */
        AVERAGE_POOL,
        /**
         * A residual sum ({@link NamedBlocks#sum()}): its input is the branches' outputs stacked on a new first
         * axis, each with weight 1, no bias.
         */
        SUM,
        /** A ReLU. */
        RELU,
        /** A ReLU6, {@code min(max(x, 0), 6)}, handed to {@link Rule#relu} when the rule handles it. */
        RELU6;

        /** Whether the layer has learned weights (a convolution or a dense layer), the layers that are numbered. */
        public boolean hasWeights() {
            return this == CONVOLUTION || this == DENSE;
        }
    }

    /**
     * How a rule changes a layer's parameters for a forward pass: {@code weight} maps the weights (a BatchNorm's
     * scale), {@code bias} the bias (a BatchNorm's shift). Average pooling and sums have the fixed weights of
     * {@link LayerType}, to which {@code weight} is applied as to the number 1 (so it should be positively
     * homogeneous, {@code ρ(c·w) = c·ρ(w)} for {@code c > 0}, as clamping and {@code w + γ·w⁺} are). A pass caches
     * the changed parameters per {@code Weights} instance: keep instances in fields or constants.
     *
     * @param weight the map of the weights
     * @param bias the map of the bias
     */
    public record Weights(UnaryOperator<NDArray> weight, UnaryOperator<NDArray> bias) {

        /** The layer's own parameters. */
        public static final Weights UNCHANGED = new Weights(UnaryOperator.identity(), UnaryOperator.identity());

        /** Checks the maps. */
        public Weights {
            java.util.Objects.requireNonNull(weight, "weight map");
            java.util.Objects.requireNonNull(bias, "bias map");
        }

        /** Weights mapped by {@code weight}, bias left out (zero). */
        public static Weights withoutBias(UnaryOperator<NDArray> weight) {
            return new Weights(weight, NDArray::zerosLike);
        }
    }

    /**
     * A layer as the walk recorded it, handed to a {@link Rule}: its input and output and its own forward and
     * backward passes, with changed parameters when a rule asks for them. All arrays live in the pass's scope.
     */
    public interface Layer {

        /** The layer's path (see {@code ExplainableModel.layers()}). */
        String path();

        /** What kind of layer it is. */
        LayerType type();

        /**
         * The position of a layer with weights ({@link LayerType#hasWeights()}) among those the pass goes through,
         * in execution order from 0 (see {@link LayerwiseBackward#weightedLayers()}); −1 for the others.
         */
        int index();

        /** The input the layer saw (for a sum, the branches' outputs stacked on a new first axis). */
        NDArray input();

        /** The output the layer gave, with its own parameters. */
        NDArray output();

        /** The layer applied to {@code x} (shaped like {@link #input()}) with its parameters mapped by {@code w}. */
        NDArray forward(NDArray x, Weights w);

        /**
         * The vector–Jacobian product {@code signalᵀ·∂forward(x, w)/∂x}: the layer with parameters {@code w}
         * transposed and applied to {@code signal}. The layer is affine in {@code x}, so this does not depend on x.
         */
        NDArray backward(Weights w, NDArray signal);

        /**
         * The gradients of a scalar w.r.t. each of {@code at}: {@code scalar} is given fresh copies of them that
         * record gradients, and builds its value from {@link #forward} passes (one gradient pass for several
         * products, as LRP-αβ needs).
         */
        NDArray[] gradients(Function<NDArray[], NDArray> scalar, NDArray... at);

        /** The model's input to the pass {@code (N, C, …)}. */
        NDArray modelInput();

        /**
         * An array shaped like {@link #modelInput()} carried to this layer's input through the parameter-free
         * layers before it (flatten, padding, identity, pooling, Dropout) — for example pixel bounds, which stay
         * bounds through them.
         *
         * @throws IllegalArgumentException if a layer with parameters, a ReLU or a join lies between the model's
         *     input and this layer
         */
        NDArray fromModelInput(NDArray a);
    }

    /**
     * What a pass gives; all arrays belong to the pass's scope.
     *
     * @param output the model's output {@code (N, K)} (or the output layer's)
     * @param scores the explained scores {@code (N)}
     * @param outputSignal what was sent back from the output: the score's gradient, or for LRP the relevance
     *     {@code output ⊙ ∂score/∂output} (for a class score, that class's output and zeros)
     * @param inputSignal what arrived at the input: the modified gradient, or the input relevance
     */
    public record Result(NDArray output, NDArray scores, NDArray outputSignal, NDArray inputSignal) {}

    /** The LambdaBlock names of DJL's ({@code Activation.reluBlock()}) and the TF.js importer's ReLUs. */
    private static final Set<String> RELU_NAMES = Set.of("ReLU", "relu");
    /** Parameter-free blocks that move each output value from one input value: max-pooling, flatten, identity, pad. */
    private static final Set<String> ROUTE_NAMES = Set.of("identity", "batchFlatten", "flatten", "pad", "maxPool1d",
            "maxPool2d", "maxPool3d", "globalMaxPool1d", "globalMaxPool2d", "globalMaxPool3d");
    /** Parameter-free linear blocks with positive weights: average pooling. */
    private static final Set<String> AVERAGE_NAMES = Set.of("avgPool1d", "avgPool2d", "avgPool3d",
            "globalAvgPool1d", "globalAvgPool2d", "globalAvgPool3d");
    /** The LambdaBlock names of DJL's ({@code Activation.relu6Block()}) and the TF.js importer's ReLU6. */
    private static final Set<String> RELU6_NAMES = Set.of("ReLU6", "relu6");
    /** Activations DJL and the TF.js importer name, which have no rule here. */
    private static final Set<String> OTHER_ACTIVATIONS = Set.of("LeakyReLU", "ELU", "SELU",
            "GELU", "Swish", "Mish", "sigmoid", "Tanh", "tanh", "softPlus", "softSign", "softmax");

    private enum Kind { SEQUENTIAL, SUM, RELU, RELU6, AFFINE, BATCH_NORM, AVERAGE, ROUTE, DROPOUT }

    private static final String LAMBDA_ADVICE = "build ReLUs with Activation.reluBlock(), and pooling and"
            + " flattening with DJL's Pool.*Block and Blocks.batchFlattenBlock(), so that explain4j can tell them"
            + " apart";
    private static final String JOIN_ADVICE = "build residual units as NamedParallelBlock(NamedBlocks.sum()) followed"
            + " by Activation.reluBlock()";
    private static final String CUSTOM_ADVICE = "build the model from SequentialBlock/ParallelBlock, Conv2d, Linear,"
            + " BatchNorm, Dropout and DJL's activation and pooling blocks";
    private static final String ACTIVATION_ADVICE = "explain the layer before such an activation with"
            + " model.withOutputLayer(...), or use ReLUs";

    /** How many layers a refusal names before it counts the rest. */
    private static final int LISTED = 6;

    private static final class Node {
        final String path;
        final Block block;
        final Kind kind;
        /** Why the rule cannot vouch for this layer ({@code {method}} stands for the method), or null. */
        final String problem;
        final String advice;
        final List<Node> children = new ArrayList<>();
        /** For a convolution or dense layer, its position among them in execution order; otherwise −1. */
        int index = -1;

        Node(String path, Block block, Kind kind) {
            this(path, block, kind, null, null);
        }

        Node(String path, Block block, Kind kind, String problem, String advice) {
            this.path = path;
            this.block = block;
            this.kind = kind;
            this.problem = problem;
            this.advice = advice;
        }
    }

    private final BlockTreeSeam seam;

    private LayerwiseBackward(BlockTreeSeam seam) {
        this.seam = seam;
    }

    /**
     * The interpreter over a model's seam.
     *
     * @throws IllegalArgumentException if the model is not a DJL block tree (for example a TorchScript module,
     *     whose layers DJL cannot reach)
     */
    public static LayerwiseBackward of(ModelSeam seam) {
        if (!(seam instanceof BlockTreeSeam tree)) {
            throw new IllegalArgumentException("modified backpropagation needs a model built from DJL blocks (a"
                    + " SequentialBlock/ParallelBlock tree); this model's seam is " + seam.getClass().getSimpleName()
                    + ", whose layers explain4j cannot reach one by one");
        }
        return new LayerwiseBackward(tree);
    }

    /**
     * The paths of the layers with weights (convolutions and dense layers) a pass goes through, up to the output
     * layer, in execution order: the layer at position {@code i} has {@link Layer#index()} {@code i}.
     */
    public List<String> weightedLayers() {
        List<String> out = new ArrayList<>();
        listWeighted(build("", seam.rootBlock(), new int[1]), out, new boolean[1]);
        return List.copyOf(out);
    }

    private void listWeighted(Node node, List<String> out, boolean[] stopped) {
        if (node.index >= 0) {
            out.add(node.path);
        }
        for (Node c : node.children) {
            listWeighted(c, out, stopped);
            if (stopped[0]) {
                break;
            }
        }
        if (!node.path.isEmpty() && node.path.equals(seam.outputPath())) {
            stopped[0] = true;
        }
    }

    /**
     * One forward pass and the rule's backward pass for {@code score}.
     *
     * @throws IllegalArgumentException naming every layer the rule cannot vouch for
     */
    public Result propagate(NDManager scope, NDArray input, ScoreFunction score, Rule rule) {
        Node root = build("", seam.rootBlock(), new int[1]);
        check(root, rule);
        ReentrantLock lock = GradientLock.of(seam.engineName());
        lock.lock();
        // every array of the pass lives in a pinned scope (see OperandPins); the result moves to the caller's scope
        try (NDManager passScope = OperandPins.pinnedScope(scope)) {
            NDArray x = input.duplicate();
            x.attach(passScope);
            Pass pass = new Pass(passScope, rule, x);
            Rec top = pass.record(root, x, UnaryOperator.identity());
            NDArray output = top.out;
            NDArray outLeaf = output.duplicate();
            NDArray scores;
            NDArray grad;
            outLeaf.setRequiresGradient(true);
            try (GradientCollector c = seam.manager().getEngine().newGradientCollector()) {
                NDArray s = score.scores(outLeaf);
                c.backward(s.sum());
                scores = s.stopGradient();
                grad = outLeaf.getGradient().duplicate();
            }
            NDArray signal = rule.relevance() ? output.mul(grad) : grad;
            NDArray back = pass.back(top, signal);
            for (NDArray a : new NDArray[] {output, scores, signal, back}) {
                a.attach(scope);
            }
            return new Result(output, scores, signal, back);
        } finally {
            lock.unlock();
        }
    }

    // ---------------------------------------------------------------- the tree and what may be explained

    /** The tree under {@code block}; {@code weighted} counts the convolutions and dense layers met so far. */
    private Node build(String path, Block block, int[] weighted) {
        if (block instanceof SequentialBlock) {
            return withChildren(new Node(path, block, Kind.SEQUENTIAL), weighted);
        }
        if (block instanceof ParallelBlock) {
            boolean sum = NamedBlocks.isSum(BlockTreeSeam.joinOf(block, path));
            return withChildren(sum ? new Node(path, block, Kind.SUM) : new Node(path, block, Kind.SUM,
                    "joins its branches with a function other than NamedBlocks.sum() and may hide a ReLU (as in"
                    + " relu(a + b))", JOIN_ADVICE), weighted);
        }
        if (block instanceof BatchNorm) {
            return new Node(path, block, Kind.BATCH_NORM);
        }
        if (block instanceof Dropout) {
            return new Node(path, block, Kind.DROPOUT);
        }
        Class<?> type = block.getClass();
        if (type == Conv1d.class || type == Conv2d.class || type == Conv3d.class || type == Linear.class) {
            Node node = new Node(path, block, Kind.AFFINE);
            node.index = weighted[0]++;
            return node;
        }
        if (type == LambdaBlock.class) {
            String name = ((LambdaBlock) block).getName();
            if (RELU_NAMES.contains(name)) {
                return new Node(path, block, Kind.RELU);
            }
            if (RELU6_NAMES.contains(name)) {
                return new Node(path, block, Kind.RELU6, "is the activation '" + name + "', for which {method} has"
                        + " no rule", ACTIVATION_ADVICE);
            }
            if (ROUTE_NAMES.contains(name)) {
                return new Node(path, block, Kind.ROUTE);
            }
            if (AVERAGE_NAMES.contains(name)) {
                return new Node(path, block, Kind.AVERAGE);
            }
            if (OTHER_ACTIVATIONS.contains(name)) {
                return new Node(path, block, Kind.ROUTE, "is the activation '" + name + "', for which {method} has"
                        + " no rule", ACTIVATION_ADVICE);
            }
            return new Node(path, block, Kind.ROUTE, "(LambdaBlock '" + name + "') may hide a ReLU", LAMBDA_ADVICE);
        }
        return new Node(path, block, Kind.ROUTE, "(" + type.getSimpleName() + ") is a block whose forward"
                + " explain4j cannot see into and may hide a ReLU", CUSTOM_ADVICE);
    }

    private Node withChildren(Node node, int[] weighted) {
        for (Pair<String, Block> child : node.block.getChildren()) {
            String path = node.path.isEmpty() ? child.getKey() : node.path + "/" + child.getKey();
            node.children.add(build(path, child.getValue(), weighted));
        }
        return node;
    }
    /** Refuses the model when a layer before the output cannot be vouched for, naming every such layer. */
    private void check(Node root, Rule rule) {
        List<Node> bad = new ArrayList<>();
        collect(root, bad, new boolean[1], rule);
        if (bad.isEmpty()) {
            return;
        }
        List<String> problems = new ArrayList<>();
        Set<String> advice = new java.util.LinkedHashSet<>();
        for (Node n : bad) {
            if (problems.size() < LISTED) {
                String where = n.path.isEmpty() ? "the model" : "layer '" + n.path + "'";
                problems.add(where + " " + n.problem.replace("{method}", rule.method()));
            }
            advice.add(n.advice);
        }
        String more = bad.size() > LISTED ? "; and " + (bad.size() - LISTED) + " more" : "";
        throw new IllegalArgumentException(rule.method() + " must apply its rule at every ReLU and refuses the model"
                + (bad.size() == 1 ? "" : " (" + bad.size() + " layers)") + ": " + String.join("; ", problems)
                + more + ". To explain it: " + String.join("; ", advice) + ".");
    }

    /** The layers with a problem, in execution order, up to the output layer. */
    private void collect(Node node, List<Node> bad, boolean[] stopped, Rule rule) {
        int at = bad.size();
        for (Node c : node.children) {
            collect(c, bad, stopped, rule);
            if (stopped[0]) {
                break;
            }
        }
        // a join runs only when the output layer is not inside one of its branches
        boolean handled = node.kind == Kind.RELU6 && rule.handles(LayerType.RELU6);
        if (node.problem != null && !handled && !stopped[0]) {
            bad.add(at, node);
        }
        if (!node.path.isEmpty() && node.path.equals(seam.outputPath())) {
            stopped[0] = true;
        }
    }

    // ---------------------------------------------------------------- forward recording and backward pass

    /** A node as it ran: its input, output and (for containers) the children that ran. */
    private static final class Rec {
        final Node node;
        final NDArray in;
        /** Carries an array shaped like the model's input to this node's input, or null when no longer possible. */
        final UnaryOperator<NDArray> reach;
        NDArray out;
        /** Carries an array shaped like the model's input to this node's output, or null. */
        UnaryOperator<NDArray> reachOut;
        final List<Rec> children = new ArrayList<>();
        /** For a parallel block inside which the output layer was reached: the branch that holds it. */
        int stopBranch = -1;

        Rec(Node node, NDArray in, UnaryOperator<NDArray> reach) {
            this.node = node;
            this.in = in;
            this.reach = reach;
        }
    }

    private final class Pass {
        final NDManager scope;
        final Rule rule;
        final NDArray modelInput;
        final ParameterStore store;
        /** The parameter stores of the rule's changed parameters, one per {@link Weights} instance. */
        final Map<Weights, ParameterStore> changed = new IdentityHashMap<>();
        boolean stopped;

        Pass(NDManager scope, Rule rule, NDArray modelInput) {
            this.scope = scope;
            this.rule = rule;
            this.modelInput = modelInput;
            this.store = seam.store(scope);
        }

        Rec record(Node node, NDArray x, UnaryOperator<NDArray> reach) {
            Rec r = new Rec(node, x, reach);
            switch (node.kind) {
                case SEQUENTIAL -> {
                    NDArray current = x;
                    UnaryOperator<NDArray> currentReach = reach;
                    for (Node c : node.children) {
                        Rec cr = record(c, current, currentReach);
                        r.children.add(cr);
                        current = cr.out;
                        currentReach = cr.reachOut;
                        if (stopped) {
                            break;
                        }
                    }
                    r.out = current;
                    r.reachOut = currentReach;
                }
                case SUM -> {
                    List<NDList> outs = new ArrayList<>();
                    for (int i = 0; i < node.children.size(); i++) {
                        Rec cr = record(node.children.get(i), x, reach);
                        r.children.add(cr);
                        if (stopped) {
                            r.stopBranch = i;
                            r.out = cr.out;
                            r.reachOut = cr.reachOut;
                            break;
                        }
                        outs.add(new NDList(cr.out));
                    }
                    if (!stopped) {
                        r.out = sumJoin(node, outs);
                    }
                }
                case BATCH_NORM -> r.out = affine((BatchNorm) node.block, x, store)[0];
                case DROPOUT -> {
                    r.out = x;
                    r.reachOut = reach;
                }
                default -> {
                    r.out = forward(node, x, store);
                    if (reach != null && (node.kind == Kind.ROUTE || node.kind == Kind.AVERAGE)) {
                        r.reachOut = a -> forward(node, reach.apply(a), store);
                    }
                }
            }
            if (node.kind == Kind.RELU && !r.out.eq(x.maximum(0)).all().getBoolean()
                    || node.kind == Kind.RELU6 && !r.out.eq(x.clip(0, 6)).all().getBoolean()) {
                throw new IllegalArgumentException(rule.method() + " must apply its rule at every ReLU and refuses"
                        + " the model: layer '" + node.path + "' (LambdaBlock '" + ((LambdaBlock) node.block).getName()
                        + "') is named like a " + (node.kind == Kind.RELU ? "ReLU but does not compute max(x, 0)"
                        : "ReLU6 but does not compute min(max(x, 0), 6)"));
            }
            if (!node.path.isEmpty() && node.path.equals(seam.outputPath())) {
                stopped = true;
            }
            return r;
        }

        /** The sum join, computed by the block's own join and checked against the sum of the branches. */
        private NDArray sumJoin(Node node, List<NDList> outs) {
            NDArray joined = single(BlockTreeSeam.joinOf(node.block, node.path).apply(outs), node);
            NDArray total = outs.get(0).singletonOrThrow();
            for (int i = 1; i < outs.size(); i++) {
                NDArray branch = outs.get(i).singletonOrThrow();
                if (!branch.getShape().equals(total.getShape())) {
                    throw new IllegalArgumentException(rule.method() + " refuses the model: layer '" + node.path
                            + "' sums branches of shapes " + total.getShape() + " and " + branch.getShape()
                            + "; explain4j shares a sum among branches of one shape (reshape them in the branches)");
                }
                total = total.add(branch);
            }
            if (!joined.getShape().equals(total.getShape()) || !joined.eq(total).all().getBoolean()) {
                throw new IllegalArgumentException(rule.method() + " refuses the model: layer '" + node.path
                        + "' does not output the sum of its branches, although its join is NamedBlocks.sum()");
            }
            return joined;
        }

        NDArray forward(Node node, NDArray x, ParameterStore parameters) {
            return single(node.block.forward(parameters, new NDList(x), false, null), node);
        }

        private NDArray single(NDList list, Node node) {
            if (list.size() != 1) {
                throw new IllegalArgumentException(rule.method() + " refuses the model: layer '" + node.path
                        + "' outputs " + list.size() + " arrays; explain4j follows one array through the network");
            }
            return list.head();
        }

        /** A BatchNorm's {output, scale, shift}: its affine map of the running statistics, and that map's terms. */
        private NDArray[] affine(BatchNorm bn, NDArray x, ParameterStore parameters) {
            NDArray[] a = BlockTreeSeam.batchNormAffine(bn, x, parameters);
            return new NDArray[] {x.mul(a[0]).add(a[1]), a[0], a[1]};
        }

        NDArray back(Rec r, NDArray signal) {
            Node node = r.node;
            switch (node.kind) {
                case SEQUENTIAL -> {
                    NDArray s = signal;
                    for (int i = r.children.size() - 1; i >= 0; i--) {
                        s = back(r.children.get(i), s);
                    }
                    return s;
                }
                case SUM -> {
                    if (r.stopBranch >= 0) {
                        return back(r.children.get(r.stopBranch), signal);
                    }
                    NDList outs = new NDList();
                    for (Rec c : r.children) {
                        outs.add(c.out);
                    }
                    NDArray shares = rule.linear(new View(r, NDArrays.stack(outs), LayerType.SUM), signal);
                    NDArray total = null;
                    for (int i = 0; i < r.children.size(); i++) {
                        NDArray b = back(r.children.get(i), shares.get(i));
                        total = total == null ? b : total.add(b);
                    }
                    return total;
                }
                case DROPOUT -> {
                    return signal;
                }
                case ROUTE -> {
                    return vjp(x -> forward(node, x, store), r.in, signal);
                }
                case RELU -> {
                    return rule.relu(new View(r, r.in, LayerType.RELU), signal);
                }
                case RELU6 -> {
                    return rule.relu(new View(r, r.in, LayerType.RELU6), signal);
                }
                case BATCH_NORM -> {
                    return rule.linear(new View(r, r.in, LayerType.BATCH_NORM), signal);
                }
                case AVERAGE -> {
                    return rule.linear(new View(r, r.in, LayerType.AVERAGE_POOL), signal);
                }
                default -> {
                    LayerType type = node.block instanceof Linear ? LayerType.DENSE : LayerType.CONVOLUTION;
                    return rule.linear(new View(r, r.in, type), signal);
                }
            }
        }

        /** The store of the parameters mapped by {@code w}, made once per pass and {@code Weights} instance. */
        private ParameterStore storeOf(Weights w) {
            if (w == Weights.UNCHANGED) {
                return store;
            }
            return changed.computeIfAbsent(w, k -> seam.transformedStore(scope, (p, v) ->
                    p.getType() == Parameter.Type.WEIGHT ? k.weight().apply(v) : k.bias().apply(v)));
        }

        /** The vector–Jacobian product {@code sᵀ·∂f/∂x} at {@code x}, by a gradient pass on {@code f} alone. */
        private NDArray vjp(Function<NDArray, NDArray> f, NDArray x, NDArray s) {
            return gradients(v -> f.apply(v[0]).mul(s).sum(), x)[0];
        }

        /** The gradients of {@code scalar} w.r.t. fresh leaves holding {@code at}. */
        private NDArray[] gradients(Function<NDArray[], NDArray> scalar, NDArray... at) {
            NDArray[] leaves = new NDArray[at.length];
            for (int i = 0; i < at.length; i++) {
                leaves[i] = at[i].duplicate(); // a fresh leaf: PyTorch accumulates gradients on reused leaves
                leaves[i].setRequiresGradient(true);
            }
            try (GradientCollector c = seam.manager().getEngine().newGradientCollector()) {
                c.backward(scalar.apply(leaves));
                NDArray[] out = new NDArray[at.length];
                for (int i = 0; i < at.length; i++) {
                    out[i] = leaves[i].getGradient().duplicate();
                }
                return out;
            }
        }

        /** A recorded node as the rule sees it. */
        private final class View implements Layer {
            private final Rec rec;
            private final NDArray input;
            private final LayerType type;

            View(Rec rec, NDArray input, LayerType type) {
                this.rec = rec;
                this.input = input;
                this.type = type;
            }

            @Override
            public String path() {
                return rec.node.path;
            }

            @Override
            public LayerType type() {
                return type;
            }

            @Override
            public int index() {
                return rec.node.index;
            }

            @Override
            public NDArray input() {
                return input;
            }

            @Override
            public NDArray output() {
                return rec.out;
            }

            @Override
            public NDArray forward(NDArray x, Weights w) {
                Node node = rec.node;
                return switch (type) {
                    case RELU -> x.maximum(0);
                    case RELU6 -> x.clip(0, 6);
                    case SUM -> scaled(x.sum(new int[] {0}), w);
                    case AVERAGE_POOL -> scaled(Pass.this.forward(node, x, store), w);
                    case BATCH_NORM -> {
                        NDArray[] a = affine((BatchNorm) node.block, x, store);
                        yield w == Weights.UNCHANGED ? a[0] : x.mul(w.weight().apply(a[1])).add(w.bias().apply(a[2]));
                    }
                    default -> Pass.this.forward(node, x, storeOf(w));
                };
            }

            /** A layer with fixed positive weights: {@code y} times {@code ρ(1)}. */
            private NDArray scaled(NDArray y, Weights w) {
                if (w == Weights.UNCHANGED) {
                    return y;
                }
                NDArray one = y.getManager().ones(new Shape(1), y.getDataType());
                return y.mul(w.weight().apply(one));
            }

            @Override
            public NDArray backward(Weights w, NDArray signal) {
                return vjp(x -> forward(x, w), input, signal);
            }

            @Override
            public NDArray[] gradients(Function<NDArray[], NDArray> scalar, NDArray... at) {
                return Pass.this.gradients(scalar, at);
            }

            @Override
            public NDArray modelInput() {
                return modelInput;
            }

            @Override
            public NDArray fromModelInput(NDArray a) {
                if (rec.reach == null || type == LayerType.SUM) {
                    throw new IllegalArgumentException(rule.method() + " needs this layer's input as a function of"
                            + " the model's input (for example pixel bounds), but layer '" + path() + "' is not fed"
                            + " by the model's input through parameter-free layers only (a layer with parameters, a"
                            + " ReLU or a join lies between): apply such a rule to the first layer with weights only");
                }
                if (!a.getShape().equals(modelInput.getShape())) {
                    throw new IllegalArgumentException("an array shaped " + a.getShape() + " was given for the"
                            + " model's input, shaped " + modelInput.getShape());
                }
                return rec.reach.apply(a);
            }
        }
    }
}
