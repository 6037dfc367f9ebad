package io.github.langchain4j.moi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.langchain4j.agent.tool.Tool;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.agent.tool.ToolSpecifications;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.exception.UnsupportedFeatureException;
import dev.langchain4j.internal.JsonSchemaElementUtils;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.request.ResponseFormat;
import dev.langchain4j.model.chat.request.ResponseFormatType;
import dev.langchain4j.model.chat.request.json.JsonArraySchema;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.chat.request.json.JsonReferenceSchema;
import dev.langchain4j.model.chat.request.json.JsonSchema;
import dev.langchain4j.model.chat.request.json.JsonSchemaElement;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JsonSchemaGrammarTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private static String grammar(String schemaJson) throws Exception {
        return JsonSchemaGrammar.toGrammar(MAPPER.readTree(schemaJson));
    }

    private static String grammar(JsonSchemaElement element) {
        JsonNode schema = MAPPER.valueToTree(JsonSchemaElementUtils.toMap(element));
        return JsonSchemaGrammar.toGrammar(schema);
    }

    @Test
    void object_with_required_and_optional_properties() throws Exception {
        String g = grammar("""
                {"type": "object",
                 "properties": {"city": {"type": "string"}, "days": {"type": "integer"}, "metric": {"type": "boolean"}},
                 "required": ["city"]}""");

        assertThat(GbnfMatcher.matches(g, "{\"city\": \"Munich\"}")).isTrue();
        assertThat(GbnfMatcher.matches(g, "{\"city\":\"M\\u00fcnchen \\\"x\\\"\",\"days\":3}")).isTrue();
        assertThat(GbnfMatcher.matches(g, "{\"city\": \"Munich\", \"metric\": false}")).isTrue();
        assertThat(GbnfMatcher.matches(g, "{\n  \"city\": \"Munich\",\n  \"days\": -12,\n  \"metric\": true\n}")).isTrue();
        assertThat(GbnfMatcher.matches(g, "{}")).isFalse();                                  // city is required
        assertThat(GbnfMatcher.matches(g, "{\"days\": 3}")).isFalse();
        assertThat(GbnfMatcher.matches(g, "{\"city\": 3}")).isFalse();                       // wrong type
        assertThat(GbnfMatcher.matches(g, "{\"city\": \"M\", \"days\": 1.5}")).isFalse();    // not an integer
        assertThat(GbnfMatcher.matches(g, "{\"city\": \"M\", \"other\": 1}")).isFalse();     // undeclared
        assertThat(GbnfMatcher.matches(g, "{\"city\": \"M\",}")).isFalse();                  // trailing comma
        assertThat(GbnfMatcher.matches(g, "{\"city\": \"a\nb\"}")).isFalse();                // raw newline
    }

    @Test
    void object_with_only_optional_properties_takes_any_subset_in_order() throws Exception {
        String g = grammar("""
                {"type": "object", "properties": {"a": {"type": "integer"}, "b": {"type": "integer"}}}""");

        assertThat(GbnfMatcher.matches(g, "{}")).isTrue();
        assertThat(GbnfMatcher.matches(g, "{\"a\": 1}")).isTrue();
        assertThat(GbnfMatcher.matches(g, "{\"b\": 2}")).isTrue();
        assertThat(GbnfMatcher.matches(g, "{\"a\": 1, \"b\": 2}")).isTrue();
        assertThat(GbnfMatcher.matches(g, "{, \"b\": 2}")).isFalse();
    }

    @Test
    void enum_number_boolean_null_and_type_lists() throws Exception {
        String g = grammar("""
                {"type": "object", "properties": {
                   "unit": {"enum": ["C", "F"]},
                   "t": {"type": "number"},
                   "note": {"type": ["string", "null"]},
                   "n": {"type": "integer", "nullable": true},
                   "k": {"const": 42}},
                 "required": ["unit", "t", "note", "n", "k"]}""");

        assertThat(GbnfMatcher.matches(g, "{\"unit\": \"C\", \"t\": 21.5e3, \"note\": null, \"n\": null, \"k\": 42}"))
                .isTrue();
        assertThat(GbnfMatcher.matches(g, "{\"unit\": \"F\", \"t\": -0.5, \"note\": \"x\", \"n\": 7, \"k\": 42}"))
                .isTrue();
        assertThat(GbnfMatcher.matches(g, "{\"unit\": \"K\", \"t\": 1, \"note\": null, \"n\": 1, \"k\": 42}"))
                .isFalse();
        assertThat(GbnfMatcher.matches(g, "{\"unit\": \"C\", \"t\": 01, \"note\": null, \"n\": 1, \"k\": 42}"))
                .isFalse();
        assertThat(GbnfMatcher.matches(g, "{\"unit\": \"C\", \"t\": 1, \"note\": null, \"n\": 1, \"k\": 43}"))
                .isFalse();
    }

    @Test
    void arrays_with_item_schema_and_bounds() throws Exception {
        String g = grammar("""
                {"type": "array", "items": {"type": "string"}, "minItems": 1, "maxItems": 3}""");

        assertThat(GbnfMatcher.matches(g, "[\"a\"]")).isTrue();
        assertThat(GbnfMatcher.matches(g, "[\"a\", \"b\", \"c\"]")).isTrue();
        assertThat(GbnfMatcher.matches(g, "[]")).isFalse();
        assertThat(GbnfMatcher.matches(g, "[\"a\", \"b\", \"c\", \"d\"]")).isFalse();
        assertThat(GbnfMatcher.matches(g, "[1]")).isFalse();

        String any = grammar("{\"type\": \"array\"}");
        assertThat(GbnfMatcher.matches(any, "[]")).isTrue();
        assertThat(GbnfMatcher.matches(any, "[1, \"x\", {\"k\": [true, null]}]")).isTrue();
    }

    @Test
    void any_of_and_string_length() throws Exception {
        String g = grammar("""
                {"anyOf": [{"type": "string", "maxLength": 3}, {"type": "object", "properties": {"x": {}}}]}""");

        assertThat(GbnfMatcher.matches(g, "\"abc\"")).isTrue();
        assertThat(GbnfMatcher.matches(g, "\"abcd\"")).isFalse();
        assertThat(GbnfMatcher.matches(g, "{\"x\": [1, {}]}")).isTrue();
        assertThat(GbnfMatcher.matches(g, "3")).isFalse();
    }

    @Test
    void langchain4j_schema_elements_with_recursive_references() {
        JsonObjectSchema node = JsonObjectSchema.builder()
                .addStringProperty("name")
                .addProperty("children", JsonArraySchema.builder()
                        .items(JsonReferenceSchema.builder().reference("node").build())
                        .build())
                .required("name", "children")
                .build();
        JsonObjectSchema root = JsonObjectSchema.builder()
                .addProperty("tree", JsonReferenceSchema.builder().reference("node").build())
                .required("tree")
                .definitions(Map.of("node", node))
                .build();

        String g = grammar(root);

        assertThat(GbnfMatcher.matches(g,
                "{\"tree\": {\"name\": \"a\", \"children\": [{\"name\": \"b\", \"children\": []}]}}")).isTrue();
        assertThat(GbnfMatcher.matches(g, "{\"tree\": {\"name\": \"a\", \"children\": [{\"name\": \"b\"}]}}"))
                .isFalse();
    }

    @Test
    void objects_without_declared_properties() throws Exception {
        assertThat(GbnfMatcher.matches(grammar("{\"type\": \"object\"}"), "{\"any\": [1]}")).isTrue();
        String map = grammar("{\"type\": \"object\", \"additionalProperties\": {\"type\": \"integer\"}}");
        assertThat(GbnfMatcher.matches(map, "{\"a\": 1, \"b\": 2}")).isTrue();
        assertThat(GbnfMatcher.matches(map, "{\"a\": \"x\"}")).isFalse();
        String none = grammar("{\"type\": \"object\", \"properties\": {}, \"additionalProperties\": false}");
        assertThat(GbnfMatcher.matches(none, "{}")).isTrue();
        assertThat(GbnfMatcher.matches(none, "{\"a\": 1}")).isFalse();
    }

    @Test
    void empty_properties_without_a_ban_on_others_is_a_map() throws Exception {
        // how LangChain4j describes a Map<String, V> field: declared properties empty, others not forbidden
        String free = grammar("{\"type\": \"object\", \"properties\": {}, \"required\": []}");
        assertThat(GbnfMatcher.matches(free, "{}")).isTrue();
        assertThat(GbnfMatcher.matches(free, "{\"a\": 1, \"b\": [true, {\"c\": null}]}")).isTrue();
        assertThat(GbnfMatcher.matches(free, "[1]")).isFalse();

        String typed = grammar("""
                {"type": "object", "properties": {}, "additionalProperties": {"type": "integer"}}""");
        assertThat(GbnfMatcher.matches(typed, "{\"a\": 1, \"b\": 2}")).isTrue();
        assertThat(GbnfMatcher.matches(typed, "{\"a\": \"x\"}")).isFalse();

        String open = grammar("{\"type\": \"object\", \"properties\": {}, \"additionalProperties\": true}");
        assertThat(GbnfMatcher.matches(open, "{\"a\": \"x\"}")).isTrue();
    }

    @Test
    void a_tool_with_a_map_parameter_takes_a_map_and_one_without_parameters_takes_nothing() throws Exception {
        ToolSpecification sum = ToolSpecifications.toolSpecificationFrom(Tools.class.getMethod("sum", Map.class));
        ToolSpecification none = ToolSpecifications.toolSpecificationFrom(Tools.class.getMethod("none"));
        GrammarBuilder builder = new GrammarBuilder();
        String g = builder.build(ToolCallFormat.HERMES.toGrammar(builder, List.of(sum, none), true));

        assertThat(GbnfMatcher.matches(g, "{\"name\": \"sum\", \"arguments\": {\"scores\": {\"a\": 1, \"b\": 2}}}"))
                .isTrue();
        assertThat(GbnfMatcher.matches(g, "{\"name\": \"sum\", \"arguments\": {\"scores\": {}}}")).isTrue();
        assertThat(GbnfMatcher.matches(g, "{\"name\": \"none\", \"arguments\": {}}")).isTrue();
        assertThat(GbnfMatcher.matches(g, "{\"name\": \"none\", \"arguments\": {\"a\": 1}}")).isFalse();
    }

    static final class Tools {
        @Tool("adds the scores")
        public int sum(Map<String, Integer> scores) {
            return scores.values().stream().mapToInt(Integer::intValue).sum();
        }

        @Tool("does nothing")
        public void none() {
        }
    }

    @Test
    void a_schema_nested_deeper_than_the_limit_is_a_clear_error_not_a_stack_overflow() {
        ObjectNode deepest = MAPPER.createObjectNode().put("type", "string");
        JsonNode schema = deepest;
        for (int i = 0; i < 3000; i++) {
            ObjectNode outer = MAPPER.createObjectNode().put("type", "object");
            outer.putObject("properties").set("a", schema);
            outer.putArray("required").add("a");
            schema = outer;
        }
        JsonNode tooDeep = schema;
        assertThatThrownBy(() -> JsonSchemaGrammar.toGrammar(tooDeep))
                .isExactlyInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("JSON schema nested more than the limit of " + JsonSchemaGrammar.MAX_DEPTH);

        JsonNode atLimit = deepest;
        for (int i = 0; i < JsonSchemaGrammar.MAX_DEPTH; i++) {
            ObjectNode outer = MAPPER.createObjectNode().put("type", "array");
            outer.set("items", atLimit);
            atLimit = outer;
        }
        String g = JsonSchemaGrammar.toGrammar(atLimit);
        String value = "[".repeat(JsonSchemaGrammar.MAX_DEPTH) + "\"x\"" + "]".repeat(JsonSchemaGrammar.MAX_DEPTH);
        assertThat(GbnfMatcher.matches(g, value)).isTrue();
    }

    @Test
    void a_deep_langchain4j_schema_element_is_a_clear_error_too() {
        JsonSchemaElement element = JsonObjectSchema.builder().addStringProperty("leaf").build();
        for (int i = 0; i < 3000; i++) {
            element = JsonObjectSchema.builder().addProperty("a", element).required("a").build();
        }
        ResponseFormat format = ResponseFormat.builder().type(ResponseFormatType.JSON)
                .jsonSchema(JsonSchema.builder().name("deep").rootElement(element).build()).build();
        assertThatThrownBy(() -> ChatPrompt.from(List.of(UserMessage.from("hi")),
                ChatRequestParameters.builder().responseFormat(format).build()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("nested more than");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{\"type\": \"string\", \"pattern\": \"^[a-z]+$\"}",
            "{\"type\": \"integer\", \"minimum\": 0}",
            "{\"oneOf\": [{\"type\": \"string\"}, {\"type\": \"integer\"}]}",
            "{\"type\": \"object\", \"properties\": {\"a\": {\"not\": {}}}}",
            "{\"$ref\": \"https://example.com/schema.json\"}",
            "{\"$ref\": \"#/$defs/missing\"}",
            "{\"type\": \"foo\"}",
            "{\"type\": \"object\", \"properties\": {}, \"required\": [\"ghost\"]}",
    })
    void what_a_grammar_cannot_enforce_is_rejected_clearly(String schema) {
        assertThatThrownBy(() -> grammar(schema))
                .isExactlyInstanceOf(UnsupportedFeatureException.class)
                .hasMessageContaining("(at #");
    }
}
