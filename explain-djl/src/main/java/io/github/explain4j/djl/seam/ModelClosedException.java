package io.github.explain4j.djl.seam;

/**
 * Thrown when an explanation starts, or needs a parameter it has not seen yet, after the DJL model it explains was
 * closed. Explanations already running when the model is closed finish on their own views of the parameters.
 */
public class ModelClosedException extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    /** An exception with a message that should name the model and the fix. */
    public ModelClosedException(String message) {
        super(message);
    }

    /** The same, naming the model, with the seam's exception as cause. */
    public ModelClosedException(String message, Throwable cause) {
        super(message, cause);
    }
}
