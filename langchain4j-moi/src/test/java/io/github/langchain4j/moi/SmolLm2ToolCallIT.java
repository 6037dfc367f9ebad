package io.github.langchain4j.moi;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ToolChoice;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.CompleteToolCall;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.output.FinishReason;
import io.github.langchain4j.moi.testing.TestModels;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Tool calls on SmolLM2-135M-Instruct through {@link MoiChatLanguageModel}, in its own format: its chat template
 * (plain ChatML) knows nothing of tools, so {@link ToolCallFormat#detect} picks the generic JSON format, which
 * describes the tools in the system message as text. A 135M model answers poorly; what is checked is the
 * format, the prompt and the grammar's guarantee (a declared tool, arguments valid for its schema), never its
 * arithmetic.
 */
class SmolLm2ToolCallIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ToolSpecification ADD = ToolSpecification.builder()
            .name("add")
            .description("Adds two integers and returns their sum")
            .parameters(JsonObjectSchema.builder()
                    .addIntegerProperty("a")
                    .addIntegerProperty("b")
                    .required("a", "b")
                    .build())
            .build();
    private static final String SYSTEM = "You are a calculator.";
    private static final String QUESTION = "What is 2 plus 3?";

    private static MoiChatLanguageModel model;

    @BeforeAll
    static void load() {
        model = MoiChatLanguageModel.builder()
                .modelPath(TestModels.smolLm2())
                .contextSize(2048)
                // room for two calls of ~30 tokens: the first completes even where the model goes on calling
                .maxOutputTokens(64)
                .build();
    }

    @AfterAll
    static void close() {
        model.close();
    }

    private static ChatRequest question(ToolChoice toolChoice, int seed) {
        return ChatRequest.builder()
                .messages(SystemMessage.from(SYSTEM), UserMessage.from(QUESTION))
                .parameters(MoiChatRequestParameters.builder()
                        .toolSpecifications(ADD)
                        .toolChoice(toolChoice)
                        .temperature(1.0)
                        .seed(seed)
                        .build())
                .build();
    }

    @Test
    void its_template_has_no_tool_support_so_the_tools_are_described_in_the_generic_json_format() throws IOException {
        ChatGeneration generation = model.prepare(question(ToolChoice.AUTO, 1));

        assertThat(generation.format()).isEqualTo(ToolCallFormat.GENERIC_JSON);
        // the reference rendering of the same messages: scripts/render-chat-template.py
        // ~/.cache/langchain4j-moi/smollm2-135m-instruct-q4_1.gguf chat-templates/smollm2-tools.json
        assertThat(generation.request().prompt().asString()).isEqualTo(resource("chat-templates/smollm2-tools.txt"));
        // the call's grammar: the declared tool's name, then its arguments' schema (integers a and b)
        assertThat(generation.request().grammar())
                .contains("<tool_call>")
                .contains("\"\\\"add\\\"\"")
                .contains("\\\"arguments\\\"");
    }

    @Test
    void every_required_call_names_the_declared_tool_with_arguments_valid_for_its_schema() {
        // one seed here, another in the streamed test: the grammar's guarantee does not depend on the seed
        ChatResponse response = model.chat(question(ToolChoice.REQUIRED, 1));

        // the 135M model often goes on calling (the grammar allows 8 calls) until maxOutputTokens: LENGTH;
        // every call it completed is still a declared tool with valid arguments
        assertThat(response.finishReason()).as("%s", response).isIn(FinishReason.TOOL_EXECUTION, FinishReason.LENGTH);
        assertThat(response.aiMessage().toolExecutionRequests()).isNotEmpty()
                .allSatisfy(SmolLm2ToolCallIT::assertValidAddCall);
    }

    @Test
    void a_streamed_call_is_in_the_same_format_and_as_valid() throws Exception {
        List<CompleteToolCall> streamed = new CopyOnWriteArrayList<>();
        CompletableFuture<ChatResponse> done = new CompletableFuture<>();
        model.chat(question(ToolChoice.REQUIRED, 7), new StreamingChatResponseHandler() {
            @Override
            public void onPartialResponse(String partialResponse) {
            }

            @Override
            public void onCompleteToolCall(CompleteToolCall completeToolCall) {
                streamed.add(completeToolCall);
            }

            @Override
            public void onCompleteResponse(ChatResponse completeResponse) {
                done.complete(completeResponse);
            }

            @Override
            public void onError(Throwable error) {
                done.completeExceptionally(error);
            }
        });
        ChatResponse response = done.get(5, TimeUnit.MINUTES);

        assertThat(response.aiMessage().toolExecutionRequests()).isNotEmpty()
                .allSatisfy(SmolLm2ToolCallIT::assertValidAddCall);
        assertThat(streamed).extracting(CompleteToolCall::toolExecutionRequest)
                .containsExactlyElementsOf(response.aiMessage().toolExecutionRequests());
    }

    @Test
    void the_result_goes_back_in_the_generic_format_and_the_model_answers_in_text() {
        ToolExecutionRequest call = ToolExecutionRequest.builder().id("call_1").name("add")
                .arguments("{\"a\": 2, \"b\": 3}").build();
        ChatRequest followUp = ChatRequest.builder()
                .messages(SystemMessage.from(SYSTEM), UserMessage.from(QUESTION), AiMessage.from(call),
                        ToolExecutionResultMessage.from(call, "5"))
                .parameters(MoiChatRequestParameters.builder().toolSpecifications(ADD).seed(1)
                        .maxOutputTokens(24).build()) // a few words show that it answers in text
                .build();

        String prompt = model.prepare(followUp).request().prompt().asString();
        ChatResponse response = model.chat(followUp);

        assertThat(prompt).endsWith("<|im_start|>assistant\n<tool_call>\n{\"name\": \"add\", \"arguments\": "
                + "{\"a\": 2, \"b\": 3}}\n</tool_call><|im_end|>\n"
                + "<|im_start|>user\n<tool_response>\n5\n</tool_response><|im_end|>\n"
                + "<|im_start|>assistant\n");
        // right after its result the tool is not offered again: the grammar allows text only
        assertThat(response.aiMessage().hasToolExecutionRequests()).isFalse();
        assertThat(response.aiMessage().text()).isNotBlank().doesNotStartWith("<tool_call>");
    }

    private static void assertValidAddCall(ToolExecutionRequest call) {
        assertThat(call.name()).isEqualTo("add");
        JsonNode arguments;
        try {
            arguments = JSON.readTree(call.arguments());
        } catch (IOException e) {
            throw new AssertionError("arguments are not JSON: " + call.arguments(), e);
        }
        assertThat(arguments.isObject()).as(call.arguments()).isTrue();
        assertThat(arguments.properties()).extracting(java.util.Map.Entry::getKey).as(call.arguments())
                .containsExactlyInAnyOrder("a", "b");
        assertThat(arguments.get("a").isIntegralNumber()).as(call.arguments()).isTrue();
        assertThat(arguments.get("b").isIntegralNumber()).as(call.arguments()).isTrue();
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = SmolLm2ToolCallIT.class.getClassLoader().getResourceAsStream(name)) {
            assertThat(in).as(name).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
