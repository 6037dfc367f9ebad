package io.github.langchain4j.moi.engine;

/**
 * Which generated positions get MoI's mixed input. Outside the scope a step feeds its sampled token alone
 * (weight 1), as {@link MoiMode#OFF} does.
 */
public enum MoiScope {
    /** Every generated token (the paper). */
    ALL,
    /** Only the tokens of the thinking segment; the answer is standard decoding (close to "soft thinking"). */
    THINKING,
    /** Only the answer's tokens; the thinking segment is standard decoding. */
    ANSWER;

    /** The scope of a name, case-insensitive: all, thinking or answer. */
    public static MoiScope parse(String name) {
        if (name != null) {
            for (MoiScope scope : values()) {
                if (scope.name().equalsIgnoreCase(name.trim())) {
                    return scope;
                }
            }
        }
        throw new IllegalArgumentException("unknown MoI scope '" + name + "': expected one of all, thinking, answer");
    }

    /** Whether a step in {@code segment} gets the mixture. */
    public boolean covers(Segment segment) {
        return this == ALL || (this == THINKING) == (segment == Segment.THINKING);
    }
}
