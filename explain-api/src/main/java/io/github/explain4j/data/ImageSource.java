package io.github.explain4j.data;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * A dataset of images read in order, never held whole: a folder of image files, an IDX file (MNIST's format), a
 * list or any {@code Iterable} of images, the synthetic shapes. Dataset passes read it as a stream, batch by
 * batch, so memory stays bounded by the batch whatever the dataset's size; a pass that was interrupted starts the
 * stream again at the first image it had not finished ({@link #stream(long)}).
 *
 * <pre>{@code
 * ImageSource test = ImageSource.idx(dir.resolve("t10k-images-idx3-ubyte.gz"),
 *         dir.resolve("t10k-labels-idx1-ubyte.gz"));
 * ImageSource photos = ImageSource.folder(Path.of("photos"));   // one sub-folder per class, or flat
 * try (Stream<DatasetItem> s = photos.stream()) { s.limit(3).forEach(System.out::println); }
 * }</pre>
 *
 * <p>A source hands out the same images in the same order every time it is streamed; results refer to images by
 * their {@link DatasetItem#index() index}.
 */
public interface ImageSource {

    /** The number of images, or -1 when the source cannot tell before reading them all. */
    long size();

    /** What the images are, for provenance and to recognise a checkpoint's source, e.g. {@code "folder photos (120)"}. */
    String description();

    /** The class names by label; empty when the source has no labels. */
    default List<String> classes() {
        return List.of();
    }

    /**
     * The images from {@code first} on, in order. Close the stream (try-with-resources) to release the files it
     * reads.
     *
     * @throws IllegalArgumentException for a negative {@code first}
     * @throws java.io.UncheckedIOException when a file cannot be read; the message names it
     */
    Stream<DatasetItem> stream(long first);

    /** All the images, in order. */
    default Stream<DatasetItem> stream() {
        return stream(0);
    }

    /**
     * The first {@code count} images of this source.
     *
     * @throws IllegalArgumentException unless {@code count} is positive
     */
    default ImageSource limit(long count) {
        return Sources.limit(this, count);
    }

    /**
     * The image files of a folder (PNG, JPEG, BMP, GIF), in the order of their relative paths. When the folder
     * holds sub-folders, each sub-folder is a class (named after it, in sorted order) and the images in it carry
     * its label — the layout of torchvision's {@code ImageFolder}; otherwise the images are unlabelled.
     *
     * @throws java.io.UncheckedIOException naming the folder when it cannot be listed or holds no image
     */
    static ImageSource folder(Path dir) {
        return FolderImages.of(dir);
    }

    /**
     * The images of an IDX file of unsigned bytes ({@code (N, H, W)}, grey; gzip-compressed when its name ends in
     * {@code .gz}), with the labels of a second IDX file ({@code (N)}).
     *
     * @param images the image file, e.g. {@code t10k-images-idx3-ubyte.gz}
     * @param labels the label file, or null for unlabelled images
     * @throws java.io.UncheckedIOException naming the file when it is missing or not such an IDX file, or when
     *     the two files' counts differ
     */
    static ImageSource idx(Path images, Path labels) {
        return IdxImages.of(images, labels);
    }

    /**
     * Images kept by the caller, unlabelled. A {@link Collection} tells its size; any other {@code Iterable} is
     * read once to the end when its size is needed, and must give the same images each time it is iterated.
     */
    static ImageSource of(Iterable<BufferedImage> images) {
        Objects.requireNonNull(images, "images was null; pass a list or any Iterable of images");
        return Sources.iterable(images, null, List.of());
    }

    /**
     * Images with their labels.
     *
     * @param classes the class names by label (may be empty)
     * @throws IllegalArgumentException when the counts differ or a label is negative or not below the number of
     *     classes
     */
    static ImageSource of(List<BufferedImage> images, int[] labels, List<String> classes) {
        Objects.requireNonNull(images, "images was null; pass the images");
        Objects.requireNonNull(labels, "labels was null; pass one label per image, or use ImageSource.of(images)");
        Objects.requireNonNull(classes, "classes was null; pass the class names, or List.of()");
        if (labels.length != images.size()) {
            throw new IllegalArgumentException(images.size() + " images but " + labels.length + " labels; pass one"
                    + " label per image");
        }
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || (!classes.isEmpty() && labels[i] >= classes.size())) {
                throw new IllegalArgumentException("label of image " + i + " was " + labels[i] + "; expected 0.."
                        + (classes.isEmpty() ? "" : classes.size() - 1));
            }
        }
        return Sources.iterable(new ArrayList<>(images), labels.clone(), List.copyOf(classes));
    }

    /** {@code count} samples of the synthetic shapes' split {@code seed} (labels: circle, square, triangle). */
    static ImageSource shapes(SyntheticShapes shapes, long seed, int count) {
        Objects.requireNonNull(shapes, "shapes was null; pass SyntheticShapes.create(size)");
        if (count <= 0) {
            throw new IllegalArgumentException("count was " + count + "; expected a positive number of samples");
        }
        return Sources.shapes(shapes, seed, count);
    }
}
