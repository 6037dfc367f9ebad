package io.github.langchain4j.moi.testing;

import io.github.langchain4j.moi.model.KnownModel;
import io.github.langchain4j.moi.model.ModelCache;

import java.nio.file.Path;

/** The real models the integration tests run on, fetched and cached on first use (see ModelCache). */
public final class TestModels {

    private TestModels() {
    }

    /** The library's default model (Qwen2.5-Coder 0.5B Instruct, qwen2 architecture). */
    public static Path defaultModel() {
        return new ModelCache().resolve(KnownModel.DEFAULT);
    }

    /**
     * Qwen2.5-Coder 1.5B Instruct Q4_K_M (about 1.1 GB), the study's second model: its token table is Q4_K, where
     * the default model's is Q5_0.
     */
    public static Path qwen1_5b() {
        return new ModelCache().resolve(KnownModel.QWEN2_5_CODER_1_5B_INSTRUCT);
    }

    /** Gemma 3 270M (a base model), used to verify the gemma3 embedding-input scale. */
    public static Path gemma3() {
        return new ModelCache().resolve(KnownModel.GEMMA3_270M);
    }

    /** SmolLM2-135M-Instruct (llama architecture, with a chat template). */
    public static Path smolLm2() {
        return new ModelCache().resolve(KnownModel.SMOLLM2_135M_INSTRUCT);
    }
}
