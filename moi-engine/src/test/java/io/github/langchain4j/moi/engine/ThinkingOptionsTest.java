package io.github.langchain4j.moi.engine;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** What counts as an answer that says something, for the rule that an answer after a thinking segment is never empty. */
class ThinkingOptionsTest {

    private final ThinkingOptions thinking = ThinkingOptions.think(ThinkingOptions.NO_BUDGET);

    @Test
    void white_space_and_the_segments_markers_say_nothing() {
        assertThat(thinking.saysSomething("")).isFalse();
        assertThat(thinking.saysSomething("\n\n ")).isFalse();
        // what the default model wrote when held back from ending its turn right after </think>
        assertThat(thinking.saysSomething("<think>\n")).isFalse();
        assertThat(thinking.saysSomething("<think>\n</think>\n\n")).isFalse();
    }

    @Test
    void any_other_text_says_something() {
        assertThat(thinking.saysSomething("<think>\n13")).isTrue();
        assertThat(thinking.saysSomething("13")).isTrue();
        assertThat(thinking.saysSomething("<thin")).as("a marker not yet complete is text so far").isTrue();
        assertThat(new ThinkingOptions("<reason>", "</reason>", 5).saysSomething("<think>")).isTrue();
    }
}
