/**
 * Views of a network's insides as heap values, engine-agnostic: a convolution's kernels ({@link Kernels}) and a
 * layer's feature maps for an image ({@link LayerActivations}), each with its rendering as an image grid
 * (cs231n's "visualizing what ConvNets learn": filters and activations); and the results of passes over a
 * dataset: the top images per unit ({@link TopHits}), each unit's top-quantile threshold ({@link UnitThresholds})
 * and how well each unit detects each labelled concept ({@link DissectionReport}, network dissection).
 */
package io.github.explain4j.inside;
