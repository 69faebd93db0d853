/**
 * explain4j on DJL: {@link io.github.explain4j.djl.ExplainableModel} wraps a DJL model on any engine with its
 * input description, and {@link io.github.explain4j.djl.Explainer} gives one-line explanations. The methods
 * themselves live in family packages ({@code attribution}, {@code cam}).
 */
package io.github.explain4j.djl;
