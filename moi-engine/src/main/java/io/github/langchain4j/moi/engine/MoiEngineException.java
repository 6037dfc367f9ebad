package io.github.langchain4j.moi.engine;

/**
 * Root of the exceptions the engine throws for failures of the model, its files or the native library
 * (bad arguments and options are reported with {@link IllegalArgumentException}).
 */
public class MoiEngineException extends RuntimeException {

    public MoiEngineException(String message) {
        super(message);
    }

    public MoiEngineException(String message, Throwable cause) {
        super(message, cause);
    }
}
