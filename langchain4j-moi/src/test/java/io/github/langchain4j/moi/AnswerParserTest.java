package io.github.langchain4j.moi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.model.chat.response.CompleteToolCall;
import dev.langchain4j.model.chat.response.PartialToolCall;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class AnswerParserTest {

    private final List<String> texts = new ArrayList<>();
    private final List<PartialToolCall> partials = new ArrayList<>();
    private final List<CompleteToolCall> completes = new ArrayList<>();
    private final List<String> order = new ArrayList<>();
    private final AtomicInteger ids = new AtomicInteger();

    private static final List<String> CALL_STARTS = List.of("<tool_call>", "```json", "{");

    private AnswerParser parser(boolean text, boolean tools, String... toolsWithoutArguments) {
        return parser(text, tools ? CALL_STARTS : List.of(), toolsWithoutArguments);
    }

    private AnswerParser parser(boolean text, List<String> callStarts, String... toolsWithoutArguments) {
        return new AnswerParser(text, callStarts, Set.of(toolsWithoutArguments), () -> "id" + ids.incrementAndGet(),
                new AnswerParser.Listener() {
                    @Override
                    public void onText(String t) {
                        texts.add(t);
                        order.add("text");
                    }

                    @Override
                    public void onPartialToolCall(PartialToolCall call) {
                        partials.add(call);
                        order.add("partial" + call.index());
                    }

                    @Override
                    public void onCompleteToolCall(CompleteToolCall call) {
                        completes.add(call);
                        order.add("complete" + call.index());
                    }
                });
    }

    private static void feed(AnswerParser parser, String... chunks) {
        for (String chunk : chunks) {
            parser.accept(chunk);
        }
        parser.finish();
    }

    @Test
    void plain_text_passes_through_chunk_by_chunk() {
        AnswerParser parser = parser(true, false);

        feed(parser, "<b>Ber", "lin</b>");

        assertThat(texts).containsExactly("<b>Ber", "lin</b>");
        assertThat(parser.text()).isEqualTo("<b>Berlin</b>");
        assertThat(parser.toolExecutionRequests()).isEmpty();
    }

    @Test
    void text_is_held_back_only_while_it_may_start_a_tool_call() {
        AnswerParser parser = parser(true, true);

        parser.accept("<to");
        assertThat(texts).isEmpty();
        parser.accept("p secret");
        parser.finish();

        assertThat(texts).containsExactly("<top secret");
        assertThat(parser.text()).isEqualTo("<top secret");
    }

    @Test
    void a_held_back_prefix_at_the_end_is_text() {
        AnswerParser parser = parser(true, true);

        feed(parser, "<tool");

        assertThat(parser.text()).isEqualTo("<tool");
    }

    @Test
    void an_answer_cut_off_inside_its_first_tool_call_is_empty_text_as_streamed() {
        AnswerParser parser = parser(true, true);

        feed(parser, "<tool_call>\n{\"name\": \"getWea");

        assertThat(parser.toolExecutionRequests()).isEmpty();
        assertThat(texts).isEmpty();
        assertThat(parser.text()).isEmpty();
    }

    @Test
    void tool_calls_stream_their_arguments_and_complete_in_order() {
        AnswerParser parser = parser(true, true);

        feed(parser, "<tool", "_call>\n{\"name\": \"get", "Weather\", \"arguments\": {\"ci", "ty\": ", " \"Mun",
                "ich\"}}\n</tool_call>\n<tool_call>\n{\"name\": \"getTime\", \"arguments\": {\"country\": \"France\"}}",
                "\n</tool_call>");

        assertThat(parser.text()).isNull();
        assertThat(texts).isEmpty();
        List<ToolExecutionRequest> requests = parser.toolExecutionRequests();
        assertThat(requests).extracting(ToolExecutionRequest::name).containsExactly("getWeather", "getTime");
        assertThat(requests).extracting(ToolExecutionRequest::id).containsExactly("id1", "id2");
        assertThat(requests.get(0).arguments()).isEqualTo("{\"city\":  \"Munich\"}");
        assertThat(requests.get(1).arguments()).isEqualTo("{\"country\": \"France\"}");

        StringBuilder first = new StringBuilder();
        partials.stream().filter(p -> p.index() == 0).forEach(p -> {
            assertThat(p.id()).isEqualTo("id1");
            assertThat(p.name()).isEqualTo("getWeather");
            assertThat(p.partialArguments()).isNotBlank();
            first.append(p.partialArguments());
        });
        assertThat(first.toString()).isEqualTo(requests.get(0).arguments());
        assertThat(order).containsSubsequence("partial0", "complete0", "partial1", "complete1");
        assertThat(order.indexOf("complete0")).isLessThan(order.indexOf("partial1"));
        assertThat(completes).extracting(CompleteToolCall::toolExecutionRequest).isEqualTo(requests);
    }

    @Test
    void a_tool_without_arguments_gets_one_partial_call() {
        AnswerParser parser = parser(false, true, "get_current_time");

        feed(parser, "<tool_call>\n{\"name\": \"get_current_time\", \"arguments\": {", "}}\n</tool_call>");

        assertThat(partials).hasSize(1);
        assertThat(partials.get(0).partialArguments()).isEqualTo("{}");
        assertThat(parser.toolExecutionRequests().get(0).arguments()).isEqualTo("{}");
    }

    @Test
    void a_call_cut_off_at_the_end_is_dropped() {
        AnswerParser parser = parser(false, true);

        feed(parser, "<tool_call>\n{\"name\": \"a\", \"arguments\": {}}\n</tool_call>\n<tool_call>\n{\"name\": \"b\", ");

        assertThat(parser.toolExecutionRequests()).extracting(ToolExecutionRequest::name).containsExactly("a");
        assertThat(completes).hasSize(1);

        AnswerParser cutBeforeAnyCall = parser(true, true);
        feed(cutBeforeAnyCall, "<tool_call>\n{\"name\": \"b\", ");
        assertThat(cutBeforeAnyCall.toolExecutionRequests()).isEmpty();
        assertThat(cutBeforeAnyCall.text()).isEmpty(); // no text was streamed either
    }

    @Test
    void a_complete_call_without_its_closing_tag_still_counts_at_the_end() {
        AnswerParser parser = parser(false, true);

        feed(parser, "<tool_call>\n{\"name\": \"a\", \"arguments\": {\"x\": [1, \"}\"]}}");

        assertThat(parser.toolExecutionRequests()).hasSize(1);
        assertThat(parser.toolExecutionRequests().get(0).arguments()).isEqualTo("{\"x\": [1, \"}\"]}");
    }

    @Test
    void calls_in_a_json_fence_or_bare_are_calls_too() {
        AnswerParser fenced = parser(true, true);
        feed(fenced, "``", "`json\n{\"name\": \"a\", \"arguments\": {\"x\": 1}}\n{\"name\": \"b\", ",
                "\"arguments\": {}}\n``", "`");
        assertThat(fenced.text()).isNull();
        assertThat(fenced.toolExecutionRequests()).extracting(ToolExecutionRequest::name).containsExactly("a", "b");

        AnswerParser bare = parser(true, true);
        feed(bare, "{\"name\": \"a\", \"arguments\": {\"x\": 1}}");
        assertThat(bare.toolExecutionRequests()).hasSize(1);
        assertThat(bare.toolExecutionRequests().get(0).arguments()).isEqualTo("{\"x\": 1}");
    }

    @Test
    void a_code_block_that_is_not_json_is_text() {
        AnswerParser parser = parser(true, true);

        feed(parser, "```", "python\nprint(1)\n```");

        assertThat(parser.text()).isEqualTo("```python\nprint(1)\n```");
        assertThat(texts).containsExactly("```python\nprint(1)\n```"); // held back until it could not be a call
    }

    @Test
    void malformed_tool_calls_are_reported() {
        assertThatThrownBy(() -> feed(parser(false, true), "Sure! <tool_call>"))
                .isInstanceOf(MoiException.class)
                .hasMessageContaining("malformed tool call");
        assertThatThrownBy(() -> feed(parser(false, true), "<tool_call>\n[1]"))
                .isInstanceOf(MoiException.class)
                .hasMessageContaining("expected a tool call");
        assertThatThrownBy(() -> feed(parser(false, true), "<tool_call>\n{\"arguments\": {}}\n</tool_call>"))
                .isInstanceOf(MoiException.class)
                .hasMessageContaining("without a \"name\"");
    }

    @Test
    void json_answer_is_text_when_bare_calls_are_not_allowed() {
        AnswerParser parser = parser(true, List.of("<tool_call>", "```json"));

        feed(parser, "{\"weather\"", ": \"sunny\"}");

        assertThat(parser.text()).isEqualTo("{\"weather\": \"sunny\"}");
        assertThat(texts).hasSize(2);
    }
}
