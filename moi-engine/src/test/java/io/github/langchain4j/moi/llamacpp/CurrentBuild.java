package io.github.langchain4j.moi.llamacpp;

import io.github.langchain4j.moi.model.ModelCache;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the tests find the current llama.cpp: the folder named by {@value #LIB_PATH_PROPERTY}, else the CPU build
 * {@code ./moi native build} leaves in the cache. Without one, a test is reported as skipped with the command that
 * makes it run, or fails when {@value #REQUIRED_PROPERTY} is true (CI sets it after building).
 */
final class CurrentBuild {

    static final String LIB_PATH_PROPERTY = "moi.llama.lib.path";
    static final String REQUIRED_PROPERTY = "moi.llama.required";

    private CurrentBuild() {
    }

    static Path folder() {
        String configured = System.getProperty(LIB_PATH_PROPERTY);
        Path folder = configured != null && !configured.isBlank()
                ? Path.of(configured)
                : ModelCache.defaultDirectory().resolve("llama.cpp/llama-cpp-sys-2-0.1.161/cpu/lib");
        if (!Files.isRegularFile(folder.resolve(System.mapLibraryName("llama")))) {
            String message = "no current llama.cpp in " + folder + ": run ./moi native build (or set -D"
                    + LIB_PATH_PROPERTY + " to the folder it prints)";
            if (Boolean.getBoolean(REQUIRED_PROPERTY)) {
                Assertions.fail(message);
            }
            Assumptions.abort(message);
        }
        return folder;
    }

    static LlamaCppCurrent load() {
        return LlamaLibraries.loadCurrent(folder());
    }
}
