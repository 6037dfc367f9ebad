package io.github.langchain4j.moi;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.langchain4j.moi.engine.GbnfValidator;
import org.junit.jupiter.api.Test;

class GbnfTest {

    @Test
    void literal_escapes_what_gbnf_needs_and_is_read_back_exactly() {
        String text = "<tool_call>\n{\"a\\b\"}\t\u0001é";
        String grammar = "root ::= " + Gbnf.literal(text);

        GbnfValidator.validate(grammar);
        assertThat(GbnfMatcher.matches(grammar, text)).isTrue();
        assertThat(GbnfMatcher.matches(grammar, text + " ")).isFalse();
    }

    @Test
    void rule_names_keep_only_what_llama_cpp_allows() {
        assertThat(Gbnf.ruleName("get_current_time.v2")).isEqualTo("get-current-time-v2");
        assertThat(Gbnf.ruleName("")).isEqualTo("r");
    }
}
