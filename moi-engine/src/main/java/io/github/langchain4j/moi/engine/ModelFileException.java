package io.github.langchain4j.moi.engine;

/**
 * A model file is missing, unreadable, not GGUF, damaged, or of a kind this library does not support.
 */
public class ModelFileException extends MoiEngineException {

    public ModelFileException(String message) {
        super(message);
    }

    public ModelFileException(String message, Throwable cause) {
        super(message, cause);
    }
}
