package io.github.langchain4j.moi.engine;

import io.github.langchain4j.moi.testing.TestRuntime;

import java.nio.file.Path;

/** {@link RecurrentPromptCacheTest} on the current llama.cpp (own JVM: surefire forks per class). */
class CurrentRecurrentPromptCacheTest extends RecurrentPromptCacheTest {

    @Override
    EngineConfig config(Path model) {
        return EngineConfig.of(model).withLlamaCppPath(TestRuntime.currentFolder());
    }
}
