package io.github.langchain4j.moi;

import dev.langchain4j.model.chat.request.ChatRequestParameters;
import io.github.langchain4j.moi.engine.GenerationRequest;
import io.github.langchain4j.moi.engine.InvalidOptionException;
import io.github.langchain4j.moi.engine.MoiOptions;
import io.github.langchain4j.moi.engine.PromptText;
import io.github.langchain4j.moi.engine.SamplingOptions;
import io.github.langchain4j.moi.engine.ThinkingOptions;

/** Maps chat request parameters to the engine's typed, validated options. */
final class EngineMapping {

    /** The library's defaults for every sampler and MoI knob, as request parameters. */
    static final MoiChatRequestParameters DEFAULTS = MoiChatRequestParameters.builder()
            .temperature(SamplingOptions.DEFAULTS.temperature())
            .topK(SamplingOptions.DEFAULTS.topK())
            .topP(SamplingOptions.DEFAULTS.topP())
            .minP(SamplingOptions.DEFAULTS.minP())
            .repeatPenalty(SamplingOptions.DEFAULTS.repeatPenalty())
            .repeatLastN(SamplingOptions.DEFAULTS.repeatLastN())
            .seed((int) SamplingOptions.DEFAULTS.seed())
            .mode(MoiOptions.DEFAULTS.mode())
            .beta(MoiOptions.DEFAULTS.beta())
            .mixTopK(MoiOptions.DEFAULTS.mixTopK())
            .support(MoiOptions.DEFAULTS.support())
            .temperatureFirst(SamplingOptions.DEFAULTS.temperatureFirst())
            .trace(false)
            .scope(MoiOptions.DEFAULTS.scope())
            .think(false)
            .returnThinking(false)
            .build();

    private EngineMapping() {
    }

    /**
     * The engine request for a prompt. Values the parameters leave unset take the library defaults; without
     * maxOutputTokens, generation may run until the context window is full.
     *
     * @param thinking the thinking segment's markers (from the model's template, or the think-then-answer mode),
     *                 or null for a model that answers at once; the parameters give its budget
     * @throws InvalidOptionException      for a value out of range, naming the parameter
     */
    static GenerationRequest toGenerationRequest(PromptText prompt, String grammar, ChatRequestParameters parameters,
                                                 int contextSize, ThinkingOptions thinking) {
        MoiChatRequestParameters p = DEFAULTS.overrideWith(parameters);
        ThinkingOptions budgeted = thinking == null ? null : thinking.withBudget(toThinkingBudget(p));
        return new GenerationRequest(prompt, toSamplingOptions(p), toMoiOptions(p), toMaxTokens(p, contextSize),
                p.stopSequences(), grammar, p.trace(), budgeted);
    }

    static GenerationRequest toGenerationRequest(PromptText prompt, String grammar, ChatRequestParameters parameters,
                                                 int contextSize) {
        return toGenerationRequest(prompt, grammar, parameters, contextSize, null);
    }

    /** Checks what {@link #toGenerationRequest} would check, without a prompt. */
    static void validate(ChatRequestParameters parameters) {
        // the engine's records check the stop sequences and the thinking budget too
        toGenerationRequest(PromptText.text("a prompt"), null, parameters, 1, ThinkingOptions.think(1));
    }

    /** The thinking budget; none set: only the context bounds the thinking. */
    static int toThinkingBudget(MoiChatRequestParameters p) {
        return p.thinkingBudget() == null ? ThinkingOptions.NO_BUDGET : p.thinkingBudget();
    }

    private static SamplingOptions toSamplingOptions(MoiChatRequestParameters p) {
        return new SamplingOptions(p.temperature(), p.topK(), p.topP(), p.minP(), p.repeatPenalty(),
                p.repeatLastN(), Integer.toUnsignedLong(p.seed()), orZero(p.frequencyPenalty()), orZero(p.presencePenalty()),
                p.temperatureFirst());
    }

    private static MoiOptions toMoiOptions(MoiChatRequestParameters p) {
        return new MoiOptions(p.mode(), p.beta(), p.mixTopK(), p.support(), p.scope());
    }

    private static int toMaxTokens(MoiChatRequestParameters p, int contextSize) {
        int maxTokens = p.maxOutputTokens() == null ? contextSize : p.maxOutputTokens();
        if (maxTokens < 1) {
            // the engine's option, under the name this API gives it
            throw new InvalidOptionException("maxTokens", maxTokens, "maxOutputTokens must be >= 1, was " + maxTokens);
        }
        return maxTokens;
    }

    private static double orZero(Double penalty) {
        return penalty == null ? 0 : penalty;
    }
}
