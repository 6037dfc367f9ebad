package io.github.langchain4j.moi;

import io.github.langchain4j.moi.engine.GbnfValidator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Collects GBNF rules under unique names and writes the grammar, checked by {@link GbnfValidator#validate(String)}.
 */
final class GrammarBuilder {

    static final String WS = "ws";
    static final String JSON_STRING = "json-string";
    static final String JSON_INTEGER = "json-integer";
    static final String JSON_NUMBER = "json-number";
    static final String JSON_BOOLEAN = "json-boolean";
    static final String JSON_NULL = "json-null";
    static final String JSON_VALUE = "json-value";
    static final String JSON_OBJECT = "json-object";
    static final String JSON_ARRAY = "json-array";

    private static final int MAX_NAME = 64;

    private final Map<String, String> rules = new LinkedHashMap<>();

    GrammarBuilder() {
        rules.put("root", null);
    }

    /** Reserves a fresh rule name derived from {@code hint}; define it later with {@link #set}. */
    String reserve(String hint) {
        String base = Gbnf.ruleName(hint);
        if (base.length() > MAX_NAME) { // hints grow with nesting: keep the start (tool) and the end (property)
            base = base.substring(0, MAX_NAME / 2) + "-" + base.substring(base.length() - MAX_NAME / 2);
        }
        String name = base;
        for (int i = 2; rules.containsKey(name); i++) {
            name = base + "-" + i;
        }
        rules.put(name, null);
        return name;
    }

    void set(String name, String body) {
        rules.put(name, body);
    }

    /** Defines a rule under a fresh name derived from {@code hint} and returns the name. */
    String define(String hint, String body) {
        String name = reserve(hint);
        set(name, body);
        return name;
    }

    /**
     * Returns the name of one of the shared JSON rules ({@link #JSON_STRING} ...), defining it and the rules
     * it needs on first use. Whitespace between JSON tokens is bounded so a model cannot loop on it.
     */
    String json(String name) {
        if (rules.get(name) != null) {
            return name;
        }
        switch (name) {
            case WS -> set(WS, "| \" \" | \"\\n\" [ \\t]{0,20}");
            case JSON_STRING -> {
                set(JSON_STRING, "\"\\\"\" json-char* \"\\\"\"");
                set("json-char", "[^\"\\\\\\x7F\\x00-\\x1F] | [\\\\] ([\"\\\\/bfnrt] | \"u\" [0-9a-fA-F]{4})");
            }
            case JSON_INTEGER -> set(JSON_INTEGER, "\"-\"? ([0] | [1-9] [0-9]{0,15})");
            case JSON_NUMBER -> set(JSON_NUMBER,
                    "\"-\"? ([0] | [1-9] [0-9]{0,15}) (\".\" [0-9]{1,16})? ([eE] [-+]? [0-9]{1,3})?");
            case JSON_BOOLEAN -> set(JSON_BOOLEAN, "\"true\" | \"false\"");
            case JSON_NULL -> set(JSON_NULL, "\"null\"");
            case JSON_VALUE -> {
                set(JSON_VALUE, "");  // placeholder against endless recursion: object and array refer back
                set(JSON_VALUE, json(JSON_OBJECT) + " | " + json(JSON_ARRAY) + " | " + json(JSON_STRING) + " | "
                        + json(JSON_NUMBER) + " | " + json(JSON_BOOLEAN) + " | " + json(JSON_NULL));
            }
            case JSON_OBJECT -> {
                set(JSON_OBJECT, "");
                String member = define("json-member",
                        json(JSON_STRING) + " ws \":\" ws " + json(JSON_VALUE) + " ws");
                set(JSON_OBJECT, "\"{\" " + json(WS) + " ( " + member + " ( \",\" ws " + member + " )* )? \"}\"");
            }
            case JSON_ARRAY -> {
                set(JSON_ARRAY, "");
                json(WS);
                set(JSON_ARRAY, "\"[\" ws ( " + json(JSON_VALUE) + " ws ( \",\" ws json-value ws )* )? \"]\"");
            }
            default -> throw new IllegalArgumentException("no shared rule " + name);
        }
        return name;
    }

    /** Writes the grammar with {@code root ::= rootBody} and checks it. */
    String build(String rootBody) {
        rules.put("root", rootBody);
        StringBuilder sb = new StringBuilder();
        rules.forEach((name, body) -> {
            if (body == null) {
                throw new IllegalStateException("grammar rule '" + name + "' was reserved but never defined");
            }
            sb.append(name).append(" ::= ").append(body).append('\n');
        });
        String grammar = sb.toString();
        GbnfValidator.validate(grammar);
        return grammar;
    }
}
