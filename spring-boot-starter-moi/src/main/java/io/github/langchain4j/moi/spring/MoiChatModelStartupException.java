package io.github.langchain4j.moi.spring;

import io.github.langchain4j.moi.MoiException;

/**
 * The auto-configured {@code MoiChatLanguageModel} cannot start: a property has an invalid value or names a model
 * file that cannot be used. {@link MoiFailureAnalyzer} turns it into a startup report naming the property.
 */
public class MoiChatModelStartupException extends MoiException {

    private final String property;
    private final Object value;
    private final String reason;
    private final String action;

    public MoiChatModelStartupException(String property, Object value, String reason, String action, Throwable cause) {
        super("Invalid value '" + value + "' for property '" + property + "': " + reason, cause);
        this.property = property;
        this.value = value;
        this.reason = reason;
        this.action = action;
    }

    /** The full name of the property at fault, e.g. {@code langchain4j.moi.chat-model.model-path}. */
    public String property() {
        return property;
    }

    /** The value it had ({@code null} when not set). */
    public Object value() {
        return value;
    }

    /** Why the value cannot be used. */
    public String reason() {
        return reason;
    }

    /** What to do about it. */
    public String action() {
        return action;
    }
}
