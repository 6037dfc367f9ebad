package io.github.langchain4j.moi.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The Python-isms of Hugging Face chat templates that Jinjava does not know or reads differently, each rendered
 * as Python's Jinja renders it (the expected texts are what jinja2 3.1 prints for the same template), or
 * refused with an error that names the construct.
 */
class PythonIsmsTest {

    private static final List<ChatTurn> HELLO = List.of(new ChatTurn("user", "  Hello, World  "));

    /**
     * Renders a template that reads no message: its whole output is markup. {@code yn(b)} prints a boolean as
     * y or n, to test a condition apart from how booleans print.
     */
    private static String render(String template) {
        return ChatTemplate.jinja("{% macro yn(b) %}{{ 'y' if b else 'n' }}{% endmacro %}" + template, "<s>", "</s>").render(List.of(new ChatTurn("user", "x")), false)
                .asString();
    }

    // --- values written to the output ---

    @Test
    void booleans_written_to_the_output_print_as_python_prints_them() {
        // jinja2 3.1: "True False True|False"
        assertThat(render("{{ true }} {{ false }} {{ 1 == 1 }}|{% set d = {'on': false} %}{{ d.on }}"))
                .isEqualTo("True False True|False");
    }

    @Test
    void a_missing_value_trimmed_prints_nothing_as_pythons_undefined_does() {
        // Hermes 2 Pro / Hermes 3 write a parameter's description|trim, which is missing for most parameters;
        // jinja2 3.1: "[x: ][x: a]"
        assertThat(render("{% set p = {} %}[{{ 'x: ' + p.description|trim }}]"
                + "{% set q = {'description': ' a '} %}[{{ 'x: ' + q.description|trim }}]")).isEqualTo("[x: ][x: a]");
    }

    @Test
    void a_macro_calls_itself_as_schema_printers_do() {
        // Gemma 4's format_argument, GigaChat's json_schema_to_typescript; jinja2 3.1: "[<a>,[<b>,<c>]]"
        assertThat(render("{% macro f(a) %}{% if a is string %}<{{ a }}>{% else %}[{% for i in a %}{{ f(i) }}"
                + "{% if not loop.last %},{% endif %}{% endfor %}]{% endif %}{% endmacro %}{{ f(['a', ['b', 'c']]) }}"))
                .isEqualTo("[<a>,[<b>,<c>]]");
    }

    @Test
    void a_macro_that_recurses_too_deep_is_an_error_not_empty_text() {
        assertThatThrownBy(() -> render("{% macro g(n) %}{% if n > 0 %}{{ g(n - 1) }}{% endif %}{% endmacro %}{{ g(1000) }}"))
                .isInstanceOf(MoiEngineException.class)
                .hasMessageContaining("Max recursion limit");
    }

    // --- Python string methods (PythonStringMethods) ---

    @Test
    void startswith_and_endswith_take_one_affix_or_a_tuple() {
        assertThat(render("{{ yn('abc'.startswith('ab')) }} {{ yn('abc'.endswith('bc')) }}"
                + " {{ yn('abc'.startswith(('x', 'a'))) }} {{ yn('abc'.endswith('a')) }}")).isEqualTo("y y y n");
    }

    @Test
    void strip_lstrip_rstrip_take_whitespace_or_the_given_characters() {
        assertThat(render("[{{ '  a b \\n'.strip() }}][{{ '\\n\\na'.lstrip() }}][{{ 'a  '.rstrip() }}]"
                + "[{{ 'xxaxx'.strip('x') }}][{{ '\\n\\nthink'.lstrip('\\n') }}][{{ 'a!?'.rstrip('?!') }}]"))
                .isEqualTo("[a b][a][a][a][think][a]");
    }

    @Test
    void split_is_literal_not_a_regex_and_without_separator_splits_on_whitespace() {
        assertThat(render("{{ 'a.b.c'.split('.') }} {{ 'a.b.c'.split('.', 1) }} {{ ' a  b\\tc '.split() }}"
                + " {{ '<think>x</think>y'.split('</think>')[-1] }} {{ 'a.b.c'.rsplit('.', 1) }}"))
                .isEqualTo("['a', 'b', 'c'] ['a', 'b.c'] ['a', 'b', 'c'] y ['a.b', 'c']");
    }

    @Test
    void case_methods_replace_find_count_join_and_format() {
        assertThat(render("{{ 'aBc'.upper() }} {{ 'aBc'.lower() }} {{ 'hello wORLD'.title() }} {{ 'aBC'.capitalize() }}"
                + " {{ 'a-b-c'.replace('-', '+') }} {{ 'a-b-c'.replace('-', '+', 1) }} {{ 'abcb'.find('b') }}"
                + " {{ 'abcb'.count('b') }} {{ ', '.join(['x', 'y']) }} {{ '<{}|{}>'.format('a', 1) }}"))
                .isEqualTo("ABC abc Hello World Abc a+b+c a+b-c 1 2 x, y <a|1>");
    }

    @Test
    void an_unknown_string_method_fails_with_an_error_that_names_it() {
        assertThatThrownBy(() -> render("{{ 'abc'.zfill(5) }}"))
                .isInstanceOf(MoiEngineException.class)
                .hasMessageContaining("'zfill'");
    }

    @Test
    void string_methods_read_message_content_and_keep_it_data() {
        PromptText prompt = ChatTemplate.jinja("{% for m in messages %}<{{ m.content.strip() }}>{% endfor %}", "", "")
                .render(HELLO, false);
        assertThat(prompt.asString()).isEqualTo("<Hello, World>");
        assertThat(prompt.parts()).contains(new PromptText.Part("Hello, World", false));
    }

    // --- syntax that Jinjava parses differently (JinjaSource) ---

    @Test
    void a_keyword_argument_takes_the_filter_and_the_operator_after_it() {
        // Qwen3: namespace(last_query_index=messages|length - 1)
        assertThat(render("{% set ns = namespace(flag=true, last=messages|length - 1, n=[1, 2]|length) %}"
                + "{{ yn(ns.flag) }} {{ ns.last }} {{ ns.n }}")).isEqualTo("y 0 2");
    }

    @Test
    void a_reversed_slice_iterates_backwards() {
        assertThat(render("{% for x in [1, 2, 3][::-1] %}{{ x }}{% endfor %}")).isEqualTo("321");
    }

    @Test
    void a_loop_filter_skips_items_and_loop_variables_count_only_those_that_pass() {
        // Mistral Nemo: for key, val in tool.items() if key != "return" ... if not loop.last
        assertThat(render("{% for k, v in {'a': 1, 'return': 2, 'b': 3}.items() if k != 'return' %}"
                + "{{ k }}={{ v }}{% if not loop.last %}, {% endif %}{% endfor %}|"
                + "{% for x in [1, 2, 3] if x > 1 %}{{ loop.index }}{% if x > 2 %}!{% else %}.{% endif %}{% endfor %}"))
                .isEqualTo("a=1, b=3|1.2!");
    }

    @Test
    void a_for_loop_with_an_else_branch_is_refused_by_name() {
        // Jinjava renders nothing for it, where Python renders the else branch of an empty loop
        assertThatThrownBy(() -> render("{% for x in [] %}{{ x }}{% else %}none{% endfor %}"))
                .isInstanceOf(MoiEngineException.class)
                .hasMessageContaining("for loop with an else branch");
    }

    @Test
    void lstrip_blocks_strips_only_from_the_start_of_the_line() {
        assertThat(render("a, {% if true %}b{% endif %}\n   {% if true %}c{% endif %}")).isEqualTo("a, bc"); // trim_blocks takes the newline after endif
    }

    @Test
    void loop_previtem_and_nextitem_are_the_neighbouring_items() {
        assertThat(render("{% for x in ['a', 'b', 'c'] %}[{{ loop.previtem if loop.previtem else '-' }}"
                + "{{ x }}{{ loop.nextitem if loop.nextitem else '-' }}]{% endfor %}"))
                .isEqualTo("[-ab][abc][bc-]");
    }

    @Test
    void a_recursive_loop_with_a_filter_is_refused_by_name() {
        assertThatThrownBy(() -> render("{% for x in [1] if x recursive %}{{ x }}{% endfor %}"))
                .isInstanceOf(MoiEngineException.class)
                .hasMessageContaining("recursive for loop");
    }

    // --- filters, tests and globals ---

    @Test
    void the_items_filter_gives_key_value_pairs() {
        // Qwen3-Coder: for param_name, param_fields in tool.parameters.properties|items
        assertThat(render("{% for k, v in {'a': 1, 'b': 2}|items %}{{ k }}{{ v }};{% endfor %}")).isEqualTo("a1;b2;");
    }

    @Test
    void a_string_is_iterable_as_in_python() {
        // Llama 3.1: a tool result that is a string is written with tojson
        assertThat(render("{{ yn('abc' is iterable) }} {{ yn([1] is iterable) }} {{ yn(3 is iterable) }}"))
                .isEqualTo("y y n");
    }

    @Test
    void a_text_written_with_tojson_stays_data() {
        PromptText prompt = ChatTemplate.jinja("{% for m in messages %}{{ m.content | tojson }}{% endfor %}", "", "")
                .render(List.of(new ChatTurn("tool", "{\"t\": 21}")), false);
        assertThat(prompt.asString()).isEqualTo("\"{\\\"t\\\": 21}\"");
        assertThat(prompt.parts()).contains(new PromptText.Part("{\\\"t\\\": 21}", false));
    }

    @Test
    void strftime_now_is_defined() {
        // Llama 3.2: {% if strftime_now is defined %} ... today's date
        assertThat(render("{{ yn(strftime_now is defined) }}")).isEqualTo("y");
    }
}
