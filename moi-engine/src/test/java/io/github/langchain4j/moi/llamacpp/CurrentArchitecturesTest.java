package io.github.langchain4j.moi.llamacpp;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Set;

/**
 * Every architecture of the tiny-model kit on the current llama.cpp: loads, and its {@code batch.embd} path
 * equals its token path with the measured input scale. Own JVM (surefire forks per class): one generation per JVM.
 */
class CurrentArchitecturesTest {

    @Test
    void every_architecture_is_verified_with_its_input_scale(@TempDir Path dir) {
        ArchitectureTable.verify(new ArchitectureCheck(LlamaBinding.select(CurrentBuild.folder()), dir),
                Set.of("llama", "qwen2", "qwen3", "qwen3moe", "gemma", "gemma2", "gemma3", "phi3", "granite", "mistral3"));
    }
}
