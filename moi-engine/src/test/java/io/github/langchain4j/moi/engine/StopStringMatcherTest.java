package io.github.langchain4j.moi.engine;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StopStringMatcherTest {

    /** Feeds the chunks and returns everything emitted, including the flush. */
    private static String stream(StopStringMatcher matcher, String... chunks) {
        StringBuilder out = new StringBuilder();
        for (String chunk : chunks) {
            out.append(matcher.append(chunk));
        }
        return out.append(matcher.flush()).toString();
    }

    @Test
    void without_stop_strings_text_passes_straight_through() {
        StopStringMatcher matcher = new StopStringMatcher(List.of());

        assertThat(matcher.append("Hello")).isEqualTo("Hello");
        assertThat(matcher.append(" world")).isEqualTo(" world");
        assertThat(matcher.flush()).isEmpty();
        assertThat(matcher.stopped()).isFalse();
    }

    @Test
    void text_that_cannot_start_a_stop_string_is_emitted_at_once() {
        StopStringMatcher matcher = new StopStringMatcher(List.of("STOP"));

        assertThat(matcher.append("hello ")).isEqualTo("hello ");
        assertThat(matcher.stopped()).isFalse();
    }

    @Test
    void a_possible_prefix_is_held_back_then_released_when_it_diverges() {
        StopStringMatcher matcher = new StopStringMatcher(List.of("STOP"));

        assertThat(matcher.append("hello ST")).isEqualTo("hello ");
        assertThat(matcher.append("O")).isEmpty();
        assertThat(matcher.append("RY")).isEqualTo("STORY");
        assertThat(matcher.stopped()).isFalse();
    }

    @Test
    void text_before_the_stop_string_in_the_same_chunk_is_emitted_and_nothing_after() {
        StopStringMatcher matcher = new StopStringMatcher(List.of("</s>"));

        assertThat(matcher.append("answer: 42</s>ignored")).isEqualTo("answer: 42");
        assertThat(matcher.stopped()).isTrue();
        assertThat(matcher.append("more")).isEmpty();
        assertThat(matcher.flush()).isEmpty();
    }

    @Test
    void stop_string_split_char_by_char() {
        StopStringMatcher matcher = new StopStringMatcher(List.of("<|end|>"));
        StringBuilder out = new StringBuilder();

        for (char c : "ok<|end|>after".toCharArray()) {
            out.append(matcher.append(String.valueOf(c)));
        }

        assertThat(out.toString()).isEqualTo("ok");
        assertThat(matcher.stopped()).isTrue();
        assertThat(matcher.flush()).isEmpty();
    }

    @Test
    void stop_string_split_across_chunks() {
        StopStringMatcher matcher = new StopStringMatcher(List.of("###"));

        assertThat(matcher.append("a #")).isEqualTo("a ");
        assertThat(matcher.append("#")).isEmpty();
        assertThat(matcher.append("# b")).isEmpty();
        assertThat(matcher.stopped()).isTrue();
    }

    @Test
    void stop_string_at_the_very_beginning_emits_nothing() {
        StopStringMatcher matcher = new StopStringMatcher(List.of("END"));

        assertThat(matcher.append("END and more")).isEmpty();
        assertThat(matcher.stopped()).isTrue();
        assertThat(matcher.flush()).isEmpty();
    }

    @Test
    void overlapping_stop_strings_stop_at_the_earliest_start() {
        assertThat(stream(new StopStringMatcher(List.of("ab", "b")), "xab")).isEqualTo("x");
        assertThat(stream(new StopStringMatcher(List.of("b", "ab")), "xa", "b")).isEqualTo("x");
        assertThat(stream(new StopStringMatcher(List.of("ab", "b")), "xb")).isEqualTo("x");
    }

    @Test
    void held_back_prefix_of_one_stop_string_can_complete_another() {
        // "ab" is held back as a possible "abc"; "b" then completes inside it
        StopStringMatcher matcher = new StopStringMatcher(List.of("abc", "b"));

        assertThat(matcher.append("xa")).isEqualTo("x");
        assertThat(matcher.append("b")).isEqualTo("a");
        assertThat(matcher.stopped()).isTrue();
    }

    @Test
    void repeated_prefix_characters_are_not_lost() {
        assertThat(stream(new StopStringMatcher(List.of("aab")), "a", "a", "a", "b", "c")).isEqualTo("a");
        assertThat(stream(new StopStringMatcher(List.of("aab")), "a", "a", "a", "c")).isEqualTo("aaac");
    }

    @Test
    void flush_returns_the_held_back_text_when_no_stop_string_matched() {
        StopStringMatcher matcher = new StopStringMatcher(List.of("STOP"));

        assertThat(matcher.append("the end ST")).isEqualTo("the end ");
        assertThat(matcher.flush()).isEqualTo("ST");
        assertThat(matcher.stopped()).isFalse();
    }

    @Test
    void empty_stop_strings_are_ignored_and_nulls_rejected() {
        assertThat(stream(new StopStringMatcher(List.of("")), "abc")).isEqualTo("abc");
        assertThatThrownBy(() -> new StopStringMatcher(Arrays.asList("a", null)))
                .isInstanceOf(NullPointerException.class);
    }

    @Test
    void every_split_of_the_stream_gives_the_same_output() {
        String text = "say <|im_end|> then stop";
        List<String> stops = List.of("<|im_end|>", "<|endoftext|>");
        for (int cut1 = 0; cut1 <= text.length(); cut1++) {
            for (int cut2 = cut1; cut2 <= text.length(); cut2++) {
                StopStringMatcher matcher = new StopStringMatcher(stops);
                String out = stream(matcher, text.substring(0, cut1), text.substring(cut1, cut2), text.substring(cut2));

                assertThat(out).as("cuts %d, %d", cut1, cut2).isEqualTo("say ");
                assertThat(matcher.stopped()).isTrue();
            }
        }
    }
}
