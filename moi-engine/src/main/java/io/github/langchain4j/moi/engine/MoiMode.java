package io.github.langchain4j.moi.engine;

/**
 * How the input of the next decoding step is built from the step just sampled.
 */
public enum MoiMode {

    /** Mixture of Inputs: a Bayesian blend of the sampled token and the next-token distribution (the paper's method). */
    MOI,

    /** Direct mixture (paper section 5.3): the distribution alone, ignoring which token was sampled. */
    DIRECT,

    /** Standard decoding: the sampled token's own embedding. */
    OFF;

    /** Parses a mode name case-insensitively, with a message that lists the valid names. */
    public static MoiMode parse(String name) {
        if (name != null) {
            for (MoiMode mode : values()) {
                if (mode.name().equalsIgnoreCase(name.trim())) {
                    return mode;
                }
            }
        }
        throw new IllegalArgumentException("unknown MoI mode '" + name + "': expected one of moi, direct, off");
    }
}
