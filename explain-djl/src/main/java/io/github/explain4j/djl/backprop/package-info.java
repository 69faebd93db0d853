/**
 * Modified backpropagation: methods that send a signal back through the network layer by layer with their own
 * rule at ReLUs (guided backpropagation, deconvnet, guided Grad-CAM) or at every layer (layer-wise relevance
 * propagation). Each rule is one {@link io.github.explain4j.djl.backprop.PropagationRule} class (LRP-ε, -γ, -αβ,
 * z^B, and the guided and deconvnet ReLU rules); {@link io.github.explain4j.djl.backprop.Lrp} applies one rule, or
 * rules per layer. They run on {@link io.github.explain4j.djl.seam.LayerwiseBackward}, which applies the rule at
 * every ReLU of the model or refuses the model, naming the layers it cannot vouch for.
 */
package io.github.explain4j.djl.backprop;
