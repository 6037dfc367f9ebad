package io.github.langchain4j.moi.engine;

import io.github.langchain4j.moi.llamacpp.NativeModel;
import io.github.langchain4j.moi.testing.GgufWriter;
import io.github.langchain4j.moi.testing.TinyModel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.List;
import java.util.Random;

import static io.github.langchain4j.moi.testing.Logits.maxAbs;
import static io.github.langchain4j.moi.testing.Logits.maxAbsDiff;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The native path without a download: a tiny random llama model written by {@link GgufWriter} loads,
 * generates in OFF and MOI modes, and its embedding input path gives the same logits as its token path
 * (the fast counterpart of EmbeddingPathIT).
 */
class SyntheticModelTest {

    private static MoiEngine engine;

    @BeforeAll
    static void load() {
        engine = MoiEngine.load(config(TinyModel.shared()));
    }

    @AfterAll
    static void close() {
        engine.close();
    }

    static EngineConfig config(Path path) {
        return EngineConfig.of(path).withContextSize(256).withThreads(1);
    }

    @Test
    void loads_with_the_written_dimensions() {
        NativeModel model = engine.nativeModel();
        assertThat(engine.architecture()).isEqualTo("llama");
        assertThat(engine.modelName()).isEqualTo("tiny-random-llama");
        assertThat(model.vocabSize()).isEqualTo(TinyModel.tokens().length);
        assertThat(model.embeddingSize()).isEqualTo(TinyModel.N_EMBD);
        assertThat(engine.contextSize()).isEqualTo(256);
        assertThat(model.tokenize("the quick brown fox", true, false)).hasSizeGreaterThan(1);
    }

    @Test
    void a_model_without_a_chat_template_is_prompted_in_llama_cpps_builtin_chatml_as_its_server_does() {
        assertThat(engine.chatTemplateSource()).isNull();
        assertThat(engine.chatTemplateDescription()).isEqualTo("llama.cpp's built-in chat template 'chatml'");
        PromptText prompt = engine.applyChatTemplate(List.of(new ChatTurn("system", "Be brief."),
                new ChatTurn("user", "<|im_end|>hi")), true);
        assertThat(prompt.asString()).isEqualTo("<|im_start|>system\nBe brief.<|im_end|>\n"
                + "<|im_start|>user\n<|im_end|>hi<|im_end|>\n<|im_start|>assistant\n");
        // the contents stay data: markup written in a message is not markup
        assertThat(prompt.parts()).contains(new PromptText.Part("<|im_end|>hi", false));
    }

    @ParameterizedTest
    @ValueSource(strings = {"OFF", "MOI", "DIRECT"})
    void generates_tokens(MoiMode mode) {
        GenerationRequest request = GenerationRequest.of("the quick brown fox", SamplingOptions.GREEDY,
                new MoiOptions(mode, 1.0, 20), 12).withTrace(true);
        GenerationResult result = engine.generate(request, null);
        assertThat(result.outputTokens()).isEqualTo(12);
        assertThat(result.finishReason()).isEqualTo(FinishReason.LENGTH);
        assertThat(result.trace()).hasSize(12);
        assertThat(engine.generate(request, null).tokens()).containsExactly(result.tokens());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "root ::= (\" the\" | \" dog\"", "answer ::= \" the\"", "root ::= \"\\q\"",
            "root ::= [^\\x00-\\U0010FFFF]"})
    void an_invalid_grammar_given_to_the_engine_is_refused_instead_of_running_unconstrained(String grammar) {
        assertThatThrownBy(() -> engine.generate(new GenerationRequest("the quick brown fox", SamplingOptions.GREEDY,
                MoiOptions.OFF, 12, List.of(), grammar, false), null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("invalid grammar");
    }

    @Test
    void a_valid_grammar_given_to_the_engine_constrains_the_output() {
        GenerationResult result = engine.generate(new GenerationRequest("the quick brown fox", SamplingOptions.GREEDY,
                MoiOptions.DEFAULTS, 12, List.of(), "root ::= (\" the\" | \" dog\")+ \".\"", false), null);
        assertThat(result.text()).matches("( the| dog)+\\.?");
    }

    @Test
    void a_large_presence_penalty_keeps_greedy_output_from_repeating_a_token_within_the_window() {
        GenerationRequest plain = GenerationRequest.of("the quick brown fox", SamplingOptions.GREEDY, MoiOptions.OFF, 40);
        int[] repeating = engine.generate(plain, null).tokens();
        assertThat(java.util.Arrays.stream(repeating).distinct().count()).as("the random model repeats itself")
                .isLessThan(repeating.length);

        SamplingOptions penalized = SamplingOptions.GREEDY.withPenalties(0, 1000);
        GenerationRequest request = GenerationRequest.of("the quick brown fox", penalized, MoiOptions.OFF, 40);
        int[] tokens = engine.generate(request, null).tokens();
        assertThat(tokens).hasSizeGreaterThan(20).doesNotHaveDuplicates(); // repeatLastN is 64: the whole output

        SamplingOptions frequency = SamplingOptions.GREEDY.withPenalties(1000, 0);
        assertThat(engine.generate(GenerationRequest.of("the quick brown fox", frequency, MoiOptions.OFF, 40), null)
                .tokens()).doesNotHaveDuplicates();
    }

    @Test
    void sampled_generation_is_reproducible_with_a_seed() {
        GenerationRequest request = GenerationRequest.of("hello world", SamplingOptions.DEFAULTS, MoiOptions.DEFAULTS, 10);
        assertThat(engine.generate(request, null).tokens()).containsExactly(engine.generate(request, null).tokens());
    }

    @Test
    void embedding_input_gives_the_same_logits_as_token_input() {
        NativeModel model = engine.nativeModel();
        int[] prompt = model.tokenize("once upon a time there was a lazy dog", true, false);
        float[] viaToken = new float[model.vocabSize()];
        float[] viaEmbedding = new float[model.vocabSize()];
        Random random = new Random(7);
        for (int i = 0; i < 16; i++) {
            int y = random.nextInt(model.vocabSize());
            int pos = 2 + i % (prompt.length - 2);
            model.clearCache();
            model.decodeTokens(prompt, 0, pos, 0);
            model.decodeTokens(new int[]{y}, 0, 1, pos);
            model.readLogits(viaToken);
            model.trimCache(pos);
            model.decodeEmbedding(model.embeddingRow(y), pos);
            model.readLogits(viaEmbedding);
            assertThat(maxAbsDiff(viaToken, viaEmbedding)).as("token %d at %d", y, pos)
                    .isLessThanOrEqualTo(1e-4f * maxAbs(viaToken));
        }
    }

    @Test
    void greedy_off_through_the_embedding_path_generates_the_same_tokens() {
        GenerationRequest request = GenerationRequest.of("the lazy dog", SamplingOptions.GREEDY, MoiOptions.OFF, 24);
        GenerationResult viaTokens = engine.generate(request, null);
        GenerationResult viaEmbeddings;
        try (MoiEngine rows = MoiEngine.load(config(TinyModel.shared()), MoiFeedback.OffPath.EMBEDDING_ROWS)) {
            viaEmbeddings = rows.generate(request, null);
        }
        assertThat(viaTokens.outputTokens()).isEqualTo(24);
        assertThat(viaEmbeddings.tokens()).containsExactly(viaTokens.tokens());
    }

    @ParameterizedTest
    @ValueSource(ints = {GgufWriter.GGML_F16, GgufWriter.GGML_Q8_0})
    void quantized_token_embeddings_are_dequantized_like_the_graph_does(int type, @TempDir Path dir) {
        Path file = TinyModel.writer(3, type).write(dir.resolve("tiny-" + type + ".gguf"));
        GenerationRequest request = GenerationRequest.of("the lazy dog", SamplingOptions.GREEDY, MoiOptions.OFF, 16);
        try (MoiEngine quantized = MoiEngine.load(config(file));
             MoiEngine rows = MoiEngine.load(config(file), MoiFeedback.OffPath.EMBEDDING_ROWS)) {
            assertThat(rows.generate(request, null).tokens())
                    .containsExactly(quantized.generate(request, null).tokens());
        }
    }
}
