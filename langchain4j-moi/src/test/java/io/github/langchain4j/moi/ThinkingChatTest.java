package io.github.langchain4j.moi;

import static io.github.langchain4j.moi.FakeRuntime.thought;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ResponseFormat;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.chat.request.json.JsonSchema;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.PartialThinking;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.output.FinishReason;
import io.github.langchain4j.moi.engine.GenerationRequest;
import io.github.langchain4j.moi.engine.InvalidOptionException;
import io.github.langchain4j.moi.engine.MoiScope;
import io.github.langchain4j.moi.engine.Segment;
import io.github.langchain4j.moi.engine.ThinkingOptions;
import io.github.langchain4j.moi.testing.GgufWriter;
import io.github.langchain4j.moi.testing.TinyModel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Thinking as LangChain4j exposes it: AiMessage.thinking(), onPartialThinking, returnThinking, think-then-answer. */
class ThinkingChatTest {

    private static final String REASONING_TEMPLATE = "{{ content.split('</think>')[-1] }}";

    /** What a stream delivered, callback by callback. */
    static final class Recorder implements StreamingChatResponseHandler {
        final List<String> thinking = new ArrayList<>();
        final List<String> answer = new ArrayList<>();
        final CompletableFuture<ChatResponse> done = new CompletableFuture<>();

        @Override
        public void onPartialThinking(PartialThinking partialThinking) {
            thinking.add(partialThinking.text());
        }

        @Override
        public void onPartialResponse(String partialResponse) {
            answer.add(partialResponse);
        }

        @Override
        public void onCompleteResponse(ChatResponse completeResponse) {
            done.complete(completeResponse);
        }

        @Override
        public void onError(Throwable error) {
            done.completeExceptionally(error);
        }

        ChatResponse response() throws Exception {
            return done.get(600, TimeUnit.SECONDS);
        }
    }

    private static MoiChatLanguageModel model(FakeRuntime fake, Boolean returnThinking) {
        return MoiChatLanguageModel.builder().modelPath(Path.of("/models/m.gguf")).runtimeLoader(fake.loader())
                .returnThinking(returnThinking).build();
    }

    @Test
    void with_return_thinking_the_thinking_streams_through_on_partial_thinking_and_lands_in_thinking() throws Exception {
        FakeRuntime fake = new FakeRuntime();
        fake.templateSource = REASONING_TEMPLATE;
        fake.answer(thought("Let me"), thought(" see."), "The answer", " is 4.");
        Recorder recorder = new Recorder();

        model(fake, true).chat(ChatRequest.builder().messages(UserMessage.from("2+2?")).build(), recorder);

        ChatResponse response = recorder.response();
        assertThat(recorder.thinking).containsExactly("Let me", " see.");
        assertThat(recorder.answer).containsExactly("The answer", " is 4.");
        assertThat(response.aiMessage().thinking()).isEqualTo("Let me see.");
        assertThat(response.aiMessage().text()).isEqualTo("The answer is 4.");
        assertThat(fake.lastRequest().thinking()).isEqualTo(ThinkingOptions.think(ThinkingOptions.NO_BUDGET));
    }

    @Test
    void without_return_thinking_the_thinking_is_dropped_by_default_as_in_langchain4j_providers() throws Exception {
        FakeRuntime fake = new FakeRuntime();
        fake.templateSource = REASONING_TEMPLATE;
        fake.answer(thought("secret"), "visible");
        Recorder recorder = new Recorder();

        model(fake, null).chat(ChatRequest.builder().messages(UserMessage.from("q")).build(), recorder);

        ChatResponse response = recorder.response();
        assertThat(recorder.thinking).isEmpty();
        assertThat(recorder.answer).containsExactly("visible");
        assertThat(response.aiMessage().thinking()).isNull();
        assertThat(response.aiMessage().text()).isEqualTo("visible");
        assertThat(EngineMapping.DEFAULTS.returnThinking()).isFalse();
    }

    @Test
    void return_thinking_per_request_overrides_the_model_default() {
        FakeRuntime fake = new FakeRuntime();
        fake.templateSource = REASONING_TEMPLATE;
        fake.answer(thought("hmm"), "yes");
        ChatResponse response = model(fake, false).chat(ChatRequest.builder().messages(UserMessage.from("q"))
                .parameters(MoiChatRequestParameters.builder().returnThinking(true).build()).build());
        assertThat(response.aiMessage().thinking()).isEqualTo("hmm");
    }

    @Test
    void a_model_without_a_thinking_segment_gets_none() {
        FakeRuntime fake = new FakeRuntime();
        model(fake, true).chat("hi");
        assertThat(fake.lastRequest().thinking()).isNull();
        assertThat(fake.lastRequest().prompt().asString()).doesNotContain("<think>");
    }

    @Test
    void think_then_answer_instructs_the_model_and_opens_the_segment_in_the_prompt() {
        FakeRuntime fake = new FakeRuntime();
        MoiChatLanguageModel model = MoiChatLanguageModel.builder().modelPath(Path.of("/models/m.gguf"))
                .runtimeLoader(fake.loader()).think(true).thinkingBudget(64).returnThinking(true).build();
        fake.answer(thought("4 because 2+2"), "4");

        ChatResponse response = model.chat(ChatRequest.builder().messages(UserMessage.from("2+2?")).build());

        GenerationRequest request = fake.lastRequest();
        assertThat(request.thinking()).isEqualTo(ThinkingOptions.think(64));
        assertThat(request.prompt().asString()).contains(io.github.langchain4j.moi.engine.ThinkThenAnswer.INSTRUCTION)
                .endsWith("<|im_start|>assistant\n<think>\n");
        // the opening marker is markup of the prompt, not text a user wrote
        assertThat(request.prompt().parts().get(request.prompt().parts().size() - 1).markup()).isTrue();
        assertThat(response.aiMessage().thinking()).isEqualTo("4 because 2+2");
        assertThat(response.aiMessage().text()).isEqualTo("4");
        assertThat(response.finishReason()).isEqualTo(FinishReason.STOP);
    }

    @Test
    void the_second_turn_is_rendered_without_the_first_turns_thinking() {
        FakeRuntime fake = new FakeRuntime();
        MoiChatLanguageModel model = MoiChatLanguageModel.builder().modelPath(Path.of("/models/m.gguf"))
                .runtimeLoader(fake.loader()).think(true).build();

        model.chat(ChatRequest.builder().messages(
                UserMessage.from("first"),
                AiMessage.builder().text("answer one").thinking("secret reasoning one").build(),
                UserMessage.from("second"),
                AiMessage.from("<think>\nsecret reasoning two\n</think>\n\nanswer two"),
                UserMessage.from("third")).build());

        String prompt = fake.lastRequest().prompt().asString();
        assertThat(prompt).contains("answer one", "answer two", "third")
                .doesNotContain("secret reasoning");
    }

    @Test
    void think_then_answer_keeps_the_json_schema_grammar_for_the_answer() {
        FakeRuntime fake = new FakeRuntime();
        MoiChatLanguageModel model = MoiChatLanguageModel.builder().modelPath(Path.of("/models/m.gguf"))
                .runtimeLoader(fake.loader()).think(true).build();
        fake.answer(thought("name it"), "{\"name\": \"Ada\"}");
        ResponseFormat format = ResponseFormat.builder().type(dev.langchain4j.model.chat.request.ResponseFormatType.JSON)
                .jsonSchema(JsonSchema.builder().name("person").rootElement(JsonObjectSchema.builder()
                        .addStringProperty("name").required("name").build()).build()).build();

        ChatResponse response = model.chat(ChatRequest.builder().messages(UserMessage.from("who?"))
                .responseFormat(format).build());

        assertThat(fake.lastRequest().grammar()).contains("answer-name-kv");
        assertThat(fake.lastRequest().thinking()).isNotNull();
        assertThat(response.aiMessage().text()).isEqualTo("{\"name\": \"Ada\"}");
    }

    @Test
    void a_bad_thinking_budget_is_refused_by_name() {
        assertThatThrownBy(() -> MoiChatLanguageModel.builder().modelPath(Path.of("/models/m.gguf"))
                .runtimeLoader(new FakeRuntime().loader()).thinkingBudget(0).build())
                .isInstanceOf(InvalidOptionException.class)
                .hasMessageContaining("thinkingBudget");
    }

    @Test
    void a_reasoning_template_end_to_end_on_the_synthetic_model(@TempDir Path dir) throws Exception {
        Path file = TinyModel.writer(1, GgufWriter.GGML_F32).put("tokenizer.chat_template", TinyModel.R1_TEMPLATE)
                .write(dir.resolve("tiny-r1.gguf"));
        try (MoiChatLanguageModel model = MoiChatLanguageModel.builder().modelPath(file).contextSize(256).threads(1)
                .temperature(0.0).thinkingBudget(8).maxOutputTokens(5).returnThinking(true).scope(MoiScope.THINKING)
                .trace(true).build()) {
            Recorder recorder = new Recorder();
            model.chat(ChatRequest.builder().messages(UserMessage.from("the quick brown fox")).build(), recorder);
            ChatResponse response = recorder.response();

            // the segment opened by the generation prompt is recognised: thinking first, then a 5-token answer
            assertThat(response.aiMessage().thinking()).isNotBlank().isEqualTo(String.join("", recorder.thinking));
            assertThat(response.aiMessage().text()).isNotBlank().isEqualTo(String.join("", recorder.answer));
            assertThat(response.finishReason()).isEqualTo(FinishReason.LENGTH);
            var trace = ((MoiChatResponseMetadata) response.metadata()).trace();
            assertThat(trace.stream().filter(step -> step.segment() == Segment.ANSWER)).hasSize(5)
                    .allMatch(step -> step.mixture().weights().length == 1);

            // the next turn: the answer comes back without its thinking, as the template wants
            ChatResponse second = model.chat(ChatRequest.builder().messages(UserMessage.from("the quick brown fox"),
                    AiMessage.from("<think>\nthe lazy dog\n</think>\n\nhello world"), UserMessage.from("once upon a time"))
                    .build());
            assertThat(second.aiMessage().text()).isNotBlank();
        }
    }
}
