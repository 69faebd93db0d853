package io.github.explain4j.djl.tfjs;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.LambdaBlock;
import io.github.explain4j.djl.blocks.NamedBlocks;
import io.github.explain4j.djl.blocks.NamedParallelBlock;
import io.github.explain4j.djl.blocks.NamedSequentialBlock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The network being imported, as a graph of nodes in topological order; each node contributes a short sequence of
 * named DJL blocks, and an add node joins branches. {@link #buildTree()} turns the graph into a tree of
 * {@link NamedSequentialBlock}s and {@link NamedParallelBlock}s (sum join), which works for series-parallel
 * networks: every fork is closed by one add node. Any other graph is rejected with the node where it fails.
 */
final class NetGraph {

    /** Feature-map dimensions of a node's output in NCHW order, without the batch; {@code h == 0} if flat. */
    record Dims(long c, long h, long w) {

        static Dims flat(long features) {
            return new Dims(features, 0, 0);
        }

        boolean isFlat() {
            return h == 0;
        }

        Shape toShape(long batch) {
            return isFlat() ? new Shape(batch, c) : new Shape(batch, c, h, w);
        }

        @Override
        public String toString() {
            return isFlat() ? "(" + c + ")" : "(" + c + ", " + h + ", " + w + ")";
        }
    }

    /** A block under the name it gets in its parent. */
    record Named(String name, Block block) {}

    /** A parameter value to copy into an initialised block; {@code values} is null for a topology-only import. */
    record Assignment(Block block, String parameter, Shape shape, float[] values, String source) {}

    /** A node of the graph: a layer (a sequence of blocks), the input, or an add that joins its inputs. */
    static final class Node {
        final String id;
        final String label;
        final List<String> inputs;
        final boolean add;
        final List<Named> blocks = new ArrayList<>();
        Dims dims;

        Node(String id, String label, List<String> inputs, boolean add) {
            this.id = id;
            this.label = label;
            this.inputs = List.copyOf(inputs);
            this.add = add;
        }
    }

    private final Map<String, Node> nodes = new LinkedHashMap<>();
    private final Map<String, Integer> order = new HashMap<>();
    private final List<Assignment> assignments = new ArrayList<>();
    private final Set<String> blockNames = new HashSet<>();
    private String input;
    private String output;

    Node addInput(String id, String label, Dims dims) {
        if (input != null) {
            throw new TfjsImportException("model has a second input '" + id + "' (first: '" + input
                    + "'); only single-input models are supported");
        }
        input = id;
        Node node = put(new Node(id, label, List.of(), false));
        node.dims = dims;
        return node;
    }

    Node addNode(String id, String label, List<String> inputs) {
        return put(new Node(id, label, inputs, false));
    }

    Node addSum(String id, String label, List<String> inputs) {
        if (inputs.size() < 2) {
            throw new TfjsImportException("add '" + id + "' has " + inputs.size() + " input(s); expected at least 2");
        }
        Dims first = node(inputs.get(0), id).dims;
        for (String in : inputs) {
            if (!node(in, id).dims.equals(first)) {
                throw new TfjsImportException("add '" + id + "' joins different shapes " + first + " and "
                        + node(in, id).dims + "; broadcasting adds are not supported");
            }
        }
        Node n = put(new Node(id, uniqueName(label), inputs, true));
        n.dims = first;
        return n;
    }

    Node node(String id, String usedBy) {
        Node n = nodes.get(id);
        if (n == null) {
            throw new TfjsImportException("'" + usedBy + "' reads '" + id + "', which is not defined before it");
        }
        return n;
    }

    Dims dimsOf(String id, String usedBy) {
        return node(id, usedBy).dims;
    }

    void setOutput(String id) {
        node(id, "the model output");
        output = id;
    }

    Dims outputDims() {
        return nodes.get(output).dims;
    }

    Dims inputDims() {
        return nodes.get(input).dims;
    }

    String input() {
        return input;
    }

    /** Claims a block name, unique in the whole tree so that layers can be found by name. */
    String uniqueName(String wanted) {
        String name = wanted;
        for (int i = 2; !blockNames.add(name); i++) {
            name = wanted + "_" + i;
        }
        return name;
    }

    void assign(Block block, String parameter, Shape shape, float[] values, String source) {
        assignments.add(new Assignment(block, parameter, shape, values, source));
    }

    List<Assignment> assignments() {
        return assignments;
    }

    private Node put(Node node) {
        for (String in : node.inputs) {
            node(in, node.id);
        }
        if (nodes.putIfAbsent(node.id, node) != null) {
            throw new TfjsImportException("node '" + node.id + "' is defined twice");
        }
        order.put(node.id, order.size());
        return node;
    }

    /** Builds the block tree from the input to the output. */
    NamedSequentialBlock buildTree() {
        if (input == null || output == null) {
            throw new TfjsImportException("model has no input or no output");
        }
        Set<String> placed = new HashSet<>();
        NamedSequentialBlock root = new NamedSequentialBlock();
        for (Named named : chain(output, input, placed)) {
            root.add(named.name(), named.block());
        }
        return root;
    }

    /** The blocks that compute {@code to} from {@code from}, in forward order. */
    private List<Named> chain(String to, String from, Set<String> placed) {
        Deque<Named> out = new ArrayDeque<>();
        String current = to;
        while (!current.equals(from)) {
            Node node = nodes.get(current);
            if (node.inputs.isEmpty()) {
                throw new TfjsImportException("the path back from '" + to + "' reaches the input without passing '"
                        + from + "': the network is not a series-parallel graph");
            }
            if (!placed.add(current)) {
                throw new TfjsImportException("node '" + current + "' is used on two paths that are not joined by "
                        + "a single add: the network is not a series-parallel graph");
            }
            if (node.add) {
                String fork = fork(node);
                NamedParallelBlock join = new NamedParallelBlock(NamedBlocks.sum());
                boolean identitySeen = false;
                int index = 1;
                for (String branchEnd : node.inputs) {
                    List<Named> branch = chain(branchEnd, fork, placed);
                    if (branch.isEmpty()) {
                        join.add(identitySeen ? "shortcut_" + index : "shortcut",
                                new LambdaBlock(x -> x, "identity"));
                        identitySeen = true;
                    } else if (branch.size() == 1) {
                        join.add(branch.get(0).name(), branch.get(0).block());
                    } else {
                        NamedSequentialBlock seq = new NamedSequentialBlock();
                        branch.forEach(b -> seq.add(b.name(), b.block()));
                        join.add(uniqueName(node.label + "_branch_" + index), seq);
                    }
                    index++;
                }
                out.addFirst(new Named(node.label, join));
                current = fork;
            } else {
                if (node.inputs.size() != 1) {
                    throw new TfjsImportException("node '" + current + "' has " + node.inputs.size()
                            + " inputs; only adds may join tensors");
                }
                for (int i = node.blocks.size() - 1; i >= 0; i--) {
                    out.addFirst(node.blocks.get(i));
                }
                current = node.inputs.get(0);
            }
        }
        return new ArrayList<>(out);
    }

    /** The latest node that every input of the add depends on: where its branches split. */
    private String fork(Node add) {
        Set<String> common = null;
        for (String in : add.inputs) {
            Set<String> ancestors = ancestors(in);
            if (common == null) {
                common = ancestors;
            } else {
                common.retainAll(ancestors);
            }
        }
        String best = null;
        for (String id : common) {
            if (best == null || order.get(id) > order.get(best)) {
                best = id;
            }
        }
        if (best == null) {
            throw new TfjsImportException("the inputs of add '" + add.id + "' share no common ancestor");
        }
        return best;
    }

    private Set<String> ancestors(String id) {
        Set<String> seen = new HashSet<>();
        Deque<String> todo = new ArrayDeque<>(List.of(id));
        while (!todo.isEmpty()) {
            String next = todo.pop();
            if (seen.add(next)) {
                todo.addAll(nodes.get(next).inputs);
            }
        }
        return seen;
    }
}
