package io.github.langchain4j.moi;

import dev.langchain4j.model.chat.request.ChatRequestParameters;
import io.github.langchain4j.moi.engine.GenerationRequest;
import io.github.langchain4j.moi.engine.InvalidOptionException;
import io.github.langchain4j.moi.engine.MoiOptions;
import io.github.langchain4j.moi.engine.PromptText;
import io.github.langchain4j.moi.engine.SamplingOptions;

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
            .build();

    private EngineMapping() {
    }

    /**
     * The engine request for a prompt. Values the parameters leave unset take the library defaults; without
     * maxOutputTokens, generation may run until the context window is full.
     *
     * @throws InvalidOptionException      for a value out of range, naming the parameter
     */
    static GenerationRequest toGenerationRequest(PromptText prompt, String grammar, ChatRequestParameters parameters,
                                                 int contextSize) {
        MoiChatRequestParameters p = DEFAULTS.overrideWith(parameters);
        return new GenerationRequest(prompt, toSamplingOptions(p), toMoiOptions(p), toMaxTokens(p, contextSize),
                p.stopSequences(), grammar, p.trace());
    }

    /** Checks what {@link #toGenerationRequest} would check, without a prompt. */
    static void validate(ChatRequestParameters parameters) {
        toGenerationRequest(PromptText.text("a prompt"), null, parameters, 1); // the engine's record checks the stop sequences too
    }

    private static SamplingOptions toSamplingOptions(MoiChatRequestParameters p) {
        return new SamplingOptions(p.temperature(), p.topK(), p.topP(), p.minP(), p.repeatPenalty(),
                p.repeatLastN(), Integer.toUnsignedLong(p.seed()), orZero(p.frequencyPenalty()), orZero(p.presencePenalty()),
                p.temperatureFirst());
    }

    private static MoiOptions toMoiOptions(MoiChatRequestParameters p) {
        return new MoiOptions(p.mode(), p.beta(), p.mixTopK(), p.support());
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
