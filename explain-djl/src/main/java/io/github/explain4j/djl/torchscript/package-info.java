/**
 * TorchScript models: load a {@code .pt} file ({@link io.github.explain4j.djl.torchscript.TorchScriptModels}) and
 * explain it ({@link io.github.explain4j.djl.torchscript.TorchScriptSeam}, chosen by
 * {@link io.github.explain4j.djl.ExplainableModel#of(ai.djl.Model, io.github.explain4j.api.InputSpec)}).
 *
 * <p>Input-gradient methods (Saliency, Input × Gradient, Integrated Gradients, SmoothGrad) work on any module.
 * Layer methods (Grad-CAM) need the module to export two methods with {@code @torch.jit.export}:
 * {@code forward_features(x)}, whose output is the layer explained (named {@code "features"}), and
 * {@code forward_head(features)}, with {@code forward(x) == forward_head(forward_features(x))}.
 *
 * <p>The PyTorch engine is an optional dependency of explain-djl: {@code TorchScriptModels} uses only DJL's API,
 * and {@code TorchScriptSeam}, the one class that uses PyTorch types, is loaded only when a TorchScript block is
 * explained.
 */
package io.github.explain4j.djl.torchscript;
