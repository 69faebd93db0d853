/**
 * A testing kit for attribution methods, shipped in explain-djl's test jar: {@link
 * io.github.explain4j.djl.testkit.AttributionContract} runs any method through the checks every built-in method
 * passes, on both engines.
 */
package io.github.explain4j.djl.testkit;
