package io.github.langchain4j.moi.engine;

import io.github.langchain4j.moi.testing.TestModels;
import io.github.langchain4j.moi.testing.TestRuntime;
import io.github.langchain4j.moi.llamacpp.NativeModel;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.util.Random;
import java.util.stream.Stream;

import static io.github.langchain4j.moi.testing.Logits.maxAbs;
import static io.github.langchain4j.moi.testing.Logits.maxAbsDiff;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The property MoI rests on: feeding a token's embedding row through {@code batch.embd} gives the same
 * next-token logits as feeding the token id, on each verified architecture, so MoI with H = 0 is standard
 * decoding. Runs on the real models (the 1.5B one as well: the study's MoI answers on it rest on its Q4_K token
 * table), on the runtime {@link TestRuntime} names (failsafe runs it on both).
 */
class EmbeddingPathIT {

    private static final String TEXT = "The quick brown fox jumps over the lazy dog. Then it";

    /** Architecture, the model's name in the test's name (with its token table's type), file. */
    static Stream<Arguments> models() {
        return Stream.of(
                Arguments.of("qwen2", "Qwen2.5-Coder 0.5B, Q5_0", TestModels.defaultModel()),
                Arguments.of("qwen2", "Qwen2.5-Coder 1.5B, Q4_K", TestModels.qwen1_5b()),
                Arguments.of("gemma3", "Gemma 3 270M", TestModels.gemma3()),
                Arguments.of("llama", "SmolLM2 135M", TestModels.smolLm2()));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("models")
    void embedding_input_gives_the_same_logits_as_token_input(String architecture, String name, Path path) {
        try (MoiEngine engine = MoiEngine.load(TestRuntime.config(path).withContextSize(256))) {
            assertThat(engine.architecture()).isEqualTo(architecture);
            assertThat(engine.runtime()).isEqualTo(TestRuntime.runtime());
            NativeModel model = engine.nativeModel();
            int[] prompt = model.tokenize(TEXT, true, false);
            float[] viaToken = new float[model.vocabSize()];
            float[] viaEmbedding = new float[model.vocabSize()];
            Random random = new Random(7);
            int checked = 0;
            for (int i = 0; i < 24; i++) {
                // different tokens (half from the text, half random ids) at different positions
                int y = i % 2 == 0 ? prompt[1 + random.nextInt(prompt.length - 1)] : random.nextInt(model.vocabSize());
                int pos = 2 + i % (prompt.length - 2);
                model.clearCache();
                model.decodeTokens(prompt, 0, pos, 0);
                model.decodeTokens(new int[]{y}, 0, 1, pos);
                model.readLogits(viaToken);
                model.trimCache(pos);
                model.decodeEmbedding(model.embeddingRow(y), pos);
                model.readLogits(viaEmbedding);

                assertThat(maxAbsDiff(viaToken, viaEmbedding))
                        .as("token %d at position %d", y, pos)
                        .isLessThanOrEqualTo(1e-3f * maxAbs(viaToken));
                checked++;
            }
            assertThat(checked).isEqualTo(24);
        }
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("models")
    void greedy_off_through_the_embedding_path_generates_the_same_tokens(String architecture, String name, Path path) {
        GenerationRequest request = GenerationRequest.of(TEXT, SamplingOptions.GREEDY,
                new MoiOptions(MoiMode.OFF, 1.0, 20), 32);
        try (MoiEngine engine = MoiEngine.load(TestRuntime.config(path).withContextSize(256));
             MoiEngine rows = MoiEngine.load(TestRuntime.config(path).withContextSize(256), MoiFeedback.OffPath.EMBEDDING_ROWS)) {
            GenerationResult viaTokens = engine.generate(request, null);
            GenerationResult viaEmbeddings = rows.generate(request, null);
            assertThat(viaTokens.outputTokens()).isGreaterThan(8);
            assertThat(viaEmbeddings.tokens()).containsExactly(viaTokens.tokens());
        }
    }

    /** A control that shows the check can fail: without Gemma 3's input scale the logits differ. */
    @org.junit.jupiter.api.Test
    void gemma3_rows_without_the_input_scale_give_other_logits() {
        try (MoiEngine engine = MoiEngine.load(TestRuntime.config(TestModels.gemma3()).withContextSize(128))) {
            NativeModel model = engine.nativeModel();
            int[] prompt = model.tokenize("Once upon a time", true, false);
            int y = prompt[prompt.length - 1];
            int pos = prompt.length - 1;
            float[] viaToken = new float[model.vocabSize()];
            float[] unscaled = new float[model.vocabSize()];
            model.clearCache();
            model.decodeTokens(prompt, 0, prompt.length, 0);
            model.readLogits(viaToken);
            model.trimCache(pos);
            float[] row = model.embeddingRow(y);
            float scale = (float) Math.sqrt(model.embeddingSize());
            for (int i = 0; i < row.length; i++) {
                row[i] /= scale;
            }
            model.decodeEmbedding(row, pos);
            model.readLogits(unscaled);
            assertThat(maxAbsDiff(viaToken, unscaled)).isGreaterThan(1e-2f * maxAbs(viaToken));
        }
    }
}
