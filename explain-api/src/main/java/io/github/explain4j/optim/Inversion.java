package io.github.explain4j.optim;

import io.github.explain4j.api.Provenance;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What an inversion reconstructed from an image's representation (Mahendran &amp; Vedaldi 2015; Dosovitskiy &amp;
 * Brox 2016): the reconstruction in pixel space and how close its representation is to the original's. A heap
 * value.
 *
 * @param image the reconstruction, {@code channels × height × width}, channel-first, pixel values in [0, 1]
 * @param channels the channels (as the model's input spec)
 * @param height the height
 * @param width the width
 * @param relativeFeatureError per layer inverted, {@code ‖Φ(x) − Φ₀‖² / ‖Φ₀‖²} of the reconstruction
 * @param provenance the inverter and its settings, seed, engine and model; the target names the layers
 */
public record Inversion(float[] image, int channels, int height, int width, Map<String, Double> relativeFeatureError,
        Provenance provenance) {

    /** Checks and copies the values. */
    public Inversion {
        Objects.requireNonNull(provenance, "provenance");
        if (image.length != channels * height * width) {
            throw new IllegalArgumentException("the image has " + image.length + " values; expected " + channels
                    + "×" + height + "×" + width);
        }
        image = image.clone();
        relativeFeatureError = Collections.unmodifiableMap(new LinkedHashMap<>(relativeFeatureError));
    }

    /** The reconstruction (a copy). */
    @Override
    public float[] image() {
        return image.clone();
    }
}
