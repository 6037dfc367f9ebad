package io.github.langchain4j.moi.llamacpp;

import io.github.langchain4j.moi.testing.TestRuntime;

import java.nio.file.Path;

/** Where the tests of this package find the current llama.cpp (see {@link TestRuntime#currentFolder()}). */
final class CurrentBuild {

    private CurrentBuild() {
    }

    static Path folder() {
        return TestRuntime.currentFolder();
    }

    static LlamaCppCurrent load() {
        return LlamaLibraries.loadCurrent(folder());
    }
}
