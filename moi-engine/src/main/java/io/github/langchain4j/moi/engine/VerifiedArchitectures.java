package io.github.langchain4j.moi.engine;

import io.github.langchain4j.moi.llamacpp.LlamaRuntime;

import java.util.Map;
import java.util.Set;

/**
 * The architectures whose embedding input path ({@code batch.embd} rows, in the scale the graph expects) the test
 * suite checked against the token path, per llama.cpp runtime: {@code EmbeddingPathIT} and {@code SmolLm2IT} on
 * real models, on both runtimes. MoI feeds mixed rows through that path, so it runs only where this holds (unless
 * {@link EngineConfig#allowUnverifiedArchitecture()}); MoiMode.OFF feeds token ids and runs on anything that loads.
 * The one place these lists live.
 */
public final class VerifiedArchitectures {

    private static final Map<LlamaRuntime, Set<String>> VERIFIED = Map.of(
            LlamaRuntime.B4916, Set.of("qwen2", "gemma3", "llama"),
            LlamaRuntime.CURRENT, Set.of("qwen2", "gemma3", "llama"));

    private VerifiedArchitectures() {
    }

    /** The verified architectures of one runtime. */
    public static Set<String> of(LlamaRuntime runtime) {
        return VERIFIED.get(runtime);
    }

    public static boolean isVerified(LlamaRuntime runtime, String architecture) {
        return of(runtime).contains(architecture);
    }
}
