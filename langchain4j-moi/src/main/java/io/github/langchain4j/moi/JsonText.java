package io.github.langchain4j.moi;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.Iterator;
import java.util.Map;

/** JSON text helpers: quoting, parsing, and the spacing chat templates use ({@code json.dumps} defaults). */
final class JsonText {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private JsonText() {
    }

    /** The JSON string literal for {@code text}. */
    static String quote(String text) {
        return JsonNodeFactory.instance.textNode(text).toString();
    }

    /** Parses JSON text, or returns null if it is not valid JSON. */
    static JsonNode parseOrNull(String text) {
        try {
            return text == null ? null : MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    /** Decodes a JSON string literal (with its quotes). */
    static String unquote(String literal) {
        try {
            return MAPPER.readValue(literal, String.class);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not a JSON string: " + literal, e);
        }
    }

    static JsonNode toTree(Object value) {
        return MAPPER.valueToTree(value);
    }

    /**
     * JSON with ", " and ": " separators and no other whitespace, the way Python's {@code json.dumps} (and so
     * the {@code tojson} filter of Hugging Face chat templates) writes it: what the models saw in training.
     */
    static String dumps(JsonNode node) {
        StringBuilder sb = new StringBuilder();
        dumps(node, sb);
        return sb.toString();
    }

    private static void dumps(JsonNode node, StringBuilder sb) {
        if (node.isObject()) {
            sb.append('{');
            Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> field = fields.next();
                sb.append(quote(field.getKey())).append(": ");
                dumps(field.getValue(), sb);
                if (fields.hasNext()) {
                    sb.append(", ");
                }
            }
            sb.append('}');
        } else if (node.isArray()) {
            sb.append('[');
            for (int i = 0; i < node.size(); i++) {
                if (i > 0) {
                    sb.append(", ");
                }
                dumps(node.get(i), sb);
            }
            sb.append(']');
        } else {
            sb.append(node);
        }
    }
}
