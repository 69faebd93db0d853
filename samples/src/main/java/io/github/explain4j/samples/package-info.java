/** Runnable programs: the gallery (README's main job) and the training of the bundled models. */
package io.github.explain4j.samples;
