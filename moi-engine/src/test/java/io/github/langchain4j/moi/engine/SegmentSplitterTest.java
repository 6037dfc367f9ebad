package io.github.langchain4j.moi.engine;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class SegmentSplitterTest {

    private static final ThinkingOptions THINK = ThinkingOptions.think(ThinkingOptions.NO_BUDGET);

    /** Records both parts, each piece as it came. */
    private static final class Parts implements SegmentSplitter.Sink {
        final List<String> thinking = new ArrayList<>();
        final List<String> answer = new ArrayList<>();

        @Override
        public void thinking(String text) {
            thinking.add(text);
        }

        @Override
        public void answer(String text) {
            answer.add(text);
        }

        String thinkingText() {
            return String.join("", thinking);
        }

        String answerText() {
            return String.join("", answer);
        }
    }

    private static Parts split(SegmentSplitter splitter, String... pieces) {
        Parts parts = new Parts();
        for (String piece : pieces) {
            splitter.accept(piece, parts);
        }
        splitter.finish(parts);
        return parts;
    }

    private static SegmentSplitter opened() {
        return SegmentSplitter.forPrompt(THINK, "<|Assistant|><think>\n", false);
    }

    @Test
    void a_prompt_that_ends_with_the_opening_marker_has_opened_the_segment() {
        assertThat(opened().state()).isEqualTo(SegmentSplitter.State.THINKING);
        assertThat(SegmentSplitter.forPrompt(THINK, "<|im_start|>assistant\n", false).state())
                .isEqualTo(SegmentSplitter.State.PENDING);
        // Qwen3 with enable_thinking=false: an empty segment already closed by the prompt
        assertThat(SegmentSplitter.forPrompt(THINK, "assistant\n<think>\n\n</think>\n\n", false).state())
                .isEqualTo(SegmentSplitter.State.ANSWER);
        // a grammar holds the output from its first token: no segment the model could open
        assertThat(SegmentSplitter.forPrompt(THINK, "<|im_start|>assistant\n", true).state())
                .isEqualTo(SegmentSplitter.State.ANSWER);
        assertThat(SegmentSplitter.forPrompt(null, "<think>\n", false).state()).isEqualTo(SegmentSplitter.State.ANSWER);
    }

    @Test
    void the_closing_marker_split_across_tokens_is_recognised_and_never_leaks_into_either_part() {
        Parts parts = split(opened(), "Let me", " think.", " 2+2=4", "\n</", "th", "ink", ">\n\n", "The answer", " is 4.");
        assertThat(parts.thinkingText()).isEqualTo("Let me think. 2+2=4");
        assertThat(parts.answerText()).isEqualTo("The answer is 4.");
        assertThat(String.join("", parts.thinking)).doesNotContain("<").doesNotContain("\n");
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 5, 7})
    void any_chunking_gives_the_same_split(int size) {
        String text = "  step one\n< not a marker </thin no\n</think>\n\n{\"a\": 1}";
        List<String> pieces = new ArrayList<>();
        for (int i = 0; i < text.length(); i += size) {
            pieces.add(text.substring(i, Math.min(text.length(), i + size)));
        }
        Parts parts = split(opened(), pieces.toArray(String[]::new));
        assertThat(parts.thinkingText()).isEqualTo("step one\n< not a marker </thin no");
        assertThat(parts.answerText()).isEqualTo("{\"a\": 1}");
    }

    @Test
    void a_model_that_opens_the_segment_itself_is_split_too() {
        Parts parts = split(SegmentSplitter.forPrompt(THINK, "assistant\n", false), "\n<", "think", ">", "hmm", "</think>",
                "yes");
        assertThat(parts.thinkingText()).isEqualTo("hmm");
        assertThat(parts.answerText()).isEqualTo("yes");
    }

    @Test
    void text_that_does_not_open_a_segment_is_all_answer_as_written() {
        Parts parts = split(SegmentSplitter.forPrompt(THINK, "assistant\n", false), "<", "b>bold</b>");
        assertThat(parts.thinking).isEmpty();
        assertThat(parts.answerText()).isEqualTo("<b>bold</b>");
    }

    @Test
    void thinking_cut_off_at_the_end_stays_thinking_and_the_answer_is_empty() {
        SegmentSplitter splitter = opened();
        Parts parts = split(splitter, "still thinking </thi");
        assertThat(parts.thinkingText()).isEqualTo("still thinking </thi");
        assertThat(parts.answer).isEmpty();
        assertThat(splitter.segment()).isEqualTo(Segment.THINKING);
    }

    @Test
    void closing_by_the_engine_drops_a_partial_marker_and_starts_the_answer() {
        SegmentSplitter splitter = opened();
        Parts parts = new Parts();
        splitter.accept("enough thought </th", parts);
        splitter.close(parts);
        assertThat(splitter.state()).isEqualTo(SegmentSplitter.State.ANSWER);
        splitter.accept("\n\nanswer", parts);
        splitter.finish(parts);
        assertThat(parts.thinkingText()).isEqualTo("enough thought");
        assertThat(parts.answerText()).isEqualTo("answer");
    }

    @Test
    void without_a_segment_everything_passes_through_unchanged() {
        Parts parts = split(SegmentSplitter.none(), "  leading", " </think> kept ");
        assertThat(parts.answerText()).isEqualTo("  leading </think> kept ");
    }

    @Test
    void stripping_earlier_thinking_keeps_what_follows_the_last_closing_marker() {
        assertThat(THINK.stripThinking("<think>a</think>\n\nanswer")).isEqualTo("answer");
        assertThat(THINK.stripThinking("no thinking")).isEqualTo("no thinking");
        assertThat(ThinkingOptions.detect("{{ '<|im_start|>' }}", 10)).isNull();
        assertThat(ThinkingOptions.detect("{% set content = content.split('</think>')[-1] %}", 10))
                .isEqualTo(ThinkingOptions.think(10));
    }
}
