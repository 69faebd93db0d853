/**
 * Data whose ground truth is known, for measuring explanations rather than admiring them: a synthetic dataset of
 * shapes on clutter with the mask of the object that defines each image's class.
 */
package io.github.explain4j.data;
