package io.github.langchain4j.moi.engine;

/**
 * An option of {@link SamplingOptions}, {@link MoiOptions}, {@link EngineConfig} or {@link GenerationRequest} has a
 * value out of range. Front ends (the chat model's builder, the Spring Boot starter, the command line) map
 * {@link #optionName()} to their own spelling of the option instead of reading the message.
 */
public class InvalidOptionException extends IllegalArgumentException {

    private final String optionName;
    private final transient Object value;

    public InvalidOptionException(String optionName, Object value, String message) {
        this(optionName, value, message, null);
    }

    public InvalidOptionException(String optionName, Object value, String message, Throwable cause) {
        super(message, cause);
        this.optionName = optionName;
        this.value = value;
    }

    /** The option's name in the engine: the name of its record component, e.g. {@code topP} or {@code maxTokens}. */
    public String optionName() {
        return optionName;
    }

    /** The value that was rejected. */
    public Object value() {
        return value;
    }
}
