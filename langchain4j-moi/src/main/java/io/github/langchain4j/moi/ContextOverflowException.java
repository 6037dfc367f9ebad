package io.github.langchain4j.moi;

/**
 * A prompt does not fit in the model's context window.
 */
public class ContextOverflowException extends MoiException {

    public ContextOverflowException(String message) {
        super(message);
    }

    public ContextOverflowException(String message, Throwable cause) {
        super(message, cause);
    }
}
