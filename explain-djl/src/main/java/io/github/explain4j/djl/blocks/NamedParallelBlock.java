package io.github.explain4j.djl.blocks;

import ai.djl.ndarray.NDList;
import ai.djl.nn.Block;
import ai.djl.nn.ParallelBlock;
import java.util.List;
import java.util.function.Function;

/**
 * A {@link ParallelBlock} whose branches are added under chosen names. Every branch receives the block's input;
 * the join function combines the branches' outputs (for a residual connection, {@link NamedBlocks#sum()}).
 */
public class NamedParallelBlock extends ParallelBlock {

    /**
     * Creates a parallel block without branches.
     *
     * @param join combines the branches' outputs, in the order the branches were added
     */
    public NamedParallelBlock(Function<List<NDList>, NDList> join) {
        super(join);
    }

    /**
     * Adds a branch under {@code name}; DJL stores it as the child {@code NN<name>}, where {@code NN} is its
     * two-digit position.
     *
     * @param name the branch name, not blank
     * @param block the branch
     * @return this block
     * @throws IllegalArgumentException if the name is blank
     */
    public NamedParallelBlock add(String name, Block block) {
        addChildBlock(NamedBlocks.checkName(name), block);
        return this;
    }
}
