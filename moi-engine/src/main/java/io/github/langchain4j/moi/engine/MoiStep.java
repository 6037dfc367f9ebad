package io.github.langchain4j.moi.engine;


/**
 * What MoI did at one generated position: the sampled token and the mixture fed as the next input.
 * For {@link MoiMode#OFF} the mixture is the sampled token alone.
 *
 * @param step     0-based index of the generated token
 * @param token    the sampled token id
 * @param text     the token's text (may be a partial UTF-8 sequence rendered with replacement characters)
 * @param mode     the mode in force
 * @param beta     the beta in force
 * @param mixture  support, prior, entropy and weights exactly as used
 */
public record MoiStep(int step, int token, String text, MoiMode mode, double beta, Mixture mixture) {
}
