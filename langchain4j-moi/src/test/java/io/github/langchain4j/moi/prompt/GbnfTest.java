package io.github.langchain4j.moi.prompt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class GbnfTest {

    @ParameterizedTest
    @ValueSource(strings = {
            "root ::= \"a\"",
            "root ::= \"a\" | \"b\"\n",
            "# a comment\nroot ::= item+ # trailing comment\nitem ::= [a-z0-9_] | [^\\x00-\\x1F\"\\\\]\n",
            "root ::= (\"x\"\n  | \"y\")* \"z\"?",
            "root ::= \"a\" |\n  \"b\"",
            "root ::= [0-9]{1,3} \",\" [0-9]{2} [0-9]{2,}",
            "root ::= . .* \"\\u00e9\\U0001F600\\t\\n\\r\\\"\\\\\"",
            "root ::= | \" \"",
            "root ::= list\nlist ::= \"[\" (item (\",\" item)*)? \"]\"\nitem ::= list | \"1\"",
    })
    void accepts_valid_grammars(String grammar) {
        assertThatCode(() -> Gbnf.validate(grammar)).doesNotThrowAnyException();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '\'', value = {
            "''                                               | empty",
            "'item ::= \"a\"'                                 | no 'root' rule",
            "'root ::= \"a'                                   | unterminated string",
            "'root ::= [a-z'                                  | unterminated character class",
            "'root ::= (\"a\" | \"b\"'                        | expected ')'",
            "'root ::= \"a\" )'                               | unexpected ')'",
            "'root ::= item'                                  | undefined rule 'item'",
            "'root ::= \"a\"\nroot ::= \"b\"'                 | defined twice",
            "'root ::= \"\\q\"'                               | unknown escape",
            "'root ::= \"\\x4\"'                              | hex digits",
            "'root ::= * \"a\"'                               | must follow an item",
            "'root ::= \"a\"{3,1}'                            | max < min",
            "'root ::= \"a\"{2001}'                           | repetition count",
            "'root ::= []'                                    | empty character class",
            "'root ::= [z-a]'                                 | reversed",
            "'root ::= tool_call\ntool_call ::= \"a\"'        | unexpected '_'",
            "'root ::= \"a\"\n  | \"b\" \"c\"\n\"d\"'         | expected a rule name",
            "'root ::= expr\nexpr ::= expr \"+\" \"1\" | \"1\"' | left recursion through rules expr -> expr",
            "'root ::= a\na ::= b? \"x\" | \"y\"\nb ::= \"x\"? a' | left recursion through rules a -> b -> a",
            "'root ::= <tool_call>'                           | unexpected '<'",
    })
    void rejects_broken_grammars_naming_the_problem(String grammar, String problem) {
        assertThatThrownBy(() -> Gbnf.validate(grammar.replace("\\n", "\n")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("invalid grammar")
                .hasMessageContaining(problem);
    }

    @Test
    void literal_escapes_what_gbnf_needs_and_is_read_back_exactly() {
        String text = "<tool_call>\n{\"a\\b\"}\t\u0001é";
        String grammar = "root ::= " + Gbnf.literal(text);

        Gbnf.validate(grammar);
        assertThat(GbnfMatcher.matches(grammar, text)).isTrue();
        assertThat(GbnfMatcher.matches(grammar, text + " ")).isFalse();
    }

    @Test
    void rule_names_keep_only_what_llama_cpp_allows() {
        assertThat(Gbnf.ruleName("get_current_time.v2")).isEqualTo("get-current-time-v2");
        assertThat(Gbnf.ruleName("")).isEqualTo("r");
    }
}
