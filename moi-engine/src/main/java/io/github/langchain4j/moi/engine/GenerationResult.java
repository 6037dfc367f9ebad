package io.github.langchain4j.moi.engine;

import java.util.List;

/**
 * What one generation produced.
 *
 * @param text           the answer: the generated text after the thinking segment, without the stop string
 *                       that ended it
 * @param tokens         the generated token ids (the end-of-generation token excluded)
 * @param promptTokens   the number of prompt tokens
 * @param finishReason   why generation ended
 * @param trace          one record per generated token if the request asked for it, else empty
 * @param thinking       the text of the thinking segment without its markers, empty when there was none
 */
public record GenerationResult(String text, int[] tokens, int promptTokens, FinishReason finishReason,
                               List<MoiStep> trace, String thinking) {

    /** A result without thinking. */
    public GenerationResult(String text, int[] tokens, int promptTokens, FinishReason finishReason,
                            List<MoiStep> trace) {
        this(text, tokens, promptTokens, finishReason, trace, "");
    }

    public int outputTokens() {
        return tokens.length;
    }
}
