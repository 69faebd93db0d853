/**
 * Methods made of methods from two families: Guided Grad-CAM (guided backpropagation × Grad-CAM). The one package
 * that imports family packages; the families themselves import only {@code core}.
 */
package io.github.explain4j.djl.combined;
