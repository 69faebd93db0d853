package io.github.explain4j.djl.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.github.explain4j.api.Images;
import io.github.explain4j.api.InputSpec;
import io.github.explain4j.djl.ExplainableModel;
import io.github.explain4j.djl.core.Objectives;
import io.github.explain4j.djl.internal.HeapArrays;
import io.github.explain4j.djl.seam.Trace;
import io.github.explain4j.djl.seam.TraceRequest;
import java.awt.image.BufferedImage;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The images that texture synthesis and style transfer take their targets from, and the targets themselves — Gram
 * matrices and activations at layers, computed on the model and returned as heap values, so that the objectives
 * holding them are plain values (materialised again at every step, never a native array held across steps).
 */
final class StyleImages {

    private StyleImages() {}

    /**
     * An image in pixel space, or a decoded picture to be taken at a size chosen later.
     *
     * @param role what the image is for, in messages ("style image", "content image")
     * @param picture a decoded picture, or {@code null}
     * @param chw pixel values {@code C×H×W} in [0, 1], or {@code null} for a picture
     * @param channels the channels of {@code chw}
     * @param height the height of {@code chw}
     * @param width the width of {@code chw}
     */
    record Source(String role, BufferedImage picture, float[] chw, int channels, int height, int width) {

        static Source of(String role, BufferedImage picture) {
            Objects.requireNonNull(picture, role + " was null; pass a decoded image (Images.read(path))");
            return new Source(role, picture, null, 0, 0, 0);
        }

        static Source of(String role, float[] chw, int channels, int height, int width) {
            Objects.requireNonNull(chw, role + " was null; pass C×H×W pixels in [0, 1]");
            if (channels < 1 || height < 1 || width < 1) {
                throw new IllegalArgumentException(role + " shape was " + channels + "×" + height + "×" + width
                        + "; expected positive channels, height and width");
            }
            if ((long) channels * height * width != chw.length) {
                throw new IllegalArgumentException(role + " has " + chw.length + " values; " + channels + "×"
                        + height + "×" + width + " needs " + (long) channels * height * width);
            }
            for (int i = 0; i < chw.length; i++) {
                if (!(chw[i] >= 0 && chw[i] <= 1)) {
                    throw new IllegalArgumentException(role + " has the value " + chw[i] + " at index " + i
                            + "; expected pixel values in [0, 1] (divide 0–255 values by 255)");
                }
            }
            return new Source(role, null, chw.clone(), channels, height, width);
        }

        /**
         * The pixels for {@code spec}'s model: a picture taken at {@code size} ({@code {}} for the spec's size) with
         * the spec's resize policy; an array as it is, after checking its channels against the model's.
         */
        Pixels pixels(InputSpec spec, int[] size) {
            int c = spec.channels();
            if (picture != null) {
                int h = size.length == 0 ? spec.height() : size[0];
                int w = size.length == 0 ? spec.width() : size[1];
                return new Pixels(Images.toChw(picture, c, h, w, spec.resize()), c, h, w);
            }
            if (channels != c) {
                throw new IllegalArgumentException("the " + role + " has " + channels + " channel"
                        + (channels == 1 ? "" : "s") + " but the model takes " + c + "; give it " + c + " channels"
                        + " (Images.toChw(image, " + c + ", height, width) converts a picture)");
            }
            return new Pixels(chw.clone(), channels, height, width);
        }

        /** A short description for provenance. */
        String describe() {
            return picture != null ? "picture " + picture.getWidth() + "×" + picture.getHeight()
                    : channels + "×" + height + "×" + width + " pixels";
        }
    }

    /** Pixel values {@code C×H×W} in [0, 1] of the model's channel count. */
    record Pixels(float[] chw, int channels, int height, int width) {}

    /** A layer's activation for one image: values and the shape without the batch. */
    record Activation(float[] values, int[] shape) {}

    /** Checks a list of layer names and resolves each on the model, so that a wrong name fails before any work. */
    static List<String> layers(ExplainableModel model, List<String> layers, String what, String fix) {
        if (layers.isEmpty()) {
            throw new IllegalArgumentException("no " + what + " were given; " + fix);
        }
        for (String layer : layers) {
            model.seam().resolveLayer(layer);
        }
        return layers;
    }

    /**
     * The activations and, when {@code grams}, the Gram matrices over positions ({@link Objectives#gram}) of one
     * image at its own size at each layer; Gram matrices come back as activations of shape {@code C, C}.
     */
    static Map<String, Activation> targets(ExplainableModel model, Pixels image, List<String> layers,
            boolean grams) {
        return model.call(scope -> {
            NDArray x = input(model, scope, image);
            Trace t;
            try {
                t = model.seam().trace(scope, TraceRequest.of(x).capture(layers.toArray(String[]::new))
                        .stopAfterCaptures());
            } catch (ai.djl.engine.EngineException e) {
                throw new IllegalArgumentException("the model did not take the " + image.height() + "×"
                        + image.width() + " image up to " + layers + " (" + e.getMessage() + "); take the image at"
                        + " the model's input size", e);
            }
            Map<String, Activation> out = new LinkedHashMap<>();
            for (String layer : layers) {
                NDArray a = t.activation(layer);
                NDArray v = grams ? Objectives.gram(a) : a;
                long[] s = v.getShape().getShape();
                int[] shape = new int[s.length - 1];
                for (int i = 1; i < s.length; i++) {
                    shape[i - 1] = Math.toIntExact(s[i]);
                }
                out.put(layer, new Activation(v.toType(DataType.FLOAT32, false).toFloatArray(), shape));
            }
            return out;
        });
    }

    /** The image normalised as the model's spec says, {@code (1, C, H, W)} at the image's own size. */
    static NDArray input(ExplainableModel model, NDManager scope, Pixels image) {
        InputSpec spec = model.spec();
        int plane = image.height() * image.width();
        float[] x = new float[image.chw().length];
        for (int ch = 0; ch < image.channels(); ch++) {
            for (int i = 0; i < plane; i++) {
                x[ch * plane + i] = spec.normalize(ch, image.chw()[ch * plane + i]);
            }
        }
        return HeapArrays.create(scope, x, new Shape(1, image.channels(), image.height(), image.width()))
                .toType(model.seam().dataType(), false);
    }

    /** Checks a size given as height and width. */
    static int[] size(String what, int height, int width) {
        if (height < 2 || width < 2) {
            throw new IllegalArgumentException(what + " was " + height + "×" + width + "; expected a height and a"
                    + " width of at least 2 pixels each");
        }
        return new int[] {height, width};
    }

    /** A weight that must be finite and not negative. */
    static double weight(String what, double value, String usual) {
        if (!(value >= 0) || !Double.isFinite(value)) {
            throw new IllegalArgumentException(what + " was " + value + "; expected a finite number ≥ 0 (" + usual
                    + ")");
        }
        return value;
    }

    static String list(List<String> layers) {
        return Arrays.toString(layers.toArray());
    }
}
