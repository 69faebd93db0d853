/**
 * JMH benchmarks of explain4j's gradient-heavy methods on a standard {@link io.github.explain4j.bench.ResNet18},
 * each next to its floor (the same engine's forward and backward passes), and the tools that run them and turn
 * their results into ratios. Not part of the library; see {@code explain-bench/README.md}.
 */
package io.github.explain4j.bench;
