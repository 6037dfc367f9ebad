package io.github.langchain4j.moi.engine;

import io.github.langchain4j.moi.testing.BenchModel;
import io.github.langchain4j.moi.testing.GgufWriter;
import io.github.langchain4j.moi.testing.TinyModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The model {@code scripts/gpu-check.sh} measures, at its small size: it loads with the shapes it was written with,
 * its parameters are all in the file, and greedy decoding runs to the length limit in OFF and MOI mode (the
 * script's tokens/s would be wrong if a generation ended early). And the streaming {@link GgufWriter#write} that
 * makes a file of gigabytes possible writes the same bytes as {@link GgufWriter#toBytes()}.
 */
class BenchModelTest {

    @Test
    void the_small_bench_model_loads_and_generates_to_the_length_limit(@TempDir Path dir) throws Exception {
        BenchModel.Size size = BenchModel.SMALL;
        Path file = BenchModel.write(dir.resolve("bench.gguf"), size, 1);
        assertThat(Files.size(file)).isBetween(2 * size.parameters(), 2 * size.parameters() + (1 << 20));
        try (MoiEngine engine = MoiEngine.load(EngineConfig.of(file).withContextSize(256).withThreads(1))) {
            assertThat(engine.architecture()).isEqualTo("llama");
            assertThat(engine.nativeModel().vocabSize()).isEqualTo(size.nVocab());
            assertThat(engine.nativeModel().embeddingSize()).isEqualTo(size.nEmbd());
            for (MoiOptions moi : new MoiOptions[]{MoiOptions.OFF, MoiOptions.DEFAULTS}) {
                GenerationResult result = engine.generate(GenerationRequest.of("the quick brown fox",
                        SamplingOptions.GREEDY, moi, 24), null);
                assertThat(result.outputTokens()).isEqualTo(24);
                assertThat(result.finishReason()).isEqualTo(FinishReason.LENGTH);
            }
        }
    }

    @Test
    void the_streaming_write_writes_the_same_bytes_as_toBytes(@TempDir Path dir) throws Exception {
        GgufWriter writer = TinyModel.writer(3, GgufWriter.GGML_F16);
        Path file = writer.write(dir.resolve("tiny.gguf"));
        long dataOffset = writer.layout().dataOffset();
        assertThat(Files.readAllBytes(file)).isEqualTo(writer.toBytes());
        assertThat(writer.layout().dataOffset()).isEqualTo(dataOffset);
    }

    @Test
    void an_unknown_size_is_named() {
        assertThatThrownBy(() -> BenchModel.size("7b")).hasMessage("unknown model size '7b' (known: 1b, small)");
    }
}
