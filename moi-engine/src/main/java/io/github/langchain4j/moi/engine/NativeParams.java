package io.github.langchain4j.moi.engine;

import io.github.langchain4j.moi.llamacpp.LoadParams;
import io.github.langchain4j.moi.llamacpp.SamplerParams;

/** The engine's checked options as the binding's parameter types (the binding knows nothing of the engine). */
final class NativeParams {

    private NativeParams() {
    }

    static LoadParams toLoadParams(EngineConfig config) {
        return new LoadParams(config.modelPath(), config.contextSize(), EngineConfig.DEFAULT_CONTEXT_SIZE,
                config.threads(), config.batchSize(), config.gpuLayers(), config.useMmap(), config.maxSequences(),
                config.llamaCppPath());
    }

    static SamplerParams toSamplerParams(SamplingOptions options) {
        return new SamplerParams(options.temperature(), options.topK(), options.topP(), options.minP(),
                options.repeatPenalty(), options.repeatLastN(), options.seed(), options.frequencyPenalty(),
                options.presencePenalty(), options.temperatureFirst());
    }
}
