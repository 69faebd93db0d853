/**
 * What every family of methods shares: evaluating objectives on a trace ({@link
 * io.github.explain4j.djl.core.Objectives}), and the bases and helpers the method families stand on. Family
 * packages import this one, not each other.
 */
package io.github.explain4j.djl.core;
