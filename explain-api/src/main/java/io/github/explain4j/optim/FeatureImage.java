package io.github.explain4j.optim;

import io.github.explain4j.api.Provenance;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What a feature visualisation found: the optimised images in pixel space, the objective's value along the way,
 * and where it came from. A heap value.
 *
 * @param images one {@code channels × height × width} array per image of the batch, channel-first, pixel values
 *     in [0, 1] before the model's normalisation
 * @param channels the channels per image (as the model's input spec)
 * @param height the height
 * @param width the width
 * @param objectiveHistory the objective's value at each step, as the step saw it (through that step's transforms)
 * @param intermediates the images at the steps asked for ({@code thresholds}), by step, each like {@code images}
 * @param provenance the optimiser and its settings (parameterisation, transforms, steps, optimiser), seed, engine
 *     and model; the target is the objective's description
 */
public record FeatureImage(List<float[]> images, int channels, int height, int width, double[] objectiveHistory,
        java.util.SortedMap<Integer, List<float[]>> intermediates, Provenance provenance) {

    /** Checks and copies the values. */
    public FeatureImage {
        Objects.requireNonNull(provenance, "provenance");
        if (channels < 1 || height < 1 || width < 1) {
            throw new IllegalArgumentException("image shape was " + channels + "×" + height + "×" + width);
        }
        List<float[]> copies = new ArrayList<>(images.size());
        for (int i = 0; i < images.size(); i++) {
            float[] image = images.get(i);
            if (image.length != channels * height * width) {
                throw new IllegalArgumentException("image " + i + " has " + image.length + " values; expected "
                        + channels + "×" + height + "×" + width);
            }
            copies.add(image.clone());
        }
        images = List.copyOf(copies);
        objectiveHistory = objectiveHistory.clone();
        java.util.TreeMap<Integer, List<float[]>> steps = new java.util.TreeMap<>();
        intermediates.forEach((step, list) -> steps.put(step, list.stream().map(float[]::clone).toList()));
        intermediates = java.util.Collections.unmodifiableSortedMap(steps);
    }

    /** Image {@code i} of the batch (a copy). */
    public float[] image(int i) {
        return images.get(i).clone();
    }

    /** The objective's values (a copy). */
    @Override
    public double[] objectiveHistory() {
        return objectiveHistory.clone();
    }
}
