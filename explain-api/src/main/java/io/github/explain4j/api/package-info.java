/**
 * The engine-agnostic vocabulary of explain4j: what to explain ({@link io.github.explain4j.api.Target}), against
 * what reference ({@link io.github.explain4j.api.Baseline}), the contract of a method
 * ({@link io.github.explain4j.api.Attributor}) and its heap result ({@link io.github.explain4j.api.Attribution}).
 *
 * <p>Nothing here imports DJL: the types are plain Java values that any engine binding can produce and any
 * renderer can consume.
 */
package io.github.explain4j.api;
