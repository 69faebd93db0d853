/**
 * DJL container blocks whose children carry the names of the layers they came from.
 *
 * <p>{@link ai.djl.nn.SequentialBlock} and {@link ai.djl.nn.ParallelBlock} name their children after the child's
 * class. Networks imported from other frameworks need their original layer names (for example
 * {@code block_3_expand} in Keras' MobileNetV2) so that a user can point an explanation method at a layer. These
 * subclasses only add {@code add(name, block)}; they stay a {@code SequentialBlock} / {@code ParallelBlock}, so any
 * code that walks DJL block trees handles them unchanged.
 *
 * <p>DJL stores a child under its name prefixed with a two-digit position ({@code 01block_3_expand});
 * {@link io.github.explain4j.djl.blocks.NamedBlocks#layerName(String)} removes that prefix again.
 */
package io.github.explain4j.djl.blocks;
