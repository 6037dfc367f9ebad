package io.github.langchain4j.moi.engine;


import java.util.Objects;

/**
 * How generated positions are fed back: the mode, the concentration {@code beta} of the observed token,
 * the size {@code mixTopK} of the support taken from the raw next-token distribution, and what the support
 * does with a sampled token outside that top k ({@link MoiSupport}), and where the mixture is fed ({@link MoiScope}:
 * every generated token, or only those of the thinking segment or of the answer).
 */
public record MoiOptions(MoiMode mode, double beta, int mixTopK, MoiSupport support, MoiScope scope) {

    public static final double DEFAULT_BETA = 1.0;
    public static final int DEFAULT_MIX_TOP_K = 20;
    public static final MoiOptions DEFAULTS = new MoiOptions(MoiMode.MOI, DEFAULT_BETA, DEFAULT_MIX_TOP_K);
    public static final MoiOptions OFF = new MoiOptions(MoiMode.OFF, DEFAULT_BETA, DEFAULT_MIX_TOP_K);

    public MoiOptions {
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(support, "support");
        Objects.requireNonNull(scope, "scope");
        if (!(beta >= 0) || Double.isInfinite(beta)) {
            throw new InvalidOptionException("beta", beta, "beta must be a finite number >= 0, was " + beta);
        }
        if (mixTopK < 1) {
            throw new InvalidOptionException("mixTopK", mixTopK, "mixTopK must be >= 1, was " + mixTopK);
        }
    }

    /** Fed to every generated token ({@link MoiScope#ALL}, the paper). */
    public MoiOptions(MoiMode mode, double beta, int mixTopK, MoiSupport support) {
        this(mode, beta, mixTopK, support, MoiScope.ALL);
    }

    /** With the library's default support, {@link MoiSupport#EXTENDED}. */
    public MoiOptions(MoiMode mode, double beta, int mixTopK) {
        this(mode, beta, mixTopK, MoiSupport.EXTENDED);
    }

    public MoiOptions withSupport(MoiSupport newSupport) {
        return new MoiOptions(mode, beta, mixTopK, newSupport, scope);
    }

    public MoiOptions withScope(MoiScope newScope) {
        return new MoiOptions(mode, beta, mixTopK, support, newScope);
    }
}
