package io.github.langchain4j.moi.engine;

/** Why generation ended. */
public enum FinishReason {
    /** An end-of-generation token or a stop string. */
    STOP,
    /** The maximum number of output tokens, or the context window, was reached. */
    LENGTH,
    /** The caller cancelled the generation. */
    CANCELLED
}
