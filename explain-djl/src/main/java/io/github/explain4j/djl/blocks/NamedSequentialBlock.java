package io.github.explain4j.djl.blocks;

import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;

/**
 * A {@link SequentialBlock} whose children are added under chosen names.
 *
 * <pre>{@code
 * NamedSequentialBlock net = new NamedSequentialBlock()
 *         .add("conv1", Conv2d.builder().setKernelShape(new Shape(3, 3)).setFilters(8).build())
 *         .add("conv1_relu", Activation.reluBlock());
 * net.getChildren().keys();   // [01conv1, 02conv1_relu]
 * }</pre>
 */
public class NamedSequentialBlock extends SequentialBlock {

    /** Creates an empty sequence. */
    public NamedSequentialBlock() {
        super();
    }

    /**
     * Appends {@code block} under {@code name}; DJL stores it as the child {@code NN<name>}, where {@code NN} is its
     * two-digit position.
     *
     * @param name the layer name, not blank
     * @param block the block to append
     * @return this block
     * @throws IllegalArgumentException if the name is blank
     */
    public NamedSequentialBlock add(String name, Block block) {
        addChildBlock(NamedBlocks.checkName(name), block);
        return this;
    }
}
