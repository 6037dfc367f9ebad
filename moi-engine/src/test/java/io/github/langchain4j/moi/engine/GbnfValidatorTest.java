package io.github.langchain4j.moi.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class GbnfValidatorTest {

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
            "root ::= \"a\" | [^\\x00-\\U0010FFFF]",
            "root ::= [^\\x00-\\x7F\\x81-\\U0010FFFF]",
            "root ::= a | \"\"\na ::= \"x\" a",
            "root ::= [^\\x00-\\U0010FFFF]*",
    })
    void accepts_valid_grammars(String grammar) {
        assertThatCode(() -> GbnfValidator.validate(grammar)).doesNotThrowAnyException();
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
            "'root ::= \"\\U00110000\"'                        | above U+10FFFF",
            "'root ::= [^\\x00-\\U0010FFFF]'                    | rule 'root' matches no text",
            "'root ::= [^\\x00-\\x7F\\x80-\\U0010FFFF] \"a\"'     | rule 'root' matches no text",
            "'root ::= a\na ::= \"x\" a'                       | rule 'root' matches no text",
            "'root ::= \"a\\x00\"'                           | rule 'root' matches no text",
            "'root ::= \"a\" [\\x00]'                          | rule 'root' matches no text",
            "'root ::= [^\\x01-\\U0010FFFF]'                    | rule 'root' matches no text",
            "'root ::= a | b\na ::= \"x\" b\nb ::= a \"y\"'       | rule 'root' matches no text",
    })
    void rejects_broken_grammars_naming_the_problem(String grammar, String problem) {
        assertThatThrownBy(() -> GbnfValidator.validate(grammar.replace("\\n", "\n")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("invalid grammar")
                .hasMessageContaining(problem);
    }

    @Test
    void a_nul_character_is_refused_because_native_code_would_cut_the_grammar_there() {
        assertThatThrownBy(() -> GbnfValidator.validate("root ::= \"a\" | \"b\"\0 | \"c\""))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("NUL character");
    }

    // llama.cpp recurses natively over these: 20,000 nested parentheses or a long chain of rules kill the JVM

    @Test
    @Timeout(10)
    void deep_parentheses_are_refused_without_overflowing_the_java_stack_either() {
        String fine = "root ::= " + "(".repeat(GbnfValidator.MAX_NESTING) + "\"a\"" + ")".repeat(GbnfValidator.MAX_NESTING);
        assertThatCode(() -> GbnfValidator.validate(fine)).doesNotThrowAnyException();

        String deep = "root ::= " + "(".repeat(20_000) + "\"a\"" + ")".repeat(20_000);
        assertThatThrownBy(() -> GbnfValidator.validate(deep))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("parentheses nested more than the limit of 100 deep");
    }

    @Test
    @Timeout(10)
    void a_long_chain_of_rules_at_the_start_is_refused() {
        assertThatCode(() -> GbnfValidator.validate(chain(GbnfValidator.MAX_START_DEPTH - 2)))
                .doesNotThrowAnyException();
        assertThatThrownBy(() -> GbnfValidator.validate(chain(GbnfValidator.MAX_START_DEPTH)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("more than 1000 deep before its first character");
        // many optional items in a row: each one skipped is one more native recursion
        String optionals = "root ::= " + "a ".repeat(5000) + "\"b\"\na ::= \"x\"?\n";
        assertThatThrownBy(() -> GbnfValidator.validate(optionals))
                .hasMessageContaining("more than 1000 deep");
    }

    @Test
    @Timeout(10)
    void a_long_chain_of_rules_after_a_character_is_fine() {
        StringBuilder g = new StringBuilder("root ::= r0\n");
        for (int i = 0; i < 5000; i++) {
            g.append('r').append(i).append(" ::= \"a\" r").append(i + 1).append('\n');
        }
        g.append("r5000 ::= \"x\"\n");
        assertThatCode(() -> GbnfValidator.validate(g.toString())).doesNotThrowAnyException();
    }

    @Test
    @Timeout(10)
    void size_limits_name_the_limit() {
        StringBuilder rules = new StringBuilder("root ::= \"x\"\n");
        for (int i = 0; i < GbnfValidator.MAX_RULES; i++) {
            rules.append('r').append(i).append(" ::= \"a\"\n");
        }
        assertThatThrownBy(() -> GbnfValidator.validate(rules.toString()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("more than the limit of 10000 rules");

        String longGrammar = "root ::= " + "\"a\" ".repeat(GbnfValidator.MAX_LENGTH / 4);
        assertThatThrownBy(() -> GbnfValidator.validate(longGrammar))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("more than the limit of " + GbnfValidator.MAX_LENGTH);
    }

    /** root, then {@code n} rules that each start with the next one. */
    private static String chain(int n) {
        StringBuilder g = new StringBuilder("root ::= r0\n");
        for (int i = 0; i < n; i++) {
            g.append('r').append(i).append(" ::= r").append(i + 1).append('\n');
        }
        return g.append('r').append(n).append(" ::= \"x\"\n").toString();
    }
}
