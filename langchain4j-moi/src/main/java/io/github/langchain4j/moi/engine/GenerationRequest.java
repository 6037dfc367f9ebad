package io.github.langchain4j.moi.engine;

import java.util.List;
import java.util.Objects;

/**
 * One generation: a prompt that is already in the model's chat format (special tokens such as
 * {@code <|im_start|>} are parsed), the sampler, the MoI options and the stop conditions.
 *
 * @param prompt        the full prompt text
 * @param sampling      the sampler
 * @param moi           how generated positions are fed back
 * @param maxTokens     the most tokens to generate (at least 1)
 * @param stopStrings   generation stops before any of these strings; they are not part of the output
 * @param grammar       a GBNF grammar (root rule {@code root}) constraining the output, or null for none;
 *                      checked by {@link GbnfValidator}, so an empty or invalid grammar is an error
 * @param trace         whether to report a {@link MoiStep} for every generated token
 */
public record GenerationRequest(String prompt, SamplingOptions sampling, MoiOptions moi, int maxTokens,
                                List<String> stopStrings, String grammar, boolean trace) {

    public GenerationRequest {
        Objects.requireNonNull(prompt, "prompt");
        Objects.requireNonNull(sampling, "sampling");
        Objects.requireNonNull(moi, "moi");
        if (maxTokens < 1) {
            throw new IllegalArgumentException("maxTokens must be >= 1, was " + maxTokens);
        }
        stopStrings = stopStrings == null ? List.of() : List.copyOf(stopStrings);
        for (String stop : stopStrings) {
            if (stop.isEmpty()) {
                throw new IllegalArgumentException("stop strings must not be empty");
            }
        }
        if (grammar != null) {
            GbnfValidator.validate(grammar); // llama.cpp would run unconstrained, or crash, on a bad one
        }
    }

    public static GenerationRequest of(String prompt, SamplingOptions sampling, MoiOptions moi, int maxTokens) {
        return new GenerationRequest(prompt, sampling, moi, maxTokens, List.of(), null, false);
    }

    public GenerationRequest withTrace(boolean newTrace) {
        return new GenerationRequest(prompt, sampling, moi, maxTokens, stopStrings, grammar, newTrace);
    }
}
