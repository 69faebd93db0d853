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
