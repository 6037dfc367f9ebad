package io.github.langchain4j.moi.engine;

import java.util.List;

/**
 * What one generation produced.
 *
 * @param text           the generated text, without the stop string that ended it
 * @param tokens         the generated token ids (the end-of-generation token excluded)
 * @param promptTokens   the number of prompt tokens
 * @param finishReason   why generation ended
 * @param trace          one record per generated token if the request asked for it, else empty
 */
public record GenerationResult(String text, int[] tokens, int promptTokens, FinishReason finishReason,
                               List<MoiStep> trace) {

    public int outputTokens() {
        return tokens.length;
    }
}
