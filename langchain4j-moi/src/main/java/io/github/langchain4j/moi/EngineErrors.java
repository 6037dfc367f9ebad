package io.github.langchain4j.moi;

import io.github.langchain4j.moi.engine.MoiEngineException;

/**
 * The boundary between the engine's exceptions (plain Java) and this adapter's, which extend LangChain4j's
 * {@code LangChain4jException}: same message, the engine's exception as the cause.
 */
final class EngineErrors {

    private EngineErrors() {
    }

    /** The adapter's exception for an engine failure; anything else (bad arguments, closed model) as it is. */
    static RuntimeException toMoiException(RuntimeException e) {
        if (e instanceof io.github.langchain4j.moi.engine.ContextOverflowException) {
            return new ContextOverflowException(e.getMessage(), e);
        }
        if (e instanceof io.github.langchain4j.moi.engine.ModelFileException) {
            return new ModelFileException(e.getMessage(), e);
        }
        if (e instanceof MoiEngineException) {
            return new MoiException(e.getMessage(), e);
        }
        return e;
    }
}
