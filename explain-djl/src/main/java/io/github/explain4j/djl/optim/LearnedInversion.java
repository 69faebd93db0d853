package io.github.explain4j.djl.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.github.explain4j.api.InputSpec;
import io.github.explain4j.api.Inverter;
import io.github.explain4j.api.Provenance;
import io.github.explain4j.djl.ExplainableModel;
import io.github.explain4j.djl.core.Normalization;
import io.github.explain4j.djl.internal.HeapArrays;
import io.github.explain4j.optim.Inversion;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * Learned inversion of a representation (A. Dosovitskiy, T. Brox, "Inverting Visual Representations with
 * Convolutional Networks", CVPR 2016): an up-convolutional {@link InversionDecoder}, trained on a dataset to map a
 * layer's features back to the images, reconstructs a new image from its features in one forward pass.
 *
 * <pre>{@code
 * Path file = Path.of("models/inversion/shapes-stage2-0000.params");
 * try (InversionDecoder decoder = InversionDecoder.load(file, "PyTorch")) {
 *     Inversion inv = LearnedInversion.at("stage2", decoder).invert(model, pixels);
 * }
 * }</pre>
 *
 * <p>The decoder must have been trained for this model (by name) and this layer, and run on the model's engine;
 * otherwise the call fails with an {@link IllegalArgumentException} naming both. The result's relative feature
 * error is that of the reconstruction at the layer. Deterministic; the decoder stays open (the caller closes it).
 */
public final class LearnedInversion implements Inverter<ExplainableModel, float[]> {

    private final String layer;
    private final InversionDecoder decoder;

    private LearnedInversion(String layer, InversionDecoder decoder) {
        this.layer = layer;
        this.decoder = decoder;
    }

    /** Inverts the features of {@code layer} with {@code decoder}, which must have been trained for that layer. */
    public static LearnedInversion at(String layer, InversionDecoder decoder) {
        if (layer == null || layer.isBlank()) {
            throw new IllegalArgumentException("layer name was " + (layer == null ? "null" : "blank") + "; name the"
                    + " layer the decoder was trained for" + (decoder == null ? "" : " ('" + decoder.layer() + "')"));
        }
        Objects.requireNonNull(decoder, "decoder was null; load one with InversionDecoder.load(file, engine)");
        return new LearnedInversion(layer, decoder);
    }

    @Override
    public String name() {
        return "Learned Inversion";
    }

    /** The settings as provenance text. */
    public Map<String, String> parameters() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("layer", layer);
        p.put("decoder", "up-convolutional, width " + decoder.width() + ", " + decoder.featureShape() + " → "
                + decoder.imageShape());
        return p;
    }

    /** Inverts {@code photo}, taken at the model's input size (its spec's resize policy). */
    public Inversion invert(ExplainableModel model, BufferedImage photo) {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(photo, "photo was null; pass a decoded image (Images.read(path))");
        return invert(model, model.spec().pixels(photo));
    }

    /**
     * Inverts an image in pixel space, {@code C×H×W} at the model's input size, values in [0, 1].
     *
     * @throws IllegalArgumentException when the decoder was trained for another model or layer, runs on another
     *     engine, or the image has the wrong size
     */
    @Override
    public Inversion invert(ExplainableModel model, float[] chw) {
        return invertAll(model, List.of(chw)).get(0);
    }

    /** Inverts several images in one forward pass of the model and one of the decoder. */
    public List<Inversion> invertAll(ExplainableModel model, List<float[]> images) {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(images, "images");
        if (images.isEmpty()) {
            throw new IllegalArgumentException("no images were given; expected at least one");
        }
        String resolved = check(model);
        InputSpec spec = model.spec();
        int c = spec.channels();
        int h = spec.height();
        int w = spec.width();
        int size = c * h * w;
        float[] pixels = new float[images.size() * size];
        for (int i = 0; i < images.size(); i++) {
            float[] chw = Objects.requireNonNull(images.get(i), "image " + i + " was null");
            FeatureInversion.checkImage(chw, c, h, w);
            System.arraycopy(chw, 0, pixels, i * size, size);
        }
        int n = images.size();
        List<Inversion> out = new ArrayList<>(n);
        model.call(scope -> {
            DataType type = model.seam().dataType();
            Normalization.Columns normalization = Normalization.columns(scope, spec, type);
            NDArray x = HeapArrays.create(scope, pixels, new Shape(n, c, h, w)).toType(type, false);
            NDArray phi = model.seam().activation(scope, normalization.normalize(x), resolved);
            if (!phi.getShape().slice(1).equals(decoder.featureShape())) {
                throw new IllegalArgumentException("layer '" + layer + "' of " + model.name() + " gives features "
                        + phi.getShape().slice(1) + " but the decoder was trained on " + decoder.featureShape()
                        + "; load the decoder trained for this model and layer");
            }
            NDArray y = decoder.decode(phi.toType(DataType.FLOAT32, false)).toType(type, false);
            NDArray seen = model.seam().activation(scope, normalization.normalize(y), resolved);
            for (int i = 0; i < n; i++) {
                Map<String, Double> error = Map.of(layer, FeatureInversion.relativeError(seen.get(i), phi.get(i)));
                out.add(new Inversion(y.get(i).toType(DataType.FLOAT32, false).toFloatArray(), c, h, w, error,
                        new Provenance(name(), parameters(), OptionalLong.empty(), model.engine(), model.name(),
                                "invert " + layer, -1)));
            }
            return null;
        });
        return out;
    }

    /** Checks that the decoder fits the model; returns the layer as the seam resolves it. */
    private String check(ExplainableModel model) {
        if (!decoder.modelName().equals(model.name())) {
            throw new IllegalArgumentException("the decoder was trained for model '" + decoder.modelName()
                    + "', not '" + model.name() + "'; load the decoder trained for " + model.name());
        }
        String resolved = model.seam().resolveLayer(layer);
        if (!resolved.equals(decoder.layer())) {
            throw new IllegalArgumentException("the decoder was trained for layer '" + decoder.layer() + "' of "
                    + decoder.modelName() + ", not '" + layer + "' (" + resolved + "); load the decoder of '" + layer
                    + "', or invert at '" + decoder.layer() + "'");
        }
        if (!decoder.engine().equals(model.engine())) {
            throw new IllegalArgumentException("the decoder runs on " + decoder.engine() + " but the model on "
                    + model.engine() + "; load the decoder with InversionDecoder.load(file, \"" + model.engine()
                    + "\")");
        }
        InputSpec spec = model.spec();
        Shape image = new Shape(spec.channels(), spec.height(), spec.width());
        if (!image.equals(decoder.imageShape())) {
            throw new IllegalArgumentException("the decoder makes " + decoder.imageShape() + " images but the model"
                    + " takes " + image + "; load the decoder trained for this model");
        }
        return resolved;
    }

    @Override
    public String toString() {
        return name() + " " + parameters();
    }
}
