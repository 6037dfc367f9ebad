package io.github.langchain4j.moi;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ResponseFormat;
import dev.langchain4j.model.chat.request.ResponseFormatType;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.chat.request.json.JsonSchema;
import dev.langchain4j.model.chat.response.ChatResponse;
import io.github.langchain4j.moi.engine.ChatTurn;
import io.github.langchain4j.moi.engine.Engine;
import io.github.langchain4j.moi.engine.GenerationListener;
import io.github.langchain4j.moi.engine.GenerationRequest;
import io.github.langchain4j.moi.engine.GenerationResult;
import io.github.langchain4j.moi.engine.MoiEngine;
import io.github.langchain4j.moi.engine.PromptText;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Think-then-answer on the default model (Qwen2.5-Coder-0.5B-Instruct, no thinking tokens of its own). */
class ThinkingIT {

    /** The real engine, with every request it is given kept for the assertions on the rendered prompt. */
    static final class RecordingEngine implements Engine {
        final MoiEngine engine;
        final List<GenerationRequest> requests = new CopyOnWriteArrayList<>();

        RecordingEngine(MoiEngine engine) {
            this.engine = engine;
        }

        @Override
        public GenerationResult generate(GenerationRequest request, GenerationListener listener) {
            requests.add(request);
            return engine.generate(request, listener);
        }

        @Override
        public CompletableFuture<GenerationResult> submit(GenerationRequest request, GenerationListener listener) {
            requests.add(request);
            return engine.submit(request, listener);
        }

        @Override
        public PromptText applyChatTemplate(List<ChatTurn> turns, boolean addAssistantPrefix) {
            return engine.applyChatTemplate(turns, addAssistantPrefix);
        }

        @Override
        public PromptText applyChatTemplate(List<ChatTurn> turns, List<String> tools, boolean addAssistantPrefix) {
            return engine.applyChatTemplate(turns, tools, addAssistantPrefix);
        }

        @Override
        public String chatTemplateSource() {
            return engine.chatTemplateSource();
        }

        @Override
        public String modelName() {
            return engine.modelName();
        }

        @Override
        public int contextSize() {
            return engine.contextSize();
        }

        @Override
        public void close() {
            engine.close();
        }

        String lastPrompt() {
            return requests.get(requests.size() - 1).prompt().asString();
        }
    }

    private static RecordingEngine engine;
    private static MoiChatLanguageModel model;

    @BeforeAll
    static void load() {
        model = MoiChatLanguageModel.builder()
                .runtimeLoader(config -> engine = new RecordingEngine(MoiEngine.load(config)))
                // small: the answers must come in a few minutes on a busy 2-core machine
                .think(true).thinkingBudget(40).maxOutputTokens(24).temperature(0.0)
                .build();
    }

    @AfterAll
    static void close() {
        model.close();
    }

    private static ChatRequest question(boolean returnThinking, dev.langchain4j.data.message.ChatMessage... messages) {
        return ChatRequest.builder().messages(messages)
                .parameters(MoiChatRequestParameters.builder().returnThinking(returnThinking).build()).build();
    }

    @Test
    void the_thinking_streams_through_on_partial_thinking_and_the_answer_through_on_partial_response() throws Exception {
        ThinkingChatTest.Recorder recorder = new ThinkingChatTest.Recorder();

        model.chat(question(true, UserMessage.from("What is 17 * 3? Give the number.")), recorder);

        ChatResponse response = recorder.response();
        assertThat(recorder.thinking).isNotEmpty();
        assertThat(recorder.answer).isNotEmpty();
        String thinking = String.join("", recorder.thinking);
        String answer = String.join("", recorder.answer);
        assertThat(response.aiMessage().thinking()).isEqualTo(thinking).isNotBlank();
        assertThat(response.aiMessage().text()).isEqualTo(answer).isNotBlank();
        for (String part : List.of(thinking, answer)) {
            assertThat(part).doesNotContain("<think>").doesNotContain("</think>");
        }
        assertThat(engine.lastPrompt()).endsWith("<|im_start|>assistant\n<think>\n");
    }

    @Test
    void return_thinking_off_drops_the_thinking() throws Exception {
        ThinkingChatTest.Recorder recorder = new ThinkingChatTest.Recorder();

        model.chat(question(false, UserMessage.from("What is 17 * 3? Give the number.")), recorder);

        ChatResponse response = recorder.response();
        assertThat(recorder.thinking).isEmpty();
        assertThat(response.aiMessage().thinking()).isNull();
        assertThat(response.aiMessage().text()).isNotBlank().doesNotContain("</think>");
    }

    @Test
    void the_second_turns_prompt_has_the_first_answer_without_its_thinking() {
        ChatResponse first = model.chat(question(true, UserMessage.from("Name a prime number between 10 and 20.")));
        AiMessage firstAnswer = first.aiMessage();
        assertThat(firstAnswer.thinking()).isNotBlank();

        model.chat(question(true, UserMessage.from("Name a prime number between 10 and 20."), firstAnswer,
                UserMessage.from("And one between 20 and 30?")));

        String prompt = engine.lastPrompt();
        // the answer as reasoning templates re-feed it: after its last </think> (a small model may write another
        // segment of its own in the answer), never the thinking; as it is otherwise (an answer may end with a newline)
        String refed = io.github.langchain4j.moi.engine.ThinkingOptions.think(1).stripThinking(firstAnswer.text());
        assertThat(prompt).contains("<|im_start|>assistant\n" + refed + "<|im_end|>")
                .contains("And one between 20 and 30?")
                .doesNotContain(firstAnswer.thinking().strip());
    }

    @Test
    void a_json_schema_answer_after_a_thinking_segment_parses() throws Exception {
        ResponseFormat format = ResponseFormat.builder().type(ResponseFormatType.JSON)
                .jsonSchema(JsonSchema.builder().name("product").rootElement(JsonObjectSchema.builder()
                        .addIntegerProperty("product").required("product").build()).build()).build();

        ChatResponse response = model.chat(ChatRequest.builder()
                .messages(UserMessage.from("What is 17 * 3?"))
                .parameters(MoiChatRequestParameters.builder().returnThinking(true).responseFormat(format).build())
                .build());

        assertThat(response.aiMessage().thinking()).isNotBlank();
        JsonNode answer = new ObjectMapper().readTree(response.aiMessage().text());
        assertThat(answer.get("product").isInt()).as(response.aiMessage().text()).isTrue();
    }
}
