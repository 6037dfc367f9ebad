package io.github.langchain4j.moi.llamacpp;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Set;

/**
 * Every architecture of the tiny-model kit on llama.cpp b4916 (java-llama.cpp's library): loads or is refused
 * (recorded with llama.cpp's reason), and where it loads its {@code batch.embd} path equals its token path with
 * the measured input scale. Own JVM (surefire forks per class): one generation per JVM.
 */
class B4916ArchitecturesTest {

    @Test
    void every_architecture_is_verified_with_its_input_scale_or_refused(@TempDir Path dir) {
        ArchitectureTable.verify(new ArchitectureCheck(LlamaBinding.bundled(), dir),
                Set.of("llama", "qwen2", "gemma", "gemma2", "gemma3", "phi3", "granite"));
    }
}
