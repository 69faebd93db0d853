package io.github.explain4j.data;

import java.io.Serializable;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Pixel-level concept labels of a dataset's images, by the images' {@linkplain DatasetItem#index() indices}: for
 * each image, a mask per concept (an object, a part, a material, the background), the annotations against which
 * network dissection scores units. A value (serialisable, so that a dissection job carrying it runs in partitions
 * on Spark); it computes or reads the masks of an image when asked, never holding the whole dataset's.
 *
 * <pre>{@code
 * ConceptMasks labels = ConceptMasks.shapes(SyntheticShapes.create(64), SyntheticShapes.TEST_SEED);
 * labels.masks(7).get("plus");   // row-major 64×64, true where image 7's plus sign shows
 * }</pre>
 */
public interface ConceptMasks extends Serializable {

    /** The concept names, in a stable order; every image has a mask (possibly empty) for each. */
    List<String> concepts();

    /** The masks' height in pixels (the images'). */
    int height();

    /** The masks' width in pixels (the images'). */
    int width();

    /**
     * The masks of image {@code index}: one row-major {@code boolean[height·width]} per concept of
     * {@link #concepts()}, by name. An image the concept does not appear in has an all-false mask.
     *
     * @throws IllegalArgumentException for an index the labels do not cover
     */
    Map<String, boolean[]> masks(long index);

    /** What the labels are, for provenance, e.g. {@code "synthetic shapes 64px, split 2"}. */
    String description();

    /**
     * The concepts of a synthetic shapes split ({@link SyntheticShapes#CONCEPTS}: the three class shapes, the plus
     * sign, the ellipse, the background), for images of {@link ImageSource#shapes ImageSource.shapes(shapes, seed,
     * count)}: image {@code i} of that source is sample {@code i} of the split.
     */
    static ConceptMasks shapes(SyntheticShapes shapes, long seed) {
        Objects.requireNonNull(shapes, "shapes was null; pass SyntheticShapes.create(size)");
        return new ShapesConcepts(shapes.size(), seed);
    }

    /** The synthetic shapes' concepts; holds the size and seed only and redraws each sample. */
    record ShapesConcepts(int size, long seed) implements ConceptMasks {

        @Override
        public List<String> concepts() {
            return SyntheticShapes.CONCEPTS;
        }

        @Override
        public int height() {
            return size;
        }

        @Override
        public int width() {
            return size;
        }

        @Override
        public Map<String, boolean[]> masks(long index) {
            if (index < 0 || index > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("image index was " + index + "; the synthetic shapes have images"
                        + " 0.." + Integer.MAX_VALUE);
            }
            return SyntheticShapes.create(size).sample(seed, (int) index).concepts();
        }

        @Override
        public String description() {
            return "synthetic shapes " + size + "px, split " + seed;
        }
    }
}
