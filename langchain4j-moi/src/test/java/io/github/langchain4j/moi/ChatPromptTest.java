package io.github.langchain4j.moi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.AudioContent;
import dev.langchain4j.data.message.ImageContent;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.TextContent;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.exception.UnsupportedFeatureException;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.request.ResponseFormat;
import dev.langchain4j.model.chat.request.ResponseFormatType;
import dev.langchain4j.model.chat.request.ToolChoice;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.chat.request.json.JsonRawSchema;
import dev.langchain4j.model.chat.request.json.JsonSchema;
import io.github.langchain4j.moi.engine.ChatTurn;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChatPromptTest {

    private static final ToolSpecification WEATHER = ToolSpecification.builder()
            .name("getWeather")
            .description("Weather in a city")
            .parameters(JsonObjectSchema.builder().addStringProperty("city").required("city").build())
            .build();
    private static final ToolSpecification TIME = ToolSpecification.builder().name("get_current_time").build();

    @Test
    void maps_system_user_ai_and_tool_messages_like_qwens_template() {
        ToolExecutionRequest call = ToolExecutionRequest.builder()
                .id("c1").name("getWeather").arguments("{\"city\":\"Munich\"}").build();
        ToolExecutionRequest call2 = ToolExecutionRequest.builder()
                .id("c2").name("get_current_time").arguments("{}").build();

        List<ChatTurn> turns = ChatPrompt.toChatTurns(List.of(
                SystemMessage.from("Be brief."),
                UserMessage.from(TextContent.from("Weather"), TextContent.from("and time?")),
                AiMessage.from(call, call2),
                ToolExecutionResultMessage.from(call, "sunny"),
                ToolExecutionResultMessage.from(call2, "10:14"),
                AiMessage.from("Sunny, 10:14."),
                UserMessage.from("Thanks")), "");

        assertThat(turns).containsExactly(
                new ChatTurn("system", "Be brief."),
                new ChatTurn("user", "Weather\nand time?"),
                new ChatTurn("assistant", "<tool_call>\n{\"name\": \"getWeather\", \"arguments\": {\"city\": \"Munich\"}}"
                        + "\n</tool_call>\n<tool_call>\n{\"name\": \"get_current_time\", \"arguments\": {}}\n</tool_call>"),
                new ChatTurn("user", "<tool_response>\nsunny\n</tool_response>\n<tool_response>\n10:14\n</tool_response>"),
                new ChatTurn("assistant", "Sunny, 10:14."),
                new ChatTurn("user", "Thanks"));
    }

    @Test
    void tools_are_described_in_the_first_system_message_or_a_default_one() {
        ChatPrompt withSystem = ChatPrompt.from(List.of(SystemMessage.from("Be brief."), UserMessage.from("hi")),
                ChatRequestParameters.builder().toolSpecifications(WEATHER, TIME).build());
        ChatPrompt withoutSystem = ChatPrompt.from(List.of(UserMessage.from("hi")),
                ChatRequestParameters.builder().toolSpecifications(WEATHER).build());

        String system = withSystem.turns().get(0).content();
        assertThat(system).startsWith("Be brief.\n\n# Tools\n\n");
        assertThat(system).contains("<tools>\n{\"type\": \"function\", \"function\": {\"name\": \"getWeather\", "
                + "\"description\": \"Weather in a city\", \"parameters\": {\"type\": \"object\", \"properties\": "
                + "{\"city\": {\"type\": \"string\"}}, \"required\": [\"city\"]}}}\n");
        assertThat(system).contains("\"name\": \"get_current_time\", \"parameters\": {\"type\": \"object\", "
                + "\"properties\": {}}");
        assertThat(system).endsWith("<tool_call>\n{\"name\": <function-name>, \"arguments\": <args-json-object>}"
                + "\n</tool_call>");
        assertThat(withoutSystem.turns().get(0).content()).startsWith(ChatPrompt.DEFAULT_SYSTEM_MESSAGE + "\n\n# Tools");
    }

    @Test
    void the_tool_grammar_allows_valid_calls_to_declared_tools_only() {
        String auto = ChatPrompt.from(List.of(UserMessage.from("hi")),
                ChatRequestParameters.builder().toolSpecifications(WEATHER, TIME).build()).grammar();
        String required = ChatPrompt.from(List.of(UserMessage.from("hi")),
                ChatRequestParameters.builder().toolSpecifications(WEATHER, TIME).toolChoice(ToolChoice.REQUIRED)
                        .build()).grammar();

        String weather = "<tool_call>\n{\"name\": \"getWeather\", \"arguments\": {\"city\": \"Munich\"}}\n</tool_call>";
        String time = "<tool_call>\n{\"name\": \"get_current_time\", \"arguments\": {}}\n</tool_call>";
        for (String grammar : List.of(auto, required)) {
            assertThat(GbnfMatcher.matches(grammar, weather)).isTrue();
            assertThat(GbnfMatcher.matches(grammar, weather + "\n" + time)).isTrue();
            assertThat(GbnfMatcher.matches(grammar, weather.replace("getWeather", "getWether"))).isFalse();
            assertThat(GbnfMatcher.matches(grammar, weather.replace("\"city\"", "\"town\""))).isFalse();
            assertThat(GbnfMatcher.matches(grammar, time.replace("{}", "{\"tz\": 1}"))).isFalse();
            assertThat(GbnfMatcher.matches(grammar, weather + "\nmore text")).isFalse();
        }
        String bare = "{\"name\": \"getWeather\", \"arguments\": {\"city\": \"Munich\"}}";
        for (String grammar : List.of(auto, required)) {
            assertThat(GbnfMatcher.matches(grammar, bare)).isTrue();
            assertThat(GbnfMatcher.matches(grammar, "```json\n" + bare + "\n```")).isTrue();
        }
        assertThat(GbnfMatcher.matches(auto, "It is sunny.")).isTrue();
        assertThat(GbnfMatcher.matches(auto, "<b>sunny</b>")).isTrue();
        assertThat(GbnfMatcher.matches(auto, "```python\nprint(1)\n```")).isTrue();
        assertThat(GbnfMatcher.matches(auto, "`")).isTrue();
        assertThat(GbnfMatcher.matches(required, "It is sunny.")).isFalse();
        assertThat(GbnfMatcher.matches(auto, "<tool_call> oops")).isFalse();
        assertThat(GbnfMatcher.matches(auto, "```json\n[1]\n```")).isFalse();
        assertThat(GbnfMatcher.matches(auto, "{\"city\": \"Munich\"}")).isFalse();
    }

    @Test
    void right_after_their_results_the_tools_just_called_are_not_callable() {
        ToolExecutionRequest call = ToolExecutionRequest.builder()
                .id("c1").name("getWeather").arguments("{\"city\":\"Munich\"}").build();
        List<dev.langchain4j.data.message.ChatMessage> afterResult = List.of(UserMessage.from("Weather?"),
                AiMessage.from(call), ToolExecutionResultMessage.from(call, "sunny"));

        ChatPrompt onlyThatTool = ChatPrompt.from(afterResult,
                ChatRequestParameters.builder().toolSpecifications(WEATHER).build());
        String weather = "<tool_call>\n{\"name\": \"getWeather\", \"arguments\": {\"city\": \"Munich\"}}\n</tool_call>";
        assertThat(GbnfMatcher.matches(onlyThatTool.grammar(), weather)).isFalse(); // nothing left to call
        assertThat(GbnfMatcher.matches(onlyThatTool.grammar(), "It is sunny in Munich.")).isTrue();
        assertThat(GbnfMatcher.matches(onlyThatTool.grammar(), "{\"name\": \"getWeather\"}")).isFalse();
        assertThat(onlyThatTool.turns().get(0).role()).isEqualTo("user"); // not described: the model answers

        ChatPrompt withAnother = ChatPrompt.from(afterResult,
                ChatRequestParameters.builder().toolSpecifications(WEATHER, TIME).build());
        String time = "<tool_call>\n{\"name\": \"get_current_time\", \"arguments\": {}}\n</tool_call>";
        assertThat(GbnfMatcher.matches(withAnother.grammar(), time)).isTrue();
        assertThat(GbnfMatcher.matches(withAnother.grammar(), time.replace("get_current_time\", \"arguments\": {}",
                "getWeather\", \"arguments\": {\"city\": \"Munich\"}"))).isFalse();

        ChatPrompt required = ChatPrompt.from(afterResult, ChatRequestParameters.builder()
                .toolSpecifications(WEATHER).toolChoice(ToolChoice.REQUIRED).build());
        assertThat(GbnfMatcher.matches(required.grammar(), time.replace("get_current_time\", \"arguments\": {}",
                "getWeather\", \"arguments\": {\"city\": \"Munich\"}"))).isTrue();
    }

    @Test
    void tool_choice_none_offers_no_tools() {
        ChatPrompt prompt = ChatPrompt.from(List.of(UserMessage.from("hi")),
                ChatRequestParameters.builder().toolSpecifications(WEATHER).toolChoice(ToolChoice.NONE).build());

        assertThat(prompt.grammar()).isNull();
        assertThat(prompt.turns()).containsExactly(new ChatTurn("user", "hi"));
    }

    @Test
    void tool_choice_required_needs_tools_and_tool_names_are_unique() {
        assertThatThrownBy(() -> ChatPrompt.from(List.of(UserMessage.from("hi")),
                ChatRequestParameters.builder().toolChoice(ToolChoice.REQUIRED).build()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("REQUIRED");
        assertThatThrownBy(() -> ChatPrompt.from(List.of(UserMessage.from("hi")),
                ChatRequestParameters.builder().toolSpecifications(WEATHER, WEATHER).build()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("getWeather");
    }

    @Test
    void json_response_formats_constrain_the_answer_and_describe_the_schema() {
        ChatPrompt json = ChatPrompt.from(List.of(UserMessage.from("hi")),
                ChatRequestParameters.builder().responseFormat(ResponseFormat.JSON).build());
        assertThat(GbnfMatcher.matches(json.grammar(), "{\"city\": \"Berlin\"}")).isTrue();
        assertThat(GbnfMatcher.matches(json.grammar(), "Berlin")).isFalse();

        ResponseFormat schema = ResponseFormat.builder()
                .type(ResponseFormatType.JSON)
                .jsonSchema(JsonSchema.builder().name("Answer").rootElement(JsonRawSchema.from(
                        "{\"type\": \"object\", \"properties\": {\"city\": {\"type\": \"string\"}}, "
                                + "\"required\": [\"city\"], \"additionalProperties\": false}")).build())
                .build();
        ChatPrompt structured = ChatPrompt.from(List.of(UserMessage.from("hi")),
                ChatRequestParameters.builder().responseFormat(schema).build());
        assertThat(GbnfMatcher.matches(structured.grammar(), "{\"city\": \"Berlin\"}")).isTrue();
        assertThat(GbnfMatcher.matches(structured.grammar(), "{\"town\": \"Berlin\"}")).isFalse();
        assertThat(structured.turns().get(0).content()).contains("JSON schema:\n{\"type\": \"object\"");

        ChatPrompt toolsAndSchema = ChatPrompt.from(List.of(UserMessage.from("hi")),
                ChatRequestParameters.builder().responseFormat(schema).toolSpecifications(WEATHER).build());
        assertThat(GbnfMatcher.matches(toolsAndSchema.grammar(), "{\"city\": \"Berlin\"}")).isTrue();
        assertThat(GbnfMatcher.matches(toolsAndSchema.grammar(),
                "<tool_call>\n{\"name\": \"getWeather\", \"arguments\": {\"city\": \"Munich\"}}\n</tool_call>")).isTrue();
        assertThat(GbnfMatcher.matches(toolsAndSchema.grammar(), "Berlin")).isFalse();
    }

    @Test
    void content_other_than_text_is_rejected_with_langchain4j_wording() {
        assertThatThrownBy(() -> ChatPrompt.from(List.of(UserMessage.from(TextContent.from("see"),
                ImageContent.from("https://example.com/cat.png"))), ChatRequestParameters.builder().build()))
                .isExactlyInstanceOf(UnsupportedFeatureException.class)
                .hasMessage("Content of type image is not supported yet by this model provider");
        assertThatThrownBy(() -> ChatPrompt.from(List.of(UserMessage.from(
                AudioContent.from("https://example.com/a.wav"))), ChatRequestParameters.builder().build()))
                .isExactlyInstanceOf(UnsupportedFeatureException.class)
                .hasMessageContaining("audio");
    }

    @Test
    void tool_calls_get_fresh_distinct_ids() {
        ChatPrompt prompt = ChatPrompt.from(List.of(UserMessage.from("hi")),
                ChatRequestParameters.builder().toolSpecifications(TIME).toolChoice(ToolChoice.REQUIRED).build());
        AnswerParser parser = prompt.newAnswerParser(new AnswerParser.Listener() {
        });

        parser.accept("<tool_call>\n{\"name\": \"get_current_time\", \"arguments\": {}}\n</tool_call>\n"
                + "<tool_call>\n{\"name\": \"get_current_time\", \"arguments\": {}}\n</tool_call>");
        parser.finish();

        assertThat(parser.toolExecutionRequests()).extracting(ToolExecutionRequest::id)
                .doesNotHaveDuplicates()
                .allSatisfy(id -> assertThat(id).startsWith("call_").hasSize(29));
    }
}
