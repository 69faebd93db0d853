/** Numbers that tell whether an explanation can be trusted: localisation against known object masks. */
package io.github.explain4j.metrics;
