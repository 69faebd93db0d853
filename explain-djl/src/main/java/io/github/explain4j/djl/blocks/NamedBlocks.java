package io.github.explain4j.djl.blocks;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.nn.Block;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;

/** Helpers for named block trees: the sum join of residual connections and finding layers by name. */
public final class NamedBlocks {

    private static final Pattern POSITION_PREFIX = Pattern.compile("^\\d{2}");

    /** The one instance of the sum join, so that a tree walker can recognise it. */
    private static final Function<List<NDList>, NDList> SUM = NamedBlocks::sumOfBranches;

    private NamedBlocks() {}

    /**
     * The join of a residual connection: the element-wise sum of the first output of every branch.
     *
     * @return a join function for {@link NamedParallelBlock}
     */
    public static Function<List<NDList>, NDList> sum() {
        return SUM;
    }

    /**
     * Whether a join function is the one {@link #sum()} returns: explain4j's modified-backpropagation methods
     * accept a parallel block only when its join is known to be a plain sum (no hidden activation).
     *
     * @param join a join function
     * @return whether it is the sum join
     */
    public static boolean isSum(Function<List<NDList>, NDList> join) {
        return join == SUM;
    }

    private static NDList sumOfBranches(List<NDList> branches) {
        if (branches.isEmpty()) {
            throw new IllegalArgumentException("a sum needs at least one branch");
        }
        NDArray total = branches.get(0).singletonOrThrow();
        for (int i = 1; i < branches.size(); i++) {
            total = total.add(branches.get(i).singletonOrThrow());
        }
        return new NDList(total);
    }

    /**
     * The layer name of a child key: DJL's child key without its two-digit position prefix
     * ({@code "05block_3_expand"} gives {@code "block_3_expand"}).
     *
     * @param childKey a key of {@link Block#getChildren()}
     * @return the name the child was added under
     */
    public static String layerName(String childKey) {
        return POSITION_PREFIX.matcher(childKey).replaceFirst("");
    }

    /**
     * Every descendant of {@code root}, keyed by layer name, in depth-first order. A name that occurs more than
     * once keeps its first occurrence.
     *
     * @param root the tree to walk
     * @return the descendants by layer name
     */
    public static Map<String, Block> layers(Block root) {
        Map<String, Block> out = new LinkedHashMap<>();
        collect(root, out);
        return out;
    }

    /**
     * The descendant of {@code root} added under {@code name}, searched depth-first.
     *
     * @param root the tree to search
     * @param name the layer name (without DJL's position prefix)
     * @return the layer, or empty if no descendant has that name
     */
    public static Optional<Block> find(Block root, String name) {
        return Optional.ofNullable(layers(root).get(name));
    }

    /**
     * The path of child keys from {@code root} down to the layer named {@code name}, for example
     * {@code [17block_2_add, 02block_2, 01block_2_expand]}.
     *
     * @param root the tree to search
     * @param name the layer name
     * @return the child keys from the root to the layer, or an empty list if there is no such layer
     */
    public static List<String> pathTo(Block root, String name) {
        List<String> path = new ArrayList<>();
        return search(root, name, path) ? path : List.of();
    }

    private static boolean search(Block block, String name, List<String> path) {
        for (var child : block.getChildren()) {
            path.add(child.getKey());
            if (layerName(child.getKey()).equals(name) || search(child.getValue(), name, path)) {
                return true;
            }
            path.remove(path.size() - 1);
        }
        return false;
    }

    private static void collect(Block block, Map<String, Block> out) {
        for (var child : block.getChildren()) {
            out.putIfAbsent(layerName(child.getKey()), child.getValue());
            collect(child.getValue(), out);
        }
    }

    static String checkName(String name) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("block name was '" + name + "'; expected a non-blank name");
        }
        return name;
    }
}
