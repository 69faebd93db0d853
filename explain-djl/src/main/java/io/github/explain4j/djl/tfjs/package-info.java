/**
 * Import of TensorFlow.js models into DJL block trees, and the converted models that explain4j ships.
 *
 * <p>{@link io.github.explain4j.djl.tfjs.TfjsImporter} reads a TF.js {@code model.json} (graph model or Keras
 * layers model) with its weight shards and builds an equivalent tree of
 * {@link io.github.explain4j.djl.blocks.NamedSequentialBlock}s, {@link io.github.explain4j.djl.blocks.NamedParallelBlock}s
 * (residual adds, sum join) and DJL leaf blocks ({@code Conv2d}, {@code BatchNorm}, {@code Linear},
 * {@code Dropout}, {@code LambdaBlock} for activations, pads and pooling). Children carry the TF/Keras layer names,
 * so a layer such as MobileNetV2's {@code block_3_expand} is found with
 * {@link io.github.explain4j.djl.blocks.NamedBlocks#find(ai.djl.nn.Block, String)}.
 *
 * <p>Conventions of the translation:
 * <ul>
 *   <li>Input is NCHW (TF.js: NHWC). Kernels are converted HWIO → OIHW, depthwise {@code [kh, kw, C, 1]} →
 *       {@code [C, 1, kh, kw]} with {@code groups = C}, dense {@code [in, out]} → {@code [out, in]}.</li>
 *   <li>TF {@code SAME} padding becomes the convolution's padding when symmetric, else an explicit pad block
 *       {@code <layer>_pad} (stride 2 on an even size pads bottom/right only); max pooling pads explicitly with
 *       −∞.</li>
 *   <li>An activation fused into a convolution or dense layer is its own block right after it
 *       ({@code dense_3_softmax}, {@code conv2d_1} then {@code block1_conv1_act}), so the last child of a classifier
 *       is its softmax and the layer before gives the logits.</li>
 *   <li>Batch normalisation stays a DJL {@code BatchNorm} with the running statistics as parameters (Keras
 *       {@code BatchNormalization}); the graph model's batch norms were already folded into its convolutions by
 *       the TF.js converter.</li>
 * </ul>
 *
 * <p>{@link io.github.explain4j.djl.tfjs.TfjsModels} loads the shipped conversions from the repository's
 * {@code models/} folder (DJL {@code .params} files that load on PyTorch and MXNet);
 * {@link io.github.explain4j.djl.tfjs.TfjsPreprocessing} prepares their inputs. {@code tools/import-tfjs.sh}
 * re-creates the folders from the npm packages.
 */
package io.github.explain4j.djl.tfjs;
