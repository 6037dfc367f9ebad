package io.github.langchain4j.moi.llamacpp;

/**
 * A failure of llama.cpp or of loading it: the library is missing or of an unsupported build, a call failed, a
 * sampler or grammar was refused. The engine turns these into its own exceptions at its boundary.
 */
public class LlamaCppException extends RuntimeException {

    public LlamaCppException(String message) {
        super(message);
    }

    public LlamaCppException(String message, Throwable cause) {
        super(message, cause);
    }
}
