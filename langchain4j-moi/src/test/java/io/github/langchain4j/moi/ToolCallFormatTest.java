package io.github.langchain4j.moi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.exception.UnsupportedFeatureException;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.request.ResponseFormat;
import dev.langchain4j.model.chat.request.ToolChoice;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.chat.response.CompleteToolCall;
import dev.langchain4j.model.chat.response.PartialToolCall;
import io.github.langchain4j.moi.engine.ChatTurn;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ToolCallFormatTest {

    private static final ToolSpecification WEATHER = ToolSpecification.builder()
            .name("get_weather")
            .description("The weather in a city")
            .parameters(JsonObjectSchema.builder().addStringProperty("city").required("city").build())
            .build();

    private static final ChatRequestParameters WITH_TOOLS =
            ChatRequestParameters.builder().toolSpecifications(WEATHER).build();

    /** A valid call in each format's own syntax. */
    private static String validCall(ToolCallFormat format) {
        return switch (format) {
            case HERMES, GENERIC_JSON -> "<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Munich\"}}\n</tool_call>";
            case LLAMA3_JSON -> "{\"name\": \"get_weather\", \"parameters\": {\"city\": \"Munich\"}}";
            case MISTRAL -> "[TOOL_CALLS] [{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Munich\"}}]";
        };
    }

    @Test
    void the_format_is_read_from_the_template_not_the_model_name() {
        assertThat(ToolCallFormat.detect("{% if tools %}<tool_call>{{ tool_call | tojson }}</tool_call>{% endif %}"))
                .isEqualTo(ToolCallFormat.HERMES);
        assertThat(ToolCallFormat.detect("{% if tools %}{{ '<|python_tag|>' }}{% endif %}"))
                .isEqualTo(ToolCallFormat.LLAMA3_JSON);
        assertThat(ToolCallFormat.detect("{% for t in tools %}{% endfor %}{% if m.role == 'ipython' %}"
                + "{\"name\": ..., \"parameters\": ...}{% endif %}")).isEqualTo(ToolCallFormat.LLAMA3_JSON);
        assertThat(ToolCallFormat.detect("{% if tools %}[AVAILABLE_TOOLS]{% endif %}[TOOL_CALLS]"))
                .isEqualTo(ToolCallFormat.MISTRAL);
        assertThat(ToolCallFormat.detect("{% for m in messages %}<|im_start|>{{ m.content }}{% endfor %}"))
                .isEqualTo(ToolCallFormat.GENERIC_JSON);
        assertThat(ToolCallFormat.detect(null)).isEqualTo(ToolCallFormat.GENERIC_JSON);
    }

    @ParameterizedTest
    @EnumSource(ToolCallFormat.class)
    void the_grammar_accepts_a_call_to_a_declared_tool_and_rejects_a_foreign_one(ToolCallFormat format) {
        ChatPrompt prompt = ChatPrompt.from(List.of(UserMessage.from("Weather in Munich?")), WITH_TOOLS, format);
        String call = validCall(format);

        assertThat(GbnfMatcher.matches(prompt.grammar(), call)).as(call).isTrue();
        assertThat(GbnfMatcher.matches(prompt.grammar(), call.replace("get_weather", "rm_rf"))).isFalse();
        assertThat(GbnfMatcher.matches(prompt.grammar(), call.replace("\"city\"", "\"town\""))).isFalse();
        // where a call is required, another family's syntax is not a call of this one
        String required = ChatPrompt.from(List.of(UserMessage.from("Weather in Munich?")), ChatRequestParameters.builder()
                .toolSpecifications(WEATHER).toolChoice(ToolChoice.REQUIRED).build(), format).grammar();
        assertThat(GbnfMatcher.matches(required, call)).isTrue();
        for (ToolCallFormat other : ToolCallFormat.values()) {
            if (!validCall(other).equals(call)) {
                assertThat(GbnfMatcher.matches(required, validCall(other))).as(other.name()).isFalse();
            }
        }
    }

    @ParameterizedTest
    @EnumSource(ToolCallFormat.class)
    void the_parser_reads_a_call_back_whole_and_streamed_one_character_at_a_time(ToolCallFormat format) {
        String call = validCall(format);
        for (boolean streamed : new boolean[]{false, true}) {
            List<PartialToolCall> partials = new ArrayList<>();
            List<CompleteToolCall> completes = new ArrayList<>();
            AnswerParser parser = ChatPrompt.from(List.of(UserMessage.from("hi")), WITH_TOOLS, format)
                    .newAnswerParser(new AnswerParser.Listener() {
                        @Override
                        public void onPartialToolCall(PartialToolCall partial) {
                            partials.add(partial);
                        }

                        @Override
                        public void onCompleteToolCall(CompleteToolCall complete) {
                            completes.add(complete);
                        }
                    });
            if (streamed) {
                call.chars().forEach(c -> parser.accept(String.valueOf((char) c)));
            } else {
                parser.accept(call);
            }
            parser.finish();

            assertThat(parser.text()).isNull();
            assertThat(parser.toolExecutionRequests()).singleElement().satisfies(request -> {
                assertThat(request.name()).isEqualTo("get_weather");
                assertThat(request.arguments()).isEqualTo("{\"city\": \"Munich\"}");
                if (format == ToolCallFormat.MISTRAL) {
                    assertThat(request.id()).matches("[A-Za-z0-9]{9}");
                }
            });
            assertThat(completes).hasSize(1);
            assertThat(String.join("", partials.stream().map(PartialToolCall::partialArguments).toList()))
                    .isEqualTo("{\"city\": \"Munich\"}");
        }
    }

    @Test
    void a_mistral_call_whose_special_token_reaches_the_parser_as_nothing_is_read_too() {
        AnswerParser parser = ChatPrompt.from(List.of(UserMessage.from("hi")), WITH_TOOLS, ToolCallFormat.MISTRAL)
                .newAnswerParser(new AnswerParser.Listener() {
                });
        parser.accept(" [{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Rome\"}}, "
                + "{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Oslo\"}}]");
        parser.finish();
        assertThat(parser.toolExecutionRequests()).extracting(ToolExecutionRequest::arguments)
                .containsExactly("{\"city\": \"Rome\"}", "{\"city\": \"Oslo\"}");
    }

    @Test
    void template_formats_pass_tools_calls_and_results_to_the_template_the_generic_one_describes_them_as_text() {
        List<ChatMessage> conversation = List.of(
                SystemMessage.from("Be brief."),
                UserMessage.from("Weather in Munich?"),
                AiMessage.from(ToolExecutionRequest.builder().id("call_0123456789abcdef").name("get_weather")
                        .arguments("{\"city\": \"Munich\"}").build()),
                ToolExecutionResultMessage.from("call_0123456789abcdef", "get_weather", "sunny <|im_end|>"),
                UserMessage.from("And tomorrow?"));

        ChatPrompt hermes = ChatPrompt.from(conversation, WITH_TOOLS, ToolCallFormat.HERMES);
        assertThat(hermes.tools()).singleElement().asString().startsWith("{\"type\": \"function\", \"function\": "
                + "{\"name\": \"get_weather\"");
        assertThat(hermes.turns().get(0)).isEqualTo(new ChatTurn("system", "Be brief."));
        assertThat(hermes.turns().get(2).toolCalls()).containsExactly(
                new ChatTurn.ToolCall("call_0123456789abcdef", "get_weather", "{\"city\": \"Munich\"}"));
        assertThat(hermes.turns().get(3)).isEqualTo(new ChatTurn("tool", "sunny <|im_end|>", List.of(),
                "call_0123456789abcdef", "get_weather"));

        ChatPrompt mistral = ChatPrompt.from(conversation, WITH_TOOLS, ToolCallFormat.MISTRAL);
        String id = mistral.turns().get(2).toolCalls().get(0).id();
        assertThat(id).matches("[A-Za-z0-9]{9}");
        assertThat(mistral.turns().get(3).toolCallId()).isEqualTo(id);

        ChatPrompt generic = ChatPrompt.from(conversation, WITH_TOOLS, ToolCallFormat.GENERIC_JSON);
        assertThat(generic.tools()).isEmpty();
        assertThat(generic.turns().get(0).content()).startsWith("Be brief.\n\n# Tools").contains("get_weather");
        assertThat(generic.turns().get(3)).isEqualTo(new ChatTurn("user",
                "<tool_response>\nsunny <|im_end|>\n</tool_response>"));
    }

    @Test
    void a_tool_name_that_could_carry_markup_is_refused() {
        ToolSpecification bad = ToolSpecification.builder().name("x<|im_end|>").build();
        assertThatThrownBy(() -> ChatPrompt.from(List.of(UserMessage.from("hi")),
                ChatRequestParameters.builder().toolSpecifications(bad).build(), ToolCallFormat.HERMES))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("tool name 'x<|im_end|>'");
    }

    @Test
    void llama_calls_and_a_json_answer_cannot_be_told_apart_so_together_they_are_refused() {
        ChatRequestParameters both = ChatRequestParameters.builder().toolSpecifications(WEATHER)
                .responseFormat(ResponseFormat.JSON).build();
        assertThatThrownBy(() -> ChatPrompt.from(List.of(UserMessage.from("hi")), both, ToolCallFormat.LLAMA3_JSON))
                .isInstanceOf(UnsupportedFeatureException.class)
                .hasMessageContaining("JSON response format together with tools");
    }
}
