package io.github.langchain4j.moi.engine;


/**
 * What MoI did at one generated position: the sampled token and the mixture fed as the next input.
 * For {@link MoiMode#OFF} the mixture is the sampled token alone.
 *
 * @param step     0-based index of the generated token
 * @param token    the sampled token id
 * @param text     the token's text (may be a partial UTF-8 sequence rendered with replacement characters)
 * @param mode     the mode in force ({@link MoiMode#OFF} where the step was outside the {@link MoiScope}, or its
 *                 token was fed by the engine, such as a forced closing marker)
 * @param beta     the beta in force
 * @param mixture  support, prior, entropy and weights exactly as used
 * @param segment  the segment the token belongs to (the closing marker belongs to the thinking)
 */
public record MoiStep(int step, int token, String text, MoiMode mode, double beta, Mixture mixture, Segment segment) {

    /** A step of a generation without a thinking segment: part of the answer. */
    public MoiStep(int step, int token, String text, MoiMode mode, double beta, Mixture mixture) {
        this(step, token, text, mode, beta, mixture, Segment.ANSWER);
    }
}
