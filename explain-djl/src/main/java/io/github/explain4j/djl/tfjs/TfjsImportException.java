package io.github.explain4j.djl.tfjs;

/**
 * A TF.js model could not be imported: a file is missing or malformed, or the model uses an op, layer or option
 * that the importer does not translate. The message names the node or layer and what was found.
 */
public class TfjsImportException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what failed, naming the node or layer
     */
    public TfjsImportException(String message) {
        super(message);
    }

    /**
     * Creates the exception with its cause.
     *
     * @param message what failed, naming the file
     * @param cause the underlying failure
     */
    public TfjsImportException(String message, Throwable cause) {
        super(message, cause);
    }
}
