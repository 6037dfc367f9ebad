package io.github.langchain4j.moi.engine;

/**
 * Which tokens the MoI mixture ranges over when the sampled token is not among the {@code mixTopK} most likely
 * ones (see {@code design/moi-algorithm.md}). Both agree exactly when it is among them.
 */
public enum MoiSupport {

    /**
     * The top k plus the sampled token as entry k + 1; prior and entropy over those k + 1, weights sum to 1.
     * This library's default.
     */
    EXTENDED,

    /**
     * The top k only, as the authors' reference implementation: prior and entropy over the k, and a sampled token
     * outside them enters only through the {@code (1 - H) e_y} term (the weights then sum to less than 1).
     * Use it for results meant to be compared with the paper.
     */
    REFERENCE;

    /** Parses a support name case-insensitively, with a message that lists the valid names. */
    public static MoiSupport parse(String name) {
        if (name != null) {
            for (MoiSupport support : values()) {
                if (support.name().equalsIgnoreCase(name.trim())) {
                    return support;
                }
            }
        }
        throw new IllegalArgumentException("unknown MoI support '" + name + "': expected one of extended, reference");
    }
}
