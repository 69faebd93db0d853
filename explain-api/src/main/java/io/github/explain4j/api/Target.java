package io.github.explain4j.api;

import java.util.Objects;

/**
 * What an explanation explains: the scalar of the model's output whose dependence on the input is attributed.
 *
 * <p>The common targets are values of this interface's nested records; an engine binding may add its own kinds
 * (for example a differentiable function of the output tensor) by implementing it.
 *
 * <pre>{@code
 * Target.topPrediction()      // the class the model predicts for each input
 * Target.classIndex(281)      // a fixed class
 * Target.label("tabby")       // a class by its label (the model must know its labels)
 * }</pre>
 */
public interface Target {

    /** A short human-readable description, used in provenance and captions. */
    String describe();

    /** The class the model scores highest for each input, resolved per input on the clean input. */
    static Target topPrediction() {
        return TopPrediction.INSTANCE;
    }

    /**
     * A fixed class index.
     *
     * @throws IllegalArgumentException if {@code index < 0}
     */
    static Target classIndex(int index) {
        return new ClassIndex(index);
    }

    /** A class by label; resolved against the labels the model was described with. */
    static Target label(String label) {
        return new ClassLabel(label);
    }

    /**
     * The sum of several classes' outputs: for multi-label (sigmoid) models, the evidence for a set of labels
     * explained at once. One index gives the same as {@link #classIndex(int)}.
     */
    static Target classes(int... indices) {
        return new ClassSet(indices);
    }

    /**
     * The sum of a rectangle of one channel of a spatial output {@code (N, C, H, W)} — a segmentation or detection
     * map: "why is this region labelled as this class".
     */
    static Target region(int channel, int top, int left, int height, int width) {
        return new Region(channel, top, left, height, width);
    }

    /** The class the model scores highest. */
    enum TopPrediction implements Target {
        /** The only value. */
        INSTANCE;

        @Override
        public String describe() {
            return "top prediction";
        }
    }

    /** A fixed class index, checked against the model's number of outputs when used. */
    record ClassIndex(int index) implements Target {
        /** Checks the index. */
        public ClassIndex {
            if (index < 0) {
                throw new IllegalArgumentException(
                        "class index was " + index + "; expected a non-negative index into the model's outputs");
            }
        }

        @Override
        public String describe() {
            return "class " + index;
        }
    }

    /** Several classes, summed. */
    record ClassSet(int[] indices) implements Target {
        /** Checks and copies the indices. */
        public ClassSet {
            Objects.requireNonNull(indices, "indices");
            if (indices.length == 0) {
                throw new IllegalArgumentException("no class index was given; expected at least one");
            }
            for (int i : indices) {
                if (i < 0) {
                    throw new IllegalArgumentException(
                            "class index was " + i + "; expected non-negative indices into the model's outputs");
                }
            }
            indices = indices.clone();
        }

        @Override
        public int[] indices() {
            return indices.clone();
        }

        @Override
        public String describe() {
            return "classes " + java.util.Arrays.toString(indices);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof ClassSet c && java.util.Arrays.equals(c.indices, indices);
        }

        @Override
        public int hashCode() {
            return java.util.Arrays.hashCode(indices);
        }
    }

    /** A rectangle of one channel of a spatial output. */
    record Region(int channel, int top, int left, int height, int width) implements Target {
        /** Checks the rectangle. */
        public Region {
            if (channel < 0 || top < 0 || left < 0 || height <= 0 || width <= 0) {
                throw new IllegalArgumentException("region was channel " + channel + ", top " + top + ", left " + left
                        + ", " + height + "x" + width + "; expected a non-negative channel and corner and a positive"
                        + " size");
            }
        }

        @Override
        public String describe() {
            return "region of channel " + channel + " at (" + top + ", " + left + ") size " + height + "x" + width;
        }
    }

    /** A class by its label. */
    record ClassLabel(String label) implements Target {
        /** Checks the label. */
        public ClassLabel {
            Objects.requireNonNull(label, "label");
            if (label.isBlank()) {
                throw new IllegalArgumentException("class label was blank; expected one of the model's labels");
            }
        }

        @Override
        public String describe() {
            return "class '" + label + "'";
        }
    }
}
