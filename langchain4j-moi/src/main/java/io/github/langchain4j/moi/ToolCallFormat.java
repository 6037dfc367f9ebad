package io.github.langchain4j.moi;

import static io.github.langchain4j.moi.GrammarBuilder.WS;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Tool calling in the format Qwen2.5 (and other Hermes-style models) were trained on: tools listed as JSON in
 * the system message, calls written as {@code <tool_call>\n{"name": ..., "arguments": {...}}\n</tool_call>},
 * results returned in a user turn as {@code <tool_response>\n...\n</tool_response>}.
 */
final class ToolCallFormat {

    static final String CALL_OPEN = "<tool_call>";
    static final String CALL_CLOSE = "</tool_call>";
    static final String FENCE_OPEN = "```json";
    static final String FENCE_CLOSE = "```";
    /** The most calls one answer may hold: a small model must not be able to repeat calls until the context fills. */
    static final int MAX_CALLS = 8;

    private ToolCallFormat() {
    }

    /** The system-message section that describes the tools (Qwen2.5's chat template, word for word). */
    static String toSystemSection(List<ToolSpecification> tools) {
        StringBuilder sb = new StringBuilder("\n\n# Tools\n\nYou may call one or more functions to assist with the "
                + "user query.\n\nYou are provided with function signatures within <tools></tools> XML tags:\n<tools>");
        for (ToolSpecification tool : tools) {
            ObjectNode function = JsonNodeFactory.instance.objectNode();
            function.put("name", tool.name());
            if (tool.description() != null) {
                function.put("description", tool.description());
            }
            function.set("parameters", toParametersSchema(tool));
            ObjectNode entry = JsonNodeFactory.instance.objectNode();
            entry.put("type", "function");
            entry.set("function", function);
            sb.append('\n').append(JsonText.dumps(entry));
        }
        return sb.append("\n</tools>\n\nFor each function call, return a json object with function name and arguments "
                + "within <tool_call></tool_call> XML tags:\n<tool_call>\n{\"name\": <function-name>, \"arguments\": "
                + "<args-json-object>}\n</tool_call>").toString();
    }

    /** The assistant turn that made these calls, as the model would have written it. */
    static String toAssistantContent(String text, List<ToolExecutionRequest> calls) {
        List<String> parts = new ArrayList<>();
        if (text != null && !text.isEmpty()) {
            parts.add(text);
        }
        for (ToolExecutionRequest call : calls) {
            JsonNode arguments = JsonText.parseOrNull(call.arguments());
            String argumentsText = arguments != null ? JsonText.dumps(arguments)
                    : call.arguments() == null || call.arguments().isBlank() ? "{}" : call.arguments();
            parts.add(CALL_OPEN + "\n{\"name\": " + JsonText.quote(call.name()) + ", \"arguments\": " + argumentsText
                    + "}\n" + CALL_CLOSE);
        }
        return String.join("\n", parts);
    }

    /** The user-turn content that returns tool results (one or more in a row). */
    static String toToolResponses(List<String> results) {
        return results.stream()
                .map(result -> "<tool_response>\n" + result + "\n</tool_response>")
                .collect(Collectors.joining("\n"));
    }

    /** The JSON schema of a tool's arguments; a tool without parameters takes an empty object. */
    static JsonNode toParametersSchema(ToolSpecification tool) {
        if (tool.parameters() == null) {
            ObjectNode empty = JsonNodeFactory.instance.objectNode();
            empty.put("type", "object");
            empty.set("properties", JsonNodeFactory.instance.objectNode());
            return empty;
        }
        return JsonSchemaGrammar.toTree(tool.parameters());
    }

    static boolean takesNoArguments(ToolSpecification tool) {
        return tool.parameters() == null || tool.parameters().properties().isEmpty();
    }

    /**
     * Defines the rules for one or more tool calls and returns the name of the rule that matches them: every
     * call names a declared tool and carries arguments valid for that tool's schema. Besides the trained
     * {@code <tool_call>} form, calls may come as a fenced {@code ```json} block or, when
     * {@code bareCallsAllowed}, as bare JSON objects: small models often write their calls that way.
     */
    static String toGrammar(GrammarBuilder grammar, List<ToolSpecification> tools, boolean bareCallsAllowed) {
        grammar.json(WS);
        List<String> callBodies = new ArrayList<>();
        for (ToolSpecification tool : tools) {
            String arguments;
            if (takesNoArguments(tool)) {
                arguments = grammar.define("tool-" + tool.name() + "-args", "\"{\" ws \"}\"");
            } else {
                JsonNode schema = toParametersSchema(tool);
                arguments = new JsonSchemaGrammar(grammar, schema).toRule(schema, "tool-" + tool.name() + "-args");
            }
            callBodies.add(grammar.define("tool-" + tool.name(), Gbnf.literal(JsonText.quote(tool.name()))
                    + " ws \",\" ws \"\\\"arguments\\\"\" ws \":\" ws " + arguments));
        }
        String call = grammar.define("call", "\"{\" ws \"\\\"name\\\"\" ws \":\" ws ( "
                + String.join(" | ", callBodies) + " ) ws \"}\"");
        String more = "{0," + (MAX_CALLS - 1) + "}";
        String tagged = grammar.define("tagged-call", Gbnf.literal(CALL_OPEN + "\n") + " " + call + " "
                + Gbnf.literal("\n" + CALL_CLOSE));
        List<String> forms = new ArrayList<>();
        forms.add(tagged + " ( \"\\n\" " + tagged + " )" + more);
        forms.add(Gbnf.literal(FENCE_OPEN + "\n") + " " + call + " ( \"\\n\" " + call + " )" + more + " "
                + Gbnf.literal("\n" + FENCE_CLOSE));
        if (bareCallsAllowed) {
            forms.add(call + " ( \"\\n\" " + call + " )" + more);
        }
        return grammar.define("tool-calls", String.join(" | ", forms));
    }

    /** How the forms of {@link #toGrammar} start. */
    static List<String> toCallStarts(boolean bareCallsAllowed) {
        return bareCallsAllowed ? List.of(CALL_OPEN, FENCE_OPEN, "{") : List.of(CALL_OPEN, FENCE_OPEN);
    }

    /**
     * A non-empty plain-text answer that does not start with any of {@code excludedStarts} (so it cannot be
     * mistaken for a tool call): a trie of the prefixes, each node allowing any other next character.
     */
    static String toPlainTextGrammar(GrammarBuilder grammar, List<String> excludedStarts) {
        return grammar.define("plain-text", textNotStartingWith(grammar, excludedStarts, true));
    }

    private static String textNotStartingWith(GrammarBuilder grammar, List<String> prefixes, boolean atStart) {
        Map<Character, List<String>> byFirst = new TreeMap<>();
        for (String prefix : prefixes) {
            byFirst.computeIfAbsent(prefix.charAt(0), c -> new ArrayList<>()).add(prefix.substring(1));
        }
        StringBuilder excluded = new StringBuilder();
        byFirst.keySet().forEach(c -> excluded.append(Gbnf.classChar(c)));
        List<String> alternatives = new ArrayList<>();
        if (!atStart) {
            alternatives.add("\"\""); // the text may end here
        }
        alternatives.add("[^" + excluded + "] .*");
        byFirst.forEach((c, rests) -> {
            if (rests.stream().noneMatch(String::isEmpty)) { // c alone does not complete an excluded start
                String next = grammar.define("plain-text-" + Integer.toHexString(c),
                        textNotStartingWith(grammar, rests, false));
                alternatives.add(Gbnf.literal(String.valueOf(c)) + " " + next);
            }
        });
        return String.join(" | ", alternatives);
    }
}
