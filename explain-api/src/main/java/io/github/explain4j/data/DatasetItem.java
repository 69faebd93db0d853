package io.github.explain4j.data;

import java.awt.image.BufferedImage;
import java.util.Objects;

/**
 * One image of a dataset, as an {@link ImageSource} hands it out.
 *
 * @param index its position in the source, from 0; results refer to images by it
 * @param image the decoded image
 * @param label its class index into {@link ImageSource#classes()}, or {@link #UNLABELLED}
 * @param name where it came from (a file's path relative to the folder, {@code "idx:17"}, {@code "#17"})
 */
public record DatasetItem(long index, BufferedImage image, int label, String name) {

    /** The label of an image without one. */
    public static final int UNLABELLED = -1;

    /**
     * Checks the item.
     *
     * @throws IllegalArgumentException for a negative index or a label below {@link #UNLABELLED}
     */
    public DatasetItem {
        if (index < 0) {
            throw new IllegalArgumentException("item index was " + index + "; expected ≥ 0");
        }
        Objects.requireNonNull(image, () -> "image of item " + index + " was null; a source hands out decoded images");
        if (label < UNLABELLED) {
            throw new IllegalArgumentException("label of item " + index + " was " + label + "; expected a class index"
                    + " ≥ 0, or DatasetItem.UNLABELLED (-1)");
        }
        Objects.requireNonNull(name, "name");
    }

    /** Whether the image has a label. */
    public boolean labelled() {
        return label != UNLABELLED;
    }
}
