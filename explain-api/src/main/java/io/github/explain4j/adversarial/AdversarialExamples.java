package io.github.explain4j.adversarial;

import io.github.explain4j.api.Provenance;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What an attack found: for each image of a batch, the adversarial image in pixel space, the image it started
 * from, and how the model classifies the adversarial image. A heap value.
 *
 * @param images the adversarial images, one {@code channels × height × width} array per image, channel-first,
 *     pixel values in [0, 1] before the model's normalisation
 * @param originals the images the attack started from (the clean images; for fooling images, the noise), like
 *     {@code images}
 * @param channels the channels per image
 * @param height the height
 * @param width the width
 * @param labels the true class of each image, or {@code −1} where there is none (fooling images from noise)
 * @param targets the class each image was pushed towards, or {@code −1} for an untargeted attack
 * @param predictions the model's class for each adversarial image
 * @param confidences the model's softmax probability of that class
 * @param norm the norm that bounds the perturbation
 * @param epsilon the bound, in pixel units; {@code +∞} when unbounded (fooling images)
 * @param provenance the method, its settings, seed, engine and model
 */
public record AdversarialExamples(List<float[]> images, List<float[]> originals, int channels, int height, int width,
        int[] labels, int[] targets, int[] predictions, float[] confidences, Norm norm, double epsilon,
        Provenance provenance) {

    /** Checks and copies the values. */
    public AdversarialExamples {
        Objects.requireNonNull(norm, "norm");
        Objects.requireNonNull(provenance, "provenance");
        if (channels < 1 || height < 1 || width < 1) {
            throw new IllegalArgumentException("image shape was " + channels + "×" + height + "×" + width);
        }
        int n = images.size();
        if (originals.size() != n || labels.length != n || targets.length != n || predictions.length != n
                || confidences.length != n) {
            throw new IllegalArgumentException("the batch's parts disagree in size: " + n + " images, "
                    + originals.size() + " originals, " + labels.length + " labels, " + targets.length + " targets, "
                    + predictions.length + " predictions, " + confidences.length + " confidences");
        }
        images = copy(images, channels * height * width, "image");
        originals = copy(originals, channels * height * width, "original");
        labels = labels.clone();
        targets = targets.clone();
        predictions = predictions.clone();
        confidences = confidences.clone();
    }

    private static List<float[]> copy(List<float[]> rows, int size, String what) {
        List<float[]> out = new ArrayList<>(rows.size());
        for (int i = 0; i < rows.size(); i++) {
            if (rows.get(i).length != size) {
                throw new IllegalArgumentException(what + " " + i + " has " + rows.get(i).length + " values; expected "
                        + size);
            }
            out.add(rows.get(i).clone());
        }
        return List.copyOf(out);
    }

    /** The number of images. */
    public int size() {
        return images.size();
    }

    /** Adversarial image {@code i} (a copy). */
    public float[] image(int i) {
        return images.get(i).clone();
    }

    /** The image attack {@code i} started from (a copy). */
    public float[] original(int i) {
        return originals.get(i).clone();
    }

    /** The size of perturbation {@code i} in the attack's norm, {@code ‖image − original‖}, in pixel units. */
    public double perturbation(int i) {
        return norm.distance(images.get(i), originals.get(i));
    }

    /**
     * Whether attack {@code i} succeeded: a targeted attack when the model gives the target, an untargeted one when
     * it gives another class than the label.
     */
    public boolean fooled(int i) {
        return targets[i] >= 0 ? predictions[i] == targets[i] : predictions[i] != labels[i];
    }

    /** The fraction of attacks that succeeded. */
    public double successRate() {
        int n = 0;
        for (int i = 0; i < size(); i++) {
            n += fooled(i) ? 1 : 0;
        }
        return size() == 0 ? 0 : n / (double) size();
    }

    /**
     * The fraction of adversarial images the model still classifies as their label (accuracy under attack), over
     * the images that have a label.
     */
    public double accuracy() {
        int right = 0;
        int labelled = 0;
        for (int i = 0; i < size(); i++) {
            if (labels[i] >= 0) {
                labelled++;
                right += predictions[i] == labels[i] ? 1 : 0;
            }
        }
        return labelled == 0 ? Double.NaN : right / (double) labelled;
    }

    @Override
    public int[] labels() {
        return labels.clone();
    }

    @Override
    public int[] targets() {
        return targets.clone();
    }

    @Override
    public int[] predictions() {
        return predictions.clone();
    }

    @Override
    public float[] confidences() {
        return confidences.clone();
    }
}
