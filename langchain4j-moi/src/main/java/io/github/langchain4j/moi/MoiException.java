package io.github.langchain4j.moi;

import dev.langchain4j.exception.LangChain4jException;

/**
 * Root of the exceptions this library throws for failures of the model or its files
 * (bad configuration is reported with {@link IllegalArgumentException}).
 */
public class MoiException extends LangChain4jException {

    public MoiException(String message) {
        super(message);
    }

    public MoiException(String message, Throwable cause) {
        super(message, cause);
    }
}
