package io.github.langchain4j.moi.llamacpp;

/**
 * A model file is missing, unreadable, not GGUF, damaged, or of a kind llama.cpp cannot load.
 */
public class BadModelFileException extends LlamaCppException {

    public BadModelFileException(String message) {
        super(message);
    }

    public BadModelFileException(String message, Throwable cause) {
        super(message, cause);
    }
}
