package io.github.langchain4j.moi.engine;

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

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A reasoning model's thinking segment end to end on the tiny synthetic model, with a chat template written like
 * the DeepSeek-R1 distills' (its later revision, whose generation prompt opens the segment with
 * {@code <think>\n}; earlier turns are cut after {@code </think>}).
 */
class ThinkingTest {

    private static MoiEngine engine;

    @BeforeAll
    static void load(@TempDir Path dir) {
        Path file = TinyModel.writer(1, GgufWriter.GGML_F32).put("tokenizer.chat_template", TinyModel.R1_TEMPLATE)
                .write(dir.resolve("tiny-r1.gguf"));
        engine = MoiEngine.load(EngineConfig.of(file).withContextSize(256).withThreads(1));
    }

    @AfterAll
    static void close() {
        engine.close();
    }

    private static PromptText prompt() {
        return engine.applyChatTemplate(List.of(new ChatTurn("user", "the quick brown fox")), true);
    }

    private static GenerationRequest request(MoiScope scope, int budget, int maxTokens, String grammar) {
        ThinkingOptions thinking = ThinkingOptions.detect(engine.chatTemplateSource(), budget);
        return new GenerationRequest(prompt(), SamplingOptions.GREEDY,
                MoiOptions.DEFAULTS.withScope(scope), maxTokens, List.of(), grammar, true, thinking);
    }

    @Test
    void the_template_is_recognised_as_a_reasoning_template_whose_generation_prompt_opens_the_segment() {
        assertThat(ThinkingOptions.detect(engine.chatTemplateSource(), 5)).isEqualTo(ThinkingOptions.think(5));
        assertThat(prompt().asString()).endsWith("<｜Assistant｜><think>\n");
    }

    @Test
    void earlier_turns_are_re_fed_without_their_thinking_as_the_template_does() {
        PromptText second = engine.applyChatTemplate(List.of(
                new ChatTurn("user", "first question"),
                new ChatTurn("assistant", "<think>\nsecret reasoning\n</think>\n\nvisible answer"),
                new ChatTurn("user", "second question")), true);
        assertThat(second.asString())
                .contains("<｜Assistant｜>visible answer<｜end▁of▁sentence｜><｜User｜>second question")
                .doesNotContain("secret reasoning");
    }

    @Test
    void the_budget_closes_the_segment_opened_by_the_prompt_and_an_answer_follows() {
        StringBuilder streamedThinking = new StringBuilder();
        StringBuilder streamedAnswer = new StringBuilder();
        GenerationResult result = engine.generate(request(MoiScope.ALL, 8, 6, null), new GenerationListener() {
            @Override
            public void onText(String text) {
                streamedAnswer.append(text);
            }

            @Override
            public void onThinking(String text) {
                streamedThinking.append(text);
            }
        });
        List<MoiStep> trace = result.trace();
        long thinkingSteps = trace.stream().filter(step -> step.segment() == Segment.THINKING).count();
        int closeTokens = thinkingSteps > 8 ? (int) thinkingSteps - 8 : 0;
        assertThat(closeTokens).as("the closing marker fed after 8 thinking tokens").isPositive();
        // the thinking first, then the answer: no step of the answer before the last of the thinking
        assertThat(trace.subList(0, (int) thinkingSteps)).allMatch(step -> step.segment() == Segment.THINKING);
        assertThat(trace.subList((int) thinkingSteps, trace.size())).hasSize(6)
                .allMatch(step -> step.segment() == Segment.ANSWER);
        // the forced marker: fed as itself
        assertThat(trace.subList(8, (int) thinkingSteps)).allMatch(step -> step.mode() == MoiMode.OFF
                && step.mixture().weights().length == 1);
        assertThat(result.finishReason()).isEqualTo(FinishReason.LENGTH);
        assertThat(result.thinking()).isNotBlank().isEqualTo(streamedThinking.toString()).doesNotContain("think>");
        assertThat(result.text()).isNotBlank().isEqualTo(streamedAnswer.toString()).doesNotContain("think>");
        assertThat(result.outputTokens()).isEqualTo(trace.size());
    }

    @Test
    void scope_thinking_mixes_inside_the_segment_only() {
        List<MoiStep> trace = engine.generate(request(MoiScope.THINKING, 8, 6, null), null).trace();
        List<MoiStep> sampledThinking = trace.subList(0, 8);
        List<MoiStep> answer = trace.stream().filter(step -> step.segment() == Segment.ANSWER).toList();
        assertThat(sampledThinking).allMatch(step -> step.mode() == MoiMode.MOI && step.mixture().support().length > 1);
        assertThat(answer).hasSize(6).allMatch(step -> step.mode() == MoiMode.OFF
                && step.mixture().support().length == 1 && step.mixture().weights()[0] == 1.0
                && step.mixture().support()[0] == step.token());
    }

    @Test
    void scope_answer_mixes_after_the_segment_only() {
        List<MoiStep> trace = engine.generate(request(MoiScope.ANSWER, 8, 6, null), null).trace();
        List<MoiStep> thinking = trace.stream().filter(step -> step.segment() == Segment.THINKING).toList();
        List<MoiStep> answer = trace.stream().filter(step -> step.segment() == Segment.ANSWER).toList();
        assertThat(thinking).hasSizeGreaterThan(8).allMatch(step -> step.mode() == MoiMode.OFF
                && step.mixture().support().length == 1 && step.mixture().weights()[0] == 1.0);
        assertThat(answer).hasSize(6).allMatch(step -> step.mode() == MoiMode.MOI && step.mixture().support().length > 1);
    }

    @Test
    void scope_changes_what_is_fed_so_the_output_after_the_scoped_part_differs() {
        int[] all = engine.generate(request(MoiScope.ALL, 8, 12, null), null).tokens();
        int[] thinkingOnly = engine.generate(request(MoiScope.THINKING, 8, 12, null), null).tokens();
        int[] off = engine.generate(new GenerationRequest(prompt(), SamplingOptions.GREEDY, MoiOptions.OFF, 12,
                List.of(), null, false, ThinkingOptions.think(8)), null).tokens();
        int[] answerOnly = engine.generate(request(MoiScope.ANSWER, 8, 12, null), null).tokens();
        // scope ANSWER thinks exactly like OFF (the same greedy tokens up to the closed marker)
        assertThat(java.util.Arrays.copyOf(answerOnly, 9)).containsExactly(java.util.Arrays.copyOf(off, 9));
        // scope THINKING thinks exactly like ALL
        assertThat(java.util.Arrays.copyOf(thinkingOnly, 9)).containsExactly(java.util.Arrays.copyOf(all, 9));
    }

    @Test
    void a_grammar_constrains_the_answer_and_not_the_thinking() {
        String grammar = "root ::= \"{\" (\" the\" | \" dog\"){1,3} \" }\"";
        GenerationResult result = engine.generate(request(MoiScope.ALL, 10, 20, grammar), null);
        assertThat(result.text()).matches("\\{( the| dog)+ }");
        assertThat(result.thinking()).isNotBlank().doesNotMatch("\\{( the| dog)+ }");
        assertThat(result.finishReason()).isEqualTo(FinishReason.STOP);
    }

    @Test
    void without_thinking_options_the_output_is_all_answer_and_counted_by_max_tokens() {
        GenerationResult result = engine.generate(new GenerationRequest(prompt(), SamplingOptions.GREEDY,
                MoiOptions.DEFAULTS, 7, List.of(), null, true), null);
        assertThat(result.thinking()).isEmpty();
        assertThat(result.outputTokens()).isEqualTo(7);
        assertThat(result.trace()).allMatch(step -> step.segment() == Segment.ANSWER);
    }

    @Test
    void the_context_limit_closes_the_segment_before_it_would_cut_the_thinking() {
        GenerationResult result = engine.generate(request(MoiScope.ALL, ThinkingOptions.NO_BUDGET, 4, null), null);
        assertThat(result.thinking()).isNotBlank();
        assertThat(result.text()).isNotBlank();
        assertThat(result.trace().stream().filter(step -> step.segment() == Segment.ANSWER)).hasSize(4);
        assertThat(result.finishReason()).isEqualTo(FinishReason.LENGTH);
    }

    /**
     * A copy of the model in which the answer's first token of the usual run is an end-of-generation token, or a
     * control token (it prints nothing): either would leave the answer empty.
     */
    @ParameterizedTest
    @ValueSource(strings = {"end of generation", "control"})
    void an_answer_after_the_segment_is_never_empty_even_where_the_model_would_end_its_turn_at_once(String kind,
                                                                                                   @TempDir Path dir) {
        GenerationResult usual = engine.generate(request(MoiScope.ALL, 8, 6, null), null);
        int firstAnswerToken = usual.trace().stream().filter(step -> step.segment() == Segment.ANSWER)
                .findFirst().orElseThrow().token();
        GgufWriter writer = TinyModel.writer(1, GgufWriter.GGML_F32).put("tokenizer.chat_template", TinyModel.R1_TEMPLATE);
        if (kind.equals("control")) {
            int[] types = TinyModel.tokenTypes();
            types[firstAnswerToken] = 3;
            writer.without("tokenizer.ggml.token_type").putArray("tokenizer.ggml.token_type", types);
        } else {
            writer.without("tokenizer.ggml.eos_token_id").putU32("tokenizer.ggml.eos_token_id", firstAnswerToken);
        }
        Path file = writer.write(dir.resolve("tiny-r1-eager.gguf"));
        try (MoiEngine eager = MoiEngine.load(EngineConfig.of(file).withContextSize(256).withThreads(1))) {
            PromptText prompt = eager.applyChatTemplate(List.of(new ChatTurn("user", "the quick brown fox")), true);
            GenerationResult result = eager.generate(new GenerationRequest(prompt, SamplingOptions.GREEDY,
                    MoiOptions.DEFAULTS, 6, List.of(), null, true,
                    ThinkingOptions.detect(eager.chatTemplateSource(), 8)), null);
            assertThat(result.text()).as("the answer, with the end of generation held back at its start").isNotBlank();
            assertThat(result.trace().stream().filter(step -> step.segment() == Segment.ANSWER).findFirst()
                    .orElseThrow().token()).isNotEqualTo(firstAnswerToken);
        }
    }
}
