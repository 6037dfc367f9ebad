package io.github.langchain4j.moi.engine;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Load-time options of a model (per-request options live in {@link GenerationRequest}).
 *
 * @param modelPath    the GGUF file
 * @param contextSize  context window in tokens (0: the model's training context, capped at 4096)
 * @param threads      CPU threads for generation (0: one per core that other work leaves free when the model loads)
 * @param batchSize    the most prompt tokens decoded in one call
 * @param gpuLayers    layers offloaded to the GPU when the native library was built with GPU support (-1: all)
 * @param useMmap      map the model file instead of reading it into memory
 * @param maxSequences how many generations run at once, decoded together in one batch per step; each has
 *                     its own context of {@code contextSize} tokens; further requests wait in a queue
 * @param llamaCppPath the folder of a current llama.cpp build (what {@code ./moi native build} prints), to run on
 *                     it instead of the bundled b4916; null: the system property {@code moi.llama.lib.path}, else
 *                     the bundled b4916. One JVM runs one llama.cpp.
 * @param allowUnverifiedArchitecture run MoI on an architecture whose embedding input path was not verified for the
 *                     loaded llama.cpp (logged as a warning at every load); MoiMode.OFF runs on any architecture
 * @param prefillChunk prompt tokens decoded per step while other sequences generate (chunked prefill: one decode
 *                     call carries both), and the granularity of prompt-cache reuse; see {@link #DEFAULT_PREFILL_CHUNK}
 */
public record EngineConfig(Path modelPath, int contextSize, int threads, int batchSize, int gpuLayers, boolean useMmap,
                           int maxSequences, Path llamaCppPath, boolean allowUnverifiedArchitecture, int prefillChunk) {

    public static final int DEFAULT_CONTEXT_SIZE = 4096;
    public static final int DEFAULT_BATCH_SIZE = 512;
    public static final int DEFAULT_MAX_SEQUENCES = 4;

    /**
     * Prompt tokens per step, chosen on an idle 2-core machine (README "Performance", docs/bench-2026-12-02c): while a
     * 1,131-token prompt was read next to 3 running streams, they produced 216 / 111 / 57 tokens at chunks of 16 / 32
     * / 64, and the prompt read alone took 1.14 / 1.04 / 1.00 x the time of chunks of 64. 32 doubles what running
     * streams get for 4 % of a lone prompt's speed; 16 would cost 14 %. It is also the prompt cache's block, so a
     * shared prefix (system prompt, tools) is reused to within 32 tokens.
     */
    public static final int DEFAULT_PREFILL_CHUNK = 32;

    /** The largest prefill chunk (llama.cpp's default micro-batch). */
    public static final int MAX_PREFILL_CHUNK = 512;

    /**
     * ggml's own limit (GGML_MAX_N_THREADS at b4916): more threads than its thread pool has slots for crash
     * the process in native code (10000 did, in libgomp) instead of failing.
     */
    public static final int MAX_THREADS = 512;

    /**
     * The most KV-cache positions of all sequences together (contextSize times maxSequences): 1M tokens, more
     * than any model this library runs was trained for, and already tens of GB of KV cache for a 0.5B model.
     * A larger value would only fail inside llama.cpp after a long allocation, with its raw log as the message.
     */
    public static final int MAX_CONTEXT_TOKENS = 1 << 20;

    /** How many generations one engine runs at once (one KV-cache sequence each). */
    public static final int MAX_SEQUENCES = 64;

    public EngineConfig {
        Objects.requireNonNull(modelPath, "modelPath");
        if (contextSize < 0 || contextSize > MAX_CONTEXT_TOKENS) {
            throw new InvalidOptionException("contextSize", contextSize, "contextSize must be in 0.." + MAX_CONTEXT_TOKENS
                    + " (0: the model's training context, capped at " + DEFAULT_CONTEXT_SIZE + "), was " + contextSize);
        }
        if (threads < 0 || threads > MAX_THREADS) {
            throw new InvalidOptionException("threads", threads, "threads must be in 0.." + MAX_THREADS
                    + " (0: one per core that other work leaves free), was " + threads);
        }
        if (batchSize < 1 || batchSize > MAX_CONTEXT_TOKENS) {
            throw new InvalidOptionException("batchSize", batchSize,
                    "batchSize must be in 1.." + MAX_CONTEXT_TOKENS + ", was " + batchSize);
        }
        if (gpuLayers < -1) {
            throw new InvalidOptionException("gpuLayers", gpuLayers,
                    "gpuLayers must be >= -1 (-1 = all), was " + gpuLayers);
        }
        if (maxSequences < 1 || maxSequences > MAX_SEQUENCES) {
            throw new InvalidOptionException("maxSequences", maxSequences,
                    "maxSequences must be in 1.." + MAX_SEQUENCES + ", was " + maxSequences);
        }
        if ((long) contextSize * maxSequences > MAX_CONTEXT_TOKENS) {
            throw new InvalidOptionException("contextSize", contextSize,
                    "contextSize " + contextSize + " times maxSequences " + maxSequences
                    + " is more than " + MAX_CONTEXT_TOKENS + " KV-cache positions in all; lower contextSize or maxSequences");
        }
        if (prefillChunk < 1 || prefillChunk > MAX_PREFILL_CHUNK) {
            throw new InvalidOptionException("prefillChunk", prefillChunk,
                    "prefillChunk must be in 1.." + MAX_PREFILL_CHUNK + ", was " + prefillChunk);
        }
        if (llamaCppPath != null && !java.nio.file.Files.isDirectory(llamaCppPath)) {
            throw new InvalidOptionException("llamaCppPath", llamaCppPath, "llamaCppPath must name the folder of a "
                    + "llama.cpp build (./moi native build prints it), but " + llamaCppPath + " is not a folder");
        }
    }

    /** With the default prefill chunk. */
    public EngineConfig(Path modelPath, int contextSize, int threads, int batchSize, int gpuLayers, boolean useMmap,
                        int maxSequences, Path llamaCppPath, boolean allowUnverifiedArchitecture) {
        this(modelPath, contextSize, threads, batchSize, gpuLayers, useMmap, maxSequences, llamaCppPath,
                allowUnverifiedArchitecture, DEFAULT_PREFILL_CHUNK);
    }

    /** On the bundled llama.cpp, MoI only on verified architectures. */
    public EngineConfig(Path modelPath, int contextSize, int threads, int batchSize, int gpuLayers, boolean useMmap,
                        int maxSequences) {
        this(modelPath, contextSize, threads, batchSize, gpuLayers, useMmap, maxSequences, null, false);
    }

    /** With the default number of concurrent sequences. */
    public EngineConfig(Path modelPath, int contextSize, int threads, int batchSize, int gpuLayers, boolean useMmap) {
        this(modelPath, contextSize, threads, batchSize, gpuLayers, useMmap, DEFAULT_MAX_SEQUENCES);
    }

    public static EngineConfig of(Path modelPath) {
        return new EngineConfig(modelPath, DEFAULT_CONTEXT_SIZE, 0, DEFAULT_BATCH_SIZE, 0, true);
    }

    public EngineConfig withContextSize(int newContextSize) {
        return new EngineConfig(modelPath, newContextSize, threads, batchSize, gpuLayers, useMmap, maxSequences, llamaCppPath,
                allowUnverifiedArchitecture, prefillChunk);
    }

    public EngineConfig withThreads(int newThreads) {
        return new EngineConfig(modelPath, contextSize, newThreads, batchSize, gpuLayers, useMmap, maxSequences, llamaCppPath,
                allowUnverifiedArchitecture, prefillChunk);
    }

    /** On the current llama.cpp built in {@code folder} (null: the bundled b4916). */
    public EngineConfig withLlamaCppPath(Path folder) {
        return new EngineConfig(modelPath, contextSize, threads, batchSize, gpuLayers, useMmap, maxSequences, folder,
                allowUnverifiedArchitecture, prefillChunk);
    }

    public EngineConfig withAllowUnverifiedArchitecture(boolean allow) {
        return new EngineConfig(modelPath, contextSize, threads, batchSize, gpuLayers, useMmap, maxSequences, llamaCppPath,
                allow, prefillChunk);
    }

    public EngineConfig withPrefillChunk(int newPrefillChunk) {
        return new EngineConfig(modelPath, contextSize, threads, batchSize, gpuLayers, useMmap, maxSequences, llamaCppPath,
                allowUnverifiedArchitecture, newPrefillChunk);
    }

    public EngineConfig withMaxSequences(int newMaxSequences) {
        return new EngineConfig(modelPath, contextSize, threads, batchSize, gpuLayers, useMmap, newMaxSequences, llamaCppPath,
                allowUnverifiedArchitecture, prefillChunk);
    }
}
