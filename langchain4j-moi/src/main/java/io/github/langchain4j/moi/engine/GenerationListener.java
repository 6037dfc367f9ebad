package io.github.langchain4j.moi.engine;

/**
 * Receives generation as it happens. Called on the generating thread.
 */
public interface GenerationListener {

    /** Text that is final (complete UTF-8, not part of a possible stop string). */
    default void onText(String text) {
    }

    /** One generated position, when the request asked for a trace. */
    default void onStep(MoiStep step) {
    }

    /** Polled between steps: return true to stop generating (finish reason CANCELLED). */
    default boolean isCancelled() {
        return false;
    }

    GenerationListener NONE = new GenerationListener() {
    };
}
