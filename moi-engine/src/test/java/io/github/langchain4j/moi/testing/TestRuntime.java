package io.github.langchain4j.moi.testing;

import io.github.langchain4j.moi.engine.EngineConfig;
import io.github.langchain4j.moi.llamacpp.LlamaRuntime;
import io.github.langchain4j.moi.model.ModelCache;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The llama.cpp runtime the real-model tests of this JVM run on: the bundled b4916, or the current build when
 * {@value #RUNTIME_PROPERTY}{@code =current} (the failsafe execution {@code it-current} sets it; one JVM runs one
 * llama.cpp). The current build is the folder named by {@value #LIB_PATH_PROPERTY}, else the CPU build that
 * {@code ./moi native build} leaves in the cache. Without one a test fails, or, with {@value #REQUIRED_PROPERTY}
 * {@code =false}, is reported as skipped with the command that makes it run.
 */
public final class TestRuntime {

    public static final String RUNTIME_PROPERTY = "moi.test.runtime";
    public static final String LIB_PATH_PROPERTY = "moi.llama.lib.path";
    public static final String REQUIRED_PROPERTY = "moi.llama.required";

    private TestRuntime() {
    }

    /** The runtime this JVM's tests run on. */
    public static LlamaRuntime runtime() {
        return "current".equalsIgnoreCase(System.getProperty(RUNTIME_PROPERTY, "").strip())
                ? LlamaRuntime.CURRENT : LlamaRuntime.B4916;
    }

    /** The {@code llamaCppPath} of the runtime: null for the bundled b4916. */
    public static Path llamaCppPath() {
        return runtime() == LlamaRuntime.CURRENT ? currentFolder() : null;
    }

    /** The engine's defaults for a model, on this JVM's runtime. */
    public static EngineConfig config(Path model) {
        if (runtime() == LlamaRuntime.B4916) {
            // -Dmoi.llama.lib.path names the build for it-current; the engine would read it as the runtime of this
            // b4916 JVM too (its default for a config without llamaCppPath)
            System.clearProperty(LIB_PATH_PROPERTY);
        }
        return EngineConfig.of(model).withLlamaCppPath(llamaCppPath());
    }

    /** The folder of the current llama.cpp build; fails (or skips, when not required) without one. */
    public static Path currentFolder() {
        String configured = System.getProperty(LIB_PATH_PROPERTY);
        Path folder = configured != null && !configured.isBlank()
                ? Path.of(configured.strip())
                : ModelCache.defaultDirectory().resolve("llama.cpp/llama-cpp-sys-2-0.1.161/cpu/lib");
        if (!Files.isRegularFile(folder.resolve(System.mapLibraryName("llama")))) {
            String message = "no current llama.cpp in " + folder + ": run ./moi native build (or set -D"
                    + LIB_PATH_PROPERTY + " to the folder it prints; -D" + REQUIRED_PROPERTY + "=false skips these tests)";
            if (!"false".equalsIgnoreCase(System.getProperty(REQUIRED_PROPERTY, "true").strip())) {
                Assertions.fail(message);
            }
            Assumptions.abort(message);
        }
        return folder;
    }
}
