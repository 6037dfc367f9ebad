package io.github.langchain4j.moi.engine;

import java.util.List;
import java.util.Objects;

/**
 * One generation: a prompt in the model's chat format (see {@link MoiEngine#applyChatTemplate}), the sampler,
 * the MoI options and the stop conditions.
 *
 * @param prompt        the full prompt: template markup, whose special tokens are parsed, and text, whose are not
 * @param sampling      the sampler
 * @param moi           how generated positions are fed back
 * @param maxTokens     the most tokens to generate (at least 1)
 * @param stopStrings   generation stops before any of these strings; they are not part of the output
 * @param grammar       a GBNF grammar (root rule {@code root}) constraining the output, or null for none;
 *                      checked by {@link GbnfValidator}, so an empty or invalid grammar is an error
 * @param trace         whether to report a {@link MoiStep} for every generated token
 * @param thinking      the thinking segment the output may hold (markers, budget), or null for none; then
 *                      {@code maxTokens} counts the answer only, stop strings and the grammar apply to the answer
 */
public record GenerationRequest(PromptText prompt, SamplingOptions sampling, MoiOptions moi, int maxTokens,
                                List<String> stopStrings, String grammar, boolean trace, ThinkingOptions thinking) {

    /** A request without a thinking segment. */
    public GenerationRequest(PromptText prompt, SamplingOptions sampling, MoiOptions moi, int maxTokens,
                             List<String> stopStrings, String grammar, boolean trace) {
        this(prompt, sampling, moi, maxTokens, stopStrings, grammar, trace, null);
    }

    public GenerationRequest {
        Objects.requireNonNull(prompt, "prompt");
        Objects.requireNonNull(sampling, "sampling");
        Objects.requireNonNull(moi, "moi");
        int nul = prompt.asString().indexOf('\0');
        if (nul >= 0) {
            // llama.cpp's tokenizer takes C strings: everything after the NUL would be dropped without a word
            throw new IllegalArgumentException("prompt contains a NUL character (U+0000) at index " + nul
                    + "; remove it (text after it would be lost)");
        }
        if (maxTokens < 1) {
            throw new InvalidOptionException("maxTokens", maxTokens, "maxTokens must be >= 1, was " + maxTokens);
        }
        stopStrings = stopStrings == null ? List.of() : checkStopStrings(stopStrings);
        if (grammar != null) {
            try {
                GbnfValidator.validate(grammar); // llama.cpp would run unconstrained, or crash, on a bad one
            } catch (IllegalArgumentException e) {
                throw new InvalidOptionException("grammar", grammar, e.getMessage(), e);
            }
        }
    }

    /** Every front end (builder, request parameters, CLI) reaches the engine through here. */
    private static List<String> checkStopStrings(List<String> stopStrings) {
        for (int i = 0; i < stopStrings.size(); i++) {
            String stop = stopStrings.get(i);
            if (stop == null || stop.isEmpty()) {
                throw new InvalidOptionException("stopStrings", stopStrings, "stopSequences must not contain "
                        + (stop == null ? "null" : "an empty string") + " (element " + i + " of " + stopStrings.size() + ")");
            }
        }
        return List.copyOf(stopStrings);
    }

    /** A request whose prompt is plain text: special tokens written in it are not parsed (see {@link PromptText}). */
    public GenerationRequest(String prompt, SamplingOptions sampling, MoiOptions moi, int maxTokens,
                             List<String> stopStrings, String grammar, boolean trace) {
        this(PromptText.text(Objects.requireNonNull(prompt, "prompt")), sampling, moi, maxTokens, stopStrings, grammar,
                trace);
    }

    public static GenerationRequest of(PromptText prompt, SamplingOptions sampling, MoiOptions moi, int maxTokens) {
        return new GenerationRequest(prompt, sampling, moi, maxTokens, List.of(), null, false);
    }

    /** See {@link #GenerationRequest(String, SamplingOptions, MoiOptions, int, List, String, boolean)}. */
    public static GenerationRequest of(String prompt, SamplingOptions sampling, MoiOptions moi, int maxTokens) {
        return new GenerationRequest(prompt, sampling, moi, maxTokens, List.of(), null, false);
    }

    public GenerationRequest withTrace(boolean newTrace) {
        return new GenerationRequest(prompt, sampling, moi, maxTokens, stopStrings, grammar, newTrace, thinking);
    }

    public GenerationRequest withThinking(ThinkingOptions newThinking) {
        return new GenerationRequest(prompt, sampling, moi, maxTokens, stopStrings, grammar, trace, newThinking);
    }
}
