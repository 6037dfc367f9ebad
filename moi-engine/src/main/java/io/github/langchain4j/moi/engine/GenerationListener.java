package io.github.langchain4j.moi.engine;

/**
 * Receives generation as it happens. Called on the generating thread.
 *
 * <p>A consumer that can take no more (a closed output stream, a client that went away) ends the generation,
 * and frees its sequence before the next token, in any of these ways: return true from {@link #isCancelled()},
 * throw from {@link #onText} (the generation then fails with that exception), or cancel the future of
 * {@link MoiEngine#submit}.
 */
public interface GenerationListener {

    /** Answer text that is final (complete UTF-8, not part of a possible stop string or thinking marker). */
    default void onText(String text) {
    }

    /** Text of the thinking segment, without its markers (see {@link ThinkingOptions}). */
    default void onThinking(String text) {
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
