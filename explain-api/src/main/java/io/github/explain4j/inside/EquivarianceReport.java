package io.github.explain4j.inside;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * How equivariant each layer's representation is to each image transform (Lenc &amp; Vedaldi, "Understanding image
 * representations by measuring their equivariance and equivalence", CVPR 2015): for a transform {@code g}, the
 * layer's features of the transformed image {@code φ(gx)} against the best linear map of the features of the
 * image, moved as {@code g} moves positions, {@code g·(A φ(x))} — {@code A} a channel mixing fitted by regularised
 * least squares on one set of images. The normalised error on held-out images,
 * {@code Σ‖φ(gx) − g·Aφ(x)‖² / Σ‖φ(gx)‖²}, is 0 for an exactly equivariant layer and 1 for the useless map
 * {@code A = 0}; {@link #identityErrors()} gives the same error for {@code A = I} (plain equivariance, no mixing).
 *
 * @param layers the layers measured, in order, as the caller named them
 * @param transforms the transforms' names, in order
 * @param errors the normalised error of the fitted map, {@code [layer][transform]}
 * @param identityErrors the normalised error with {@code A = I}, {@code [layer][transform]}
 * @param fitImages how many images the maps were fitted on
 * @param testImages how many held-out images measured them
 * @param model the model's name
 */
public record EquivarianceReport(List<String> layers, List<String> transforms, double[][] errors,
        double[][] identityErrors, int fitImages, int testImages, String model) {

    /** Checks and copies. */
    public EquivarianceReport {
        layers = List.copyOf(layers);
        transforms = List.copyOf(transforms);
        Objects.requireNonNull(model, "model");
        if (errors.length != layers.size() || identityErrors.length != layers.size()) {
            throw new IllegalArgumentException("errors for " + errors.length + " layers; expected " + layers.size());
        }
        errors = copy(errors, transforms.size());
        identityErrors = copy(identityErrors, transforms.size());
    }

    /** The normalised error of the fitted map for {@code layer} under {@code transform}. */
    public double error(String layer, String transform) {
        return errors[index(layers, layer, "layer")][index(transforms, transform, "transform")];
    }

    /** The error per layer, by transform, in the layers' order (for a plot). */
    public Map<String, double[]> byTransform() {
        Map<String, double[]> out = new LinkedHashMap<>();
        for (int t = 0; t < transforms.size(); t++) {
            double[] e = new double[layers.size()];
            for (int l = 0; l < e.length; l++) {
                e[l] = errors[l][t];
            }
            out.put(transforms.get(t), e);
        }
        return Collections.unmodifiableMap(out);
    }

    /**
     * The error per layer for each transform as a line plot (layers in order along x) — Lenc &amp; Vedaldi's
     * figure.
     */
    public java.awt.image.BufferedImage plot(String title, int width, int height) {
        double[] x = new double[layers.size()];
        for (int l = 0; l < x.length; l++) {
            x[l] = l;
        }
        io.github.explain4j.render.LinePlot p = io.github.explain4j.render.LinePlot.titled(title)
                .axes("layer (" + String.join(", ", layers) + ")", "normalised error").yRange(0, 1);
        for (Map.Entry<String, double[]> e : byTransform().entrySet()) {
            p = p.series(e.getKey(), x, e.getValue());
        }
        return p.render(width, height);
    }

    @Override
    public double[][] errors() {
        return copy(errors, transforms.size());
    }

    @Override
    public double[][] identityErrors() {
        return copy(identityErrors, transforms.size());
    }

    private static int index(List<String> names, String name, String what) {
        int i = names.indexOf(name);
        if (i < 0) {
            throw new IllegalArgumentException(what + " '" + name + "' was not measured; measured: " + names);
        }
        return i;
    }

    private static double[][] copy(double[][] a, int columns) {
        double[][] out = new double[a.length][];
        for (int i = 0; i < a.length; i++) {
            if (a[i].length != columns) {
                throw new IllegalArgumentException("row " + i + " has " + a[i].length + " errors; expected " + columns);
            }
            out[i] = a[i].clone();
        }
        return out;
    }
}
