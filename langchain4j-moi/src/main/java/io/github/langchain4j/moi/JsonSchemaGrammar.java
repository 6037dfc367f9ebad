package io.github.langchain4j.moi;

import static io.github.langchain4j.moi.GrammarBuilder.JSON_ARRAY;
import static io.github.langchain4j.moi.GrammarBuilder.JSON_BOOLEAN;
import static io.github.langchain4j.moi.GrammarBuilder.JSON_INTEGER;
import static io.github.langchain4j.moi.GrammarBuilder.JSON_NULL;
import static io.github.langchain4j.moi.GrammarBuilder.JSON_NUMBER;
import static io.github.langchain4j.moi.GrammarBuilder.JSON_OBJECT;
import static io.github.langchain4j.moi.GrammarBuilder.JSON_STRING;
import static io.github.langchain4j.moi.GrammarBuilder.JSON_VALUE;
import static io.github.langchain4j.moi.GrammarBuilder.WS;

import com.fasterxml.jackson.databind.JsonNode;
import dev.langchain4j.exception.UnsupportedFeatureException;
import dev.langchain4j.internal.JsonSchemaElementUtils;
import dev.langchain4j.model.chat.request.json.JsonAnyOfSchema;
import dev.langchain4j.model.chat.request.json.JsonArraySchema;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.chat.request.json.JsonSchemaElement;
import io.github.langchain4j.moi.engine.GbnfValidator;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Writes GBNF rules that accept exactly the JSON values a JSON Schema accepts, or a documented subset of them,
 * never more: a keyword that would need a looser grammar, or one the grammar cannot enforce, is rejected with
 * an {@link UnsupportedFeatureException} naming the keyword and where it is.
 *
 * <p>Subsets chosen: properties are generated in schema order with the required ones first; an object that
 * declares properties gets only those, even where {@code additionalProperties} would allow more; an object
 * that declares none is a map (any keys, values of the {@code additionalProperties} schema, any JSON value
 * without one), or {@code {}} with {@code additionalProperties: false}; {@code format} is an annotation and
 * is ignored. Supported: {@code type} (one or a list), {@code properties}, {@code required},
 * {@code additionalProperties} (for objects without declared properties), {@code items}, {@code minItems},
 * {@code maxItems}, {@code minLength}, {@code maxLength}, {@code enum}, {@code const}, {@code anyOf}, a
 * single-element {@code allOf}, {@code nullable} and local {@code $ref}s (recursion included). Schemas nest at
 * most {@link #MAX_DEPTH} deep.
 */
final class JsonSchemaGrammar {

    private static final Set<String> UNSUPPORTED = Set.of("pattern", "minimum", "maximum", "exclusiveMinimum",
            "exclusiveMaximum", "multipleOf", "uniqueItems", "contains", "minContains", "maxContains", "prefixItems",
            "patternProperties", "propertyNames", "minProperties", "maxProperties", "dependentRequired",
            "dependentSchemas", "dependencies", "if", "then", "else", "not", "oneOf", "unevaluatedProperties",
            "unevaluatedItems", "$dynamicRef", "$recursiveRef");

    /** Deepest nesting of schemas (properties, items, anyOf ...) converted; deeper is an error, not a StackOverflowError. */
    static final int MAX_DEPTH = 100;

    private final GrammarBuilder grammar;
    private final JsonNode document;
    private final Map<String, String> refRules = new HashMap<>();

    /** @param document the schema document that local {@code $ref}s point into */
    JsonSchemaGrammar(GrammarBuilder grammar, JsonNode document) {
        this.grammar = grammar;
        this.document = document;
    }

    /** A complete grammar whose root is the given schema. */
    static String toGrammar(JsonNode schema) {
        GrammarBuilder grammar = new GrammarBuilder();
        String root = new JsonSchemaGrammar(grammar, schema).toRule(schema, "answer");
        return grammar.build(root);
    }

    /**
     * The JSON tree of a LangChain4j schema element, whose nesting is checked first: LangChain4j's own
     * conversion recurses without a limit and overflows the stack on a deep schema.
     */
    static JsonNode toTree(JsonSchemaElement element) {
        Deque<JsonSchemaElement> level = new ArrayDeque<>();
        level.add(element);
        for (int depth = 0; !level.isEmpty(); depth++) {
            if (depth > MAX_DEPTH) {
                throw new IllegalArgumentException("JSON schema nested more than the limit of " + MAX_DEPTH + " deep");
            }
            Deque<JsonSchemaElement> next = new ArrayDeque<>();
            for (JsonSchemaElement e : level) {
                if (e instanceof JsonObjectSchema object) {
                    next.addAll(object.properties().values());
                    if (object.definitions() != null) {
                        next.addAll(object.definitions().values());
                    }
                } else if (e instanceof JsonArraySchema array && array.items() != null) {
                    next.add(array.items());
                } else if (e instanceof JsonAnyOfSchema anyOf) {
                    next.addAll(anyOf.anyOf());
                }
            }
            level = next;
        }
        return JsonText.toTree(JsonSchemaElementUtils.toMap(element));
    }

    /** A GBNF expression (a rule name or an alternation of names) for the schema. */
    String toRule(JsonNode schema, String hint) {
        return toRule(schema, hint, "#", 0);
    }

    private String toRule(JsonNode schema, String hint, String path, int depth) {
        if (depth > MAX_DEPTH) {
            throw new IllegalArgumentException("JSON schema nested more than the limit of " + MAX_DEPTH
                    + " deep (at " + (path.length() > 200 ? path.substring(0, 200) + "..." : path) + ")");
        }
        if (schema == null || schema.isMissingNode() || (schema.isBoolean() && schema.booleanValue())) {
            return grammar.json(JSON_VALUE);
        }
        if (!schema.isObject()) {
            throw unsupported(path, "a schema must be an object or true, was: " + schema);
        }
        schema.fieldNames().forEachRemaining(keyword -> {
            if (UNSUPPORTED.contains(keyword)) {
                throw unsupported(path, "JSON schema keyword '" + keyword + "' is not supported: "
                        + "the output grammar cannot enforce it");
            }
        });
        List<String> alternatives = new ArrayList<>();
        if (schema.has("$ref")) {
            alternatives.add(reference(schema.get("$ref").asText(), path, depth));
        } else if (schema.has("const")) {
            alternatives.add(Gbnf.literal(schema.get("const").toString()));
        } else if (schema.has("enum")) {
            JsonNode values = schema.get("enum");
            if (!values.isArray() || values.isEmpty()) {
                throw unsupported(path, "'enum' must be a non-empty array");
            }
            for (JsonNode value : values) {
                alternatives.add(Gbnf.literal(value.toString()));
            }
        } else if (schema.has("anyOf")) {
            JsonNode options = schema.get("anyOf");
            for (int i = 0; i < options.size(); i++) {
                alternatives.add(toRule(options.get(i), hint + "-" + i, path + "/anyOf/" + i, depth + 1));
            }
        } else if (schema.has("allOf")) {
            JsonNode parts = schema.get("allOf");
            if (parts.size() != 1) {
                throw unsupported(path, "'allOf' with more than one schema is not supported");
            }
            alternatives.add(toRule(parts.get(0), hint, path + "/allOf/0", depth + 1));
        } else {
            JsonNode type = schema.get("type");
            if (type == null) {
                alternatives.add(typed(schema, inferType(schema), hint, path, depth));
            } else if (type.isArray()) {
                for (JsonNode t : type) {
                    alternatives.add(typed(schema, t.asText(), hint, path, depth));
                }
            } else {
                alternatives.add(typed(schema, type.asText(), hint, path, depth));
            }
        }
        if (schema.path("nullable").asBoolean(false) && !alternatives.contains(JSON_NULL)) {
            alternatives.add(grammar.json(JSON_NULL));
        }
        Set<String> distinct = new LinkedHashSet<>(alternatives);
        if (distinct.size() == 1) {
            return distinct.iterator().next();
        }
        return grammar.define(hint, String.join(" | ", distinct));
    }

    private static String inferType(JsonNode schema) {
        if (schema.has("properties") || schema.has("additionalProperties") || schema.has("required")) {
            return "object";
        }
        if (schema.has("items") || schema.has("minItems") || schema.has("maxItems")) {
            return "array";
        }
        if (schema.has("minLength") || schema.has("maxLength")) {
            return "string";
        }
        return "any";
    }

    private String typed(JsonNode schema, String type, String hint, String path, int depth) {
        return switch (type) {
            case "object" -> object(schema, hint, path, depth);
            case "array" -> array(schema, hint, path, depth);
            case "string" -> string(schema, hint, path);
            case "integer" -> grammar.json(JSON_INTEGER);
            case "number" -> grammar.json(JSON_NUMBER);
            case "boolean" -> grammar.json(JSON_BOOLEAN);
            case "null" -> grammar.json(JSON_NULL);
            case "any" -> grammar.json(JSON_VALUE);
            default -> throw unsupported(path, "unknown JSON schema type '" + type + "'");
        };
    }

    private String object(JsonNode schema, String hint, String path, int depth) {
        JsonNode properties = schema.get("properties");
        JsonNode additional = schema.get("additionalProperties");
        grammar.json(WS);
        if (properties != null && !properties.isObject()) {
            throw unsupported(path, "'properties' must be an object");
        }
        Set<String> required = new LinkedHashSet<>();
        schema.path("required").forEach(name -> required.add(name.asText()));
        for (String name : required) {
            if (properties == null || !properties.has(name)) {
                throw unsupported(path, "required property '" + name + "' is not among the declared properties");
            }
        }
        if (properties == null || properties.isEmpty()) {
            // no declared properties: a map, as LangChain4j describes Map<String, V> ("properties": {})
            if (additional == null || (additional.isBoolean() && additional.booleanValue())) {
                return grammar.json(JSON_OBJECT);
            }
            if (additional.isBoolean()) {
                return grammar.define(hint, "\"{\" ws \"}\"");
            }
            String value = toRule(additional, hint + "-value", path + "/additionalProperties", depth + 1);
            String member = grammar.define(hint + "-member", grammar.json(JSON_STRING) + " ws \":\" ws " + value
                    + " ws");
            return grammar.define(hint, "\"{\" ws ( " + member + " ( \",\" ws " + member + " )* )? \"}\"");
        }
        List<String> requiredMembers = new ArrayList<>();
        List<String> optionalMembers = new ArrayList<>();
        properties.fields().forEachRemaining(property -> {
            String name = property.getKey();
            String value = toRule(property.getValue(), hint + "-" + name, path + "/properties/" + name, depth + 1);
            String member = grammar.define(hint + "-" + name + "-kv",
                    Gbnf.literal(JsonText.quote(name)) + " ws \":\" ws " + value + " ws");
            (required.contains(name) ? requiredMembers : optionalMembers).add(member);
        });
        StringBuilder body = new StringBuilder("\"{\" ws ");
        if (!requiredMembers.isEmpty()) {
            body.append(String.join(" \",\" ws ", requiredMembers));
            for (String member : optionalMembers) {
                body.append(" ( \",\" ws ").append(member).append(" )?");
            }
        } else if (!optionalMembers.isEmpty()) {
            // the first property present takes no comma; any later ones follow in order
            List<String> firsts = new ArrayList<>();
            for (int i = 0; i < optionalMembers.size(); i++) {
                StringBuilder alternative = new StringBuilder(optionalMembers.get(i));
                for (int j = i + 1; j < optionalMembers.size(); j++) {
                    alternative.append(" ( \",\" ws ").append(optionalMembers.get(j)).append(" )?");
                }
                firsts.add(alternative.toString());
            }
            body.append("( ").append(String.join(" | ", firsts)).append(" )?");
        }
        return grammar.define(hint, body.append(" \"}\"").toString());
    }

    private String array(JsonNode schema, String hint, String path, int depth) {
        String item = schema.has("items")
                ? toRule(schema.get("items"), hint + "-item", path + "/items", depth + 1)
                : grammar.json(JSON_VALUE);
        int min = count(schema, "minItems", 0, path);
        int max = count(schema, "maxItems", -1, path);
        if (max != -1 && max < min) {
            throw unsupported(path, "maxItems < minItems");
        }
        grammar.json(WS);
        if (max == 0) {
            return grammar.define(hint, "\"[\" ws \"]\"");
        }
        String list = item + " ws";
        if (max != 1) {
            String repetition = max == -1
                    ? (min <= 1 ? "*" : "{" + (min - 1) + ",}")
                    : "{" + Math.max(0, min - 1) + "," + (max - 1) + "}";
            list += " ( \",\" ws " + item + " ws )" + repetition;
        }
        return grammar.define(hint, "\"[\" ws " + (min == 0 ? "( " + list + " )?" : list) + " \"]\"");
    }

    private String string(JsonNode schema, String hint, String path) {
        int min = count(schema, "minLength", 0, path);
        int max = count(schema, "maxLength", -1, path);
        if (min == 0 && max == -1) {
            return grammar.json(JSON_STRING);
        }
        if (max != -1 && max < min) {
            throw unsupported(path, "maxLength < minLength");
        }
        grammar.json(JSON_STRING);
        String repetition = "{" + min + "," + (max == -1 ? "" : max) + "}";
        return grammar.define(hint, "\"\\\"\" json-char" + repetition + " \"\\\"\"");
    }

    private String reference(String ref, String path, int depth) {
        String rule = refRules.get(ref);
        if (rule != null) {
            return rule;
        }
        if (!ref.startsWith("#")) {
            throw unsupported(path, "only local $ref (starting with '#') is supported, was '" + ref + "'");
        }
        JsonNode target = document.at(ref.substring(1));
        if (target.isMissingNode()) {
            throw unsupported(path, "$ref '" + ref + "' points to nothing in the schema");
        }
        rule = grammar.reserve("ref-" + ref.substring(ref.lastIndexOf('/') + 1));
        refRules.put(ref, rule);
        grammar.set(rule, toRule(target, rule + "-def", ref, depth + 1));
        return rule;
    }

    private static int count(JsonNode schema, String keyword, int absent, String path) {
        JsonNode value = schema.get(keyword);
        if (value == null) {
            return absent;
        }
        if (!value.canConvertToInt() || value.asInt() < 0 || value.asInt() > GbnfValidator.MAX_REPETITIONS) {
            throw unsupported(path, "'" + keyword + "' must be an integer in [0, " + GbnfValidator.MAX_REPETITIONS + "]");
        }
        return value.asInt();
    }

    private static UnsupportedFeatureException unsupported(String path, String message) {
        return new UnsupportedFeatureException(message + " (at " + path + ")");
    }
}
