package io.github.langchain4j.moi.llamacpp;

import io.github.langchain4j.moi.testing.TestModels;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** The Java-side GGUF checks accept the real models, and read them as ggml does. */
class GgufValidatorIT {

    static Stream<Arguments> models() {
        return Stream.of(Arguments.of("qwen2", TestModels.defaultModel()), Arguments.of("gemma3", TestModels.gemma3()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void accepts_the_real_models(String architecture, Path path) {
        GgufValidator.Result result = GgufValidator.validate(path);
        assertThat(result.string("general.architecture")).isEqualTo(architecture);
        assertThat(result.tensors()).containsKey("token_embd.weight");
        GgufFile file = GgufFile.read(path); // also compares the Java reading with ggml's
        assertThat(file.embeddingOffset()).isEqualTo(result.tensors().get("token_embd.weight").offset());
    }
}
