package io.github.langchain4j.moi.engine;

/**
 * A prompt does not fit in the model's context window.
 */
public class ContextOverflowException extends MoiEngineException {

    public ContextOverflowException(String message) {
        super(message);
    }
}
