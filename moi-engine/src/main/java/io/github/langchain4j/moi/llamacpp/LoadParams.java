package io.github.langchain4j.moi.llamacpp;

import java.nio.file.Path;
import java.util.Objects;

/**
 * What {@link NativeModel#load} needs: the binding's own load parameters (the engine maps its options to
 * these; their ranges are checked there, only what would corrupt native memory is checked here).
 *
 * @param modelPath          the GGUF file
 * @param contextSize        context of one sequence in tokens; 0: the model's training context, capped at
 *                           {@code defaultContextSize}
 * @param defaultContextSize the cap for {@code contextSize} 0
 * @param threads            CPU threads (0: available processors)
 * @param batchSize          the most prompt tokens decoded in one call
 * @param gpuLayers          layers offloaded to the GPU (-1: all)
 * @param useMmap            map the model file instead of reading it
 * @param sequences          KV-cache sequences decoded together
 * @param llamaCppPath       the folder of a current llama.cpp build ({@code ./moi native build}); null: the
 *                           system property {@code moi.llama.lib.path}, else the bundled b4916
 */
public record LoadParams(Path modelPath, int contextSize, int defaultContextSize, int threads, int batchSize,
                         int gpuLayers, boolean useMmap, int sequences, Path llamaCppPath) {

    public LoadParams {
        Objects.requireNonNull(modelPath, "modelPath");
        if (contextSize < 0 || defaultContextSize < 1 || threads < 0 || batchSize < 1 || gpuLayers < -1
                || sequences < 1) {
            throw new IllegalArgumentException("invalid load parameters " + this);
        }
    }

    /** A 4096-token context, the default threads, one sequence (tests and benchmarks of the binding). */
    public static LoadParams of(Path modelPath) {
        return new LoadParams(modelPath, 4096, 4096, 0, 512, 0, true, 1, null);
    }

    public LoadParams withContextSize(int newContextSize) {
        return new LoadParams(modelPath, newContextSize, defaultContextSize, threads, batchSize, gpuLayers, useMmap,
                sequences, llamaCppPath);
    }

    public LoadParams withThreads(int newThreads) {
        return new LoadParams(modelPath, contextSize, defaultContextSize, newThreads, batchSize, gpuLayers, useMmap,
                sequences, llamaCppPath);
    }

    public LoadParams withLlamaCppPath(Path newLlamaCppPath) {
        return new LoadParams(modelPath, contextSize, defaultContextSize, threads, batchSize, gpuLayers, useMmap,
                sequences, newLlamaCppPath);
    }

    public LoadParams withSequences(int newSequences) {
        return new LoadParams(modelPath, contextSize, defaultContextSize, threads, batchSize, gpuLayers, useMmap,
                newSequences, llamaCppPath);
    }
}
