package io.github.langchain4j.moi.engine;

import io.github.langchain4j.moi.testing.GgufWriter;
import io.github.langchain4j.moi.testing.TinyModel;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A model whose weights are NaN or infinite gives non-finite logits; every mode ends such a generation with an
 * error that says so, instead of sampling garbage (OFF did: it never looked at the logits).
 */
class NonFiniteLogitsTest {

    /** The tiny model with output_norm.weight (the first run of 64 ones in the file) set to {@code value}. */
    static Path poisoned(Path dir, float value) throws Exception {
        byte[] bytes = TinyModel.writer(1, GgufWriter.GGML_F32).toBytes();
        ByteBuffer buffer = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        int run = 0;
        for (int at = 0; at + 4 <= bytes.length; at += 4) { // tensor data is 32-byte aligned, so 4-aligned
            run = buffer.getFloat(at) == 1f ? run + 1 : 0;
            if (run == TinyModel.N_EMBD) {
                for (int i = 0; i < TinyModel.N_EMBD; i++) {
                    buffer.putFloat(at - 4 * i, value);
                }
                return Files.write(dir.resolve("poisoned-" + value + ".gguf"), bytes);
            }
        }
        throw new AssertionError("no output_norm.weight found");
    }

    @ParameterizedTest
    @CsvSource({"NaN, OFF", "NaN, MOI", "Infinity, OFF", "Infinity, MOI"})
    void non_finite_weights_end_the_generation_with_an_error(float value, MoiMode mode, @TempDir Path dir) throws Exception {
        try (MoiEngine engine = MoiEngine.load(EngineConfig.of(poisoned(dir, value)).withContextSize(64).withThreads(1)
                .withMaxSequences(1))) {
            GenerationRequest request = GenerationRequest.of("the quick brown fox", SamplingOptions.DEFAULTS,
                    new MoiOptions(mode, 1.0, 20), 8);

            assertThatThrownBy(() -> engine.generate(request, null))
                    .isInstanceOf(MoiEngineException.class)
                    .hasMessageContaining("non-finite logit")
                    .hasMessageContaining("damaged weights");
            assertThat(engine.activeSequences()).isZero();
        }
    }
}
