package io.github.langchain4j.moi;

import java.nio.file.Path;

/** The real models the integration tests run on, fetched and cached on first use. */
public final class TestModels {

    private TestModels() {
    }

    /** The library's default model (instruction-tuned, qwen2 architecture). */
    public static Path defaultModel() {
        return Path.of(System.getProperty("moi.test.model", "/tmp/probe/sns.gguf"));
    }

    /** Gemma 3 270M (a base model), used to verify the gemma3 embedding-input scale. */
    public static Path gemma3() {
        return Path.of(System.getProperty("moi.test.gemma3", "/tmp/probe/gemma.gguf"));
    }
}
