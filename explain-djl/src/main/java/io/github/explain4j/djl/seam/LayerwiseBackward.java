package io.github.explain4j.djl.seam;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
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
import io.github.explain4j.djl.internal.DetachedParameterStore;
import io.github.explain4j.djl.internal.GradientLock;
import io.github.explain4j.djl.internal.OperandPins;
import java.util.ArrayList;
import java.util.List;
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
 *       statistics, Dropout as the identity, parameters seen through a {@link DetachedParameterStore});</li>
 *   <li>the backward walk visits {@link SequentialBlock} children in reverse; a {@link ParallelBlock} must join its
 *       branches with {@link NamedBlocks#sum()} (checked on the recorded values as well): its signal is handed to
 *       the branches by the rule and the branches' results are summed at the fork;</li>
 *   <li>each leaf gets the rule's treatment: a ReLU ({@code LambdaBlock} named {@code "ReLU"}, as
 *       {@code Activation.reluBlock()} builds it, or {@code "relu"}, as the TF.js importer does; its recorded output
 *       is checked to be {@code max(x, 0)}) gets the rule's ReLU step; a layer that is affine or piecewise-linear
 *       without a hidden ReLU ({@link Conv1d}/{@link Conv2d}/{@link Conv3d}, {@link Linear}, {@link BatchNorm},
 *       {@link Dropout}, DJL's pooling, flatten and identity blocks) gets its vector–Jacobian product from a
 *       small gradient pass on that layer alone (or LRP's redistribution built from such products).</li>
 * </ol>
 * Parameter-free blocks are recognised by the names DJL gives its {@code LambdaBlock}s ({@code identity},
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

    /** What the backward pass computes at ReLUs, affine layers and sums. */
    public sealed interface Rule {

        /** The method's name for messages. */
        String method();

        /** Guided backpropagation: at a ReLU, {@code g_in = g_out·[x > 0]·[g_out > 0]}; elsewhere the gradient. */
        static Rule guided() {
            return Guided.INSTANCE;
        }

        /** Deconvnet: at a ReLU, {@code g_in = max(g_out, 0)}; elsewhere the gradient. */
        static Rule deconvnet() {
            return Deconvnet.INSTANCE;
        }

        /** LRP-ε: {@code R_j = Σ_k x_j w_jk R_k / (z_k + ε·sign(z_k))}, ReLUs pass relevance unchanged. */
        static Rule epsilon(double epsilon) {
            return new Epsilon(epsilon);
        }

        /** LRP-αβ with clamped weights; ReLUs pass relevance unchanged. */
        static Rule alphaBeta(double alpha, double beta) {
            return new AlphaBeta(alpha, beta);
        }
    }

    private enum Guided implements Rule {
        INSTANCE;

        @Override
        public String method() {
            return "guided backpropagation";
        }
    }

    private enum Deconvnet implements Rule {
        INSTANCE;

        @Override
        public String method() {
            return "deconvnet";
        }
    }

    private record Epsilon(double epsilon) implements Rule {
        @Override
        public String method() {
            return "LRP-ε";
        }
    }

    private record AlphaBeta(double alpha, double beta) implements Rule {
        @Override
        public String method() {
            return "LRP-αβ";
        }
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
    /** Activations DJL and the TF.js importer name, which have no rule here. */
    private static final Set<String> OTHER_ACTIVATIONS = Set.of("ReLU6", "relu6", "LeakyReLU", "ELU", "SELU",
            "GELU", "Swish", "Mish", "sigmoid", "Tanh", "tanh", "softPlus", "softSign", "softmax");

    private enum Kind { SEQUENTIAL, SUM, RELU, AFFINE, BATCH_NORM, AVERAGE, ROUTE, DROPOUT }

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
     * One forward pass and the rule's backward pass for {@code score}.
     *
     * @throws IllegalArgumentException naming every layer the rule cannot vouch for
     */
    public Result propagate(NDManager scope, NDArray input, ScoreFunction score, Rule rule) {
        Node root = build("", seam.rootBlock());
        check(root, rule);
        ReentrantLock lock = GradientLock.of(seam.engineName());
        lock.lock();
        // every array of the pass lives in a pinned scope (see OperandPins); the result moves to the caller's scope
        try (NDManager passScope = OperandPins.pinnedScope(scope)) {
            Pass pass = new Pass(passScope, rule);
            NDArray x = input.duplicate();
            x.attach(passScope);
            Rec top = pass.record(root, x);
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
            NDArray signal = rule instanceof Guided || rule instanceof Deconvnet ? grad : output.mul(grad);
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

    private Node build(String path, Block block) {
        if (block instanceof SequentialBlock) {
            return withChildren(new Node(path, block, Kind.SEQUENTIAL));
        }
        if (block instanceof ParallelBlock) {
            boolean sum = NamedBlocks.isSum(BlockTreeSeam.joinOf(block, path));
            return withChildren(sum ? new Node(path, block, Kind.SUM) : new Node(path, block, Kind.SUM,
                    "joins its branches with a function other than NamedBlocks.sum() and may hide a ReLU (as in"
                    + " relu(a + b))", JOIN_ADVICE));
        }
        if (block instanceof BatchNorm) {
            return new Node(path, block, Kind.BATCH_NORM);
        }
        if (block instanceof Dropout) {
            return new Node(path, block, Kind.DROPOUT);
        }
        Class<?> type = block.getClass();
        if (type == Conv1d.class || type == Conv2d.class || type == Conv3d.class || type == Linear.class) {
            return new Node(path, block, Kind.AFFINE);
        }
        if (type == LambdaBlock.class) {
            String name = ((LambdaBlock) block).getName();
            if (RELU_NAMES.contains(name)) {
                return new Node(path, block, Kind.RELU);
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

    private Node withChildren(Node node) {
        for (Pair<String, Block> child : node.block.getChildren()) {
            String path = node.path.isEmpty() ? child.getKey() : node.path + "/" + child.getKey();
            node.children.add(build(path, child.getValue()));
        }
        return node;
    }

    /** Refuses the model when a layer before the output cannot be vouched for, naming every such layer. */
    private void check(Node root, Rule rule) {
        List<Node> bad = new ArrayList<>();
        collect(root, bad, new boolean[1]);
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
    private void collect(Node node, List<Node> bad, boolean[] stopped) {
        int at = bad.size();
        for (Node c : node.children) {
            collect(c, bad, stopped);
            if (stopped[0]) {
                break;
            }
        }
        // a join runs only when the output layer is not inside one of its branches
        if (node.problem != null && !stopped[0]) {
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
        NDArray out;
        final List<Rec> children = new ArrayList<>();
        /** For a parallel block inside which the output layer was reached: the branch that holds it. */
        int stopBranch = -1;

        Rec(Node node, NDArray in) {
            this.node = node;
            this.in = in;
        }
    }

    private final class Pass {
        final NDManager scope;
        final Rule rule;
        final ParameterStore store;
        final DataType type;
        ParameterStore positive;
        ParameterStore negative;
        boolean stopped;

        Pass(NDManager scope, Rule rule) {
            this.scope = scope;
            this.rule = rule;
            this.store = seam.store(scope);
            this.type = seam.dataType();
        }

        Rec record(Node node, NDArray x) {
            Rec r = new Rec(node, x);
            switch (node.kind) {
                case SEQUENTIAL -> {
                    NDArray current = x;
                    for (Node c : node.children) {
                        Rec cr = record(c, current);
                        r.children.add(cr);
                        current = cr.out;
                        if (stopped) {
                            break;
                        }
                    }
                    r.out = current;
                }
                case SUM -> {
                    List<NDList> outs = new ArrayList<>();
                    for (int i = 0; i < node.children.size(); i++) {
                        Rec cr = record(node.children.get(i), x);
                        r.children.add(cr);
                        if (stopped) {
                            r.stopBranch = i;
                            r.out = cr.out;
                            break;
                        }
                        outs.add(new NDList(cr.out));
                    }
                    if (!stopped) {
                        r.out = sumJoin(node, outs);
                    }
                }
                case BATCH_NORM -> r.out = affine((BatchNorm) node.block, x, store)[0];
                case DROPOUT -> r.out = x;
                default -> r.out = forward(node, x, store);
            }
            if (node.kind == Kind.RELU && !r.out.eq(x.maximum(0)).all().getBoolean()) {
                throw new IllegalArgumentException(rule.method() + " must apply its rule at every ReLU and refuses"
                        + " the model: layer '" + node.path + "' (LambdaBlock '" + ((LambdaBlock) node.block).getName()
                        + "') is named like a ReLU but does not compute max(x, 0)");
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
                total = total.add(outs.get(i).singletonOrThrow());
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

        /** A BatchNorm's {output, scale}: its affine map of the running statistics, and that map's slope. */
        private NDArray[] affine(BatchNorm bn, NDArray x, ParameterStore parameters) {
            NDArray[] a = BlockTreeSeam.batchNormAffine(bn, x, parameters);
            return new NDArray[] {x.mul(a[0]).add(a[1]), a[0]};
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
                    List<NDArray> parts = splitSum(r, signal);
                    NDArray total = null;
                    for (int i = 0; i < r.children.size(); i++) {
                        NDArray b = back(r.children.get(i), parts.get(i));
                        total = total == null ? b : total.add(b);
                    }
                    return total;
                }
                case DROPOUT -> {
                    return signal;
                }
                case RELU -> {
                    return relu(r.in, signal);
                }
                default -> {
                    return linear(r, signal);
                }
            }
        }

        private NDArray relu(NDArray x, NDArray signal) {
            if (rule instanceof Guided) {
                return signal.maximum(0).mul(x.gt(0).toType(type, false));
            }
            if (rule instanceof Deconvnet) {
                return signal.maximum(0);
            }
            return signal; // LRP: relevance passes a ReLU unchanged
        }

        /** How a sum hands its signal to the branches. */
        private List<NDArray> splitSum(Rec r, NDArray signal) {
            List<NDArray> parts = new ArrayList<>();
            if (rule instanceof Epsilon e) {
                NDArray ratio = signal.div(stabilise(r.out, e.epsilon()));
                for (Rec c : r.children) {
                    parts.add(c.out.mul(ratio));
                }
            } else if (rule instanceof AlphaBeta ab) {
                NDArray zp = null;
                NDArray zn = null;
                for (Rec c : r.children) {
                    zp = zp == null ? c.out.maximum(0) : zp.add(c.out.maximum(0));
                    zn = zn == null ? c.out.minimum(0) : zn.add(c.out.minimum(0));
                }
                NDArray[] s = alphaBetaShares(ab, zp, zn, signal);
                for (Rec c : r.children) {
                    parts.add(c.out.maximum(0).mul(s[0]).sub(c.out.minimum(0).mul(s[1])));
                }
            } else {
                for (int i = 0; i < r.children.size(); i++) {
                    parts.add(signal);
                }
            }
            return parts;
        }

        /** A non-ReLU leaf: the gradient rules' vector–Jacobian product, or LRP's redistribution. */
        private NDArray linear(Rec r, NDArray signal) {
            Node node = r.node;
            UnaryOperator<NDArray> f = node.kind == Kind.BATCH_NORM
                    ? x -> affine((BatchNorm) node.block, x, store)[0]
                    : x -> forward(node, x, store);
            if (rule instanceof Guided || rule instanceof Deconvnet || node.kind == Kind.ROUTE) {
                return vjp(f, r.in, signal);
            }
            if (rule instanceof Epsilon e) {
                return r.in.mul(vjp(f, r.in, signal.div(stabilise(r.out, e.epsilon()))));
            }
            return alphaBeta((AlphaBeta) rule, r, signal);
        }

        /**
         * LRP-αβ at an affine layer, with bias left out: z⁺ collects the positive contributions
         * {@code x_j w_jk > 0} — {@code x⁺·w⁺ + x⁻·w⁻}, forward passes of the block with clamped weights — and z⁻
         * the negative ones; {@code R_j = Σ_k (α z⁺_jk / Z⁺_k − β z⁻_jk / Z⁻_k) R_k}.
         */
        private NDArray alphaBeta(AlphaBeta ab, Rec r, NDArray signal) {
            Node node = r.node;
            UnaryOperator<NDArray> pos;
            UnaryOperator<NDArray> neg;
            if (node.kind == Kind.AVERAGE) {
                pos = x -> forward(node, x, store);
                neg = null;
            } else if (node.kind == Kind.BATCH_NORM) {
                NDArray scale = affine((BatchNorm) node.block, r.in, store)[1];
                NDArray sp = scale.maximum(0);
                NDArray sn = scale.minimum(0);
                pos = x -> x.mul(sp);
                neg = x -> x.mul(sn);
            } else {
                if (positive == null) {
                    positive = seam.transformedStore(scope, (p, w) -> clamp(p, w, true));
                    negative = seam.transformedStore(scope, (p, w) -> clamp(p, w, false));
                }
                pos = x -> forward(node, x, positive);
                neg = x -> forward(node, x, negative);
            }
            NDArray a = r.in.maximum(0);
            NDArray b = r.in.minimum(0);
            NDArray zp = neg == null ? pos.apply(a) : pos.apply(a).add(neg.apply(b));
            NDArray zn = neg == null ? pos.apply(b) : pos.apply(b).add(neg.apply(a));
            NDArray[] s = alphaBetaShares(ab, zp, zn, signal);
            // L = Σ (pos(a) + neg(b))·s⁺ − Σ (pos(b) + neg(a))·s⁻; R = a ⊙ ∂L/∂a + b ⊙ ∂L/∂b
            NDArray[] grads = vjp2(pos, neg, a, b, s[0], s[1]);
            return a.mul(grads[0]).add(b.mul(grads[1]));
        }

        /**
         * The per-neuron multipliers {s⁺, s⁻} of the αβ rule, {@code s⁺ = α_k R / Z⁺}, {@code s⁻ = β_k R / Z⁻}.
         * A neuron with contributions of one sign only hands all its relevance to them ({@code α_k = 1, β_k = 0},
         * or {@code α_k = 0, β_k = −1}), so that every neuron conserves relevance.
         */
        private NDArray[] alphaBetaShares(AlphaBeta ab, NDArray zp, NDArray zn, NDArray relevance) {
            NDArray hasP = zp.gt(0).toType(type, false);
            NDArray hasN = zn.lt(0).toType(type, false);
            NDArray both = hasP.mul(hasN);
            NDArray alpha = both.mul(ab.alpha()).add(hasP.sub(both));
            NDArray beta = both.mul(ab.beta()).sub(hasN.sub(both));
            NDArray sp = relevance.mul(alpha).div(zp.add(hasP.neg().add(1)));
            NDArray sn = relevance.mul(beta).div(zn.add(hasN.neg().add(1)));
            return new NDArray[] {sp, sn};
        }

        private NDArray clamp(Parameter p, NDArray w, boolean positiveHalf) {
            if (p.getType() == Parameter.Type.WEIGHT) {
                return positiveHalf ? w.maximum(0) : w.minimum(0);
            }
            return w.zerosLike(); // biases are left out of the αβ rule
        }

        /** {@code z + ε·sign(z)} with sign(0) = 1, and 1 where that is still 0 (ε = 0, z = 0). */
        private NDArray stabilise(NDArray z, double epsilon) {
            NDArray sign = z.gte(0).toType(type, false).mul(2).sub(1);
            NDArray d = z.add(sign.mul(epsilon));
            return d.add(d.eq(0).toType(type, false));
        }

        /** The vector–Jacobian product {@code sᵀ·∂f/∂x} at {@code x}, by a gradient pass on {@code f} alone. */
        private NDArray vjp(Function<NDArray, NDArray> f, NDArray x, NDArray s) {
            NDArray leaf = x.duplicate(); // a fresh leaf: PyTorch accumulates gradients on reused leaves
            leaf.setRequiresGradient(true);
            try (GradientCollector c = seam.manager().getEngine().newGradientCollector()) {
                c.backward(f.apply(leaf).mul(s).sum());
                return leaf.getGradient().duplicate();
            }
        }

        /** The gradients w.r.t. a and b of {@code Σ (pos(a) + neg(b))·sp − Σ (pos(b) + neg(a))·sn}. */
        private NDArray[] vjp2(UnaryOperator<NDArray> pos, UnaryOperator<NDArray> neg, NDArray a, NDArray b,
                NDArray sp, NDArray sn) {
            NDArray la = a.duplicate();
            NDArray lb = b.duplicate();
            la.setRequiresGradient(true);
            lb.setRequiresGradient(true);
            try (GradientCollector c = seam.manager().getEngine().newGradientCollector()) {
                NDArray zp = pos.apply(la);
                NDArray zn = pos.apply(lb);
                if (neg != null) {
                    zp = zp.add(neg.apply(lb));
                    zn = zn.add(neg.apply(la));
                }
                c.backward(zp.mul(sp).sum().sub(zn.mul(sn).sum()));
                return new NDArray[] {la.getGradient().duplicate(), lb.getGradient().duplicate()};
            }
        }
    }
}
