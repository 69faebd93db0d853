package io.github.explain4j.djl.inside;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import io.github.explain4j.djl.ExplainableModel;
import io.github.explain4j.djl.seam.TraceRequest;
import io.github.explain4j.inside.LayerActivations;
import java.awt.image.BufferedImage;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A layer's feature maps for an image: cs231n's activation view. Any addressable layer (see
 * {@code model.layers()}), including the entries a TorchScript module exports through {@code forward_trace}; the
 * network runs only up to the layer.
 *
 * <pre>{@code
 * LayerActivations a = Activations.of(model, "stage2", photo);
 * Heatmaps.write(a.image(16, 8, 64), Path.of("stage2.png"));
 * }</pre>
 */
public final class Activations {

    private Activations() {}

    /**
     * The activations of {@code layer} for {@code image} (resized and normalised as the model's input spec says).
     *
     * @throws IllegalArgumentException if the layer is unknown, or gives neither {@code (1, C, H, W)} nor
     *     {@code (1, C)}
     */
    public static LayerActivations of(ExplainableModel model, String layer, BufferedImage image) {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(image, "image was null; pass the picture to show the layer's response to");
        String path = model.seam().resolveLayer(layer);
        return model.call(scope -> {
            NDArray x = model.toInput(scope, List.of(image));
            NDArray a = model.seam().trace(scope, TraceRequest.of(x).capture(path).stopAfterCaptures())
                    .activation(path);
            long[] s = a.getShape().getShape();
            if (!(s.length == 4 || s.length == 2) || s[0] != 1) {
                throw new IllegalArgumentException("layer '" + path + "' gives shape " + Arrays.toString(s)
                        + "; activations are shown for (1, C, H, W) feature maps or (1, C) vectors");
            }
            int h = s.length == 4 ? (int) s[2] : 1;
            int w = s.length == 4 ? (int) s[3] : 1;
            return new LayerActivations(a.toType(DataType.FLOAT32, false).toFloatArray(), (int) s[1], h, w, path,
                    model.name());
        });
    }
}
