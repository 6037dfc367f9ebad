package io.github.langchain4j.moi.engine;

import io.github.langchain4j.moi.llamacpp.LlamaRuntime;
import io.github.langchain4j.moi.testing.GgufWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Which llama.cpp runs a model, and what the engine refuses on it (b4916 in this JVM). */
class RuntimeChoiceTest {

    /** Metadata and a token table only: enough for the Java checks that run before llama.cpp sees the file. */
    private static Path modelOf(String architecture, Path dir) {
        return new GgufWriter().put("general.architecture", architecture).putU32("general.alignment", GgufWriter.ALIGNMENT)
                .tensor("token_embd.weight", new long[]{32, 8}, new float[32 * 8])
                .write(dir.resolve(architecture + ".gguf"));
    }

    @Test
    void an_architecture_only_the_current_llama_cpp_knows_says_how_to_switch(@TempDir Path dir) {
        assertThatThrownBy(() -> MoiEngine.load(EngineConfig.of(modelOf("qwen3", dir))))
                .isInstanceOf(ModelFileException.class)
                .hasMessageContaining("architecture 'qwen3' of qwen3.gguf needs a newer llama.cpp than b4916")
                .hasMessageContaining("./moi native build")
                .hasMessageContaining("--llama-cpp <folder>")
                .hasMessageContaining("llamaCppPath")
                .hasMessageContaining("langchain4j.moi.chat-model.llama-cpp-path");
    }

    @Test
    void an_architecture_no_llama_cpp_knows_is_named(@TempDir Path dir) {
        assertThatThrownBy(() -> MoiEngine.load(EngineConfig.of(modelOf("no-such-arch", dir))))
                .isInstanceOf(ModelFileException.class)
                .hasMessageContaining("architecture 'no-such-arch' of no-such-arch.gguf is not supported by llama.cpp b4916");
    }

    @Test
    void llama_cpp_path_must_be_a_folder(@TempDir Path dir) {
        assertThatThrownBy(() -> EngineConfig.of(dir.resolve("model.gguf")).withLlamaCppPath(dir.resolve("missing")))
                .isInstanceOf(InvalidOptionException.class)
                .satisfies(e -> assertThat(((InvalidOptionException) e).optionName()).isEqualTo("llamaCppPath"))
                .hasMessageContaining("is not a folder");
    }

    @Test
    void moi_on_an_unverified_architecture_is_refused_unless_allowed() {
        assertThatThrownBy(() -> MoiEngine.requireModeAllowed(MoiMode.MOI, "granite", LlamaRuntime.B4916, false))
                .isInstanceOf(MoiEngineException.class)
                .hasMessageContaining("architecture 'granite'")
                .hasMessageContaining("llama.cpp b4916")
                .hasMessageContaining("allowUnverifiedArchitecture");
        assertThatThrownBy(() -> MoiEngine.requireModeAllowed(MoiMode.DIRECT, "granite", LlamaRuntime.CURRENT, false))
                .hasMessageContaining("llama.cpp current");
        assertThatCode(() -> MoiEngine.requireModeAllowed(MoiMode.OFF, "granite", LlamaRuntime.B4916, false))
                .doesNotThrowAnyException();
        assertThatCode(() -> MoiEngine.requireModeAllowed(MoiMode.MOI, "granite", LlamaRuntime.B4916, true))
                .doesNotThrowAnyException();
    }

    @Test
    void verified_architectures_are_listed_per_runtime() {
        assertThat(VerifiedArchitectures.of(LlamaRuntime.B4916)).contains("qwen2", "gemma3", "llama");
        assertThat(VerifiedArchitectures.of(LlamaRuntime.CURRENT)).contains("qwen2", "gemma3", "llama");
        assertThat(VerifiedArchitectures.isVerified(LlamaRuntime.B4916, "qwen3")).isFalse();
    }
}
