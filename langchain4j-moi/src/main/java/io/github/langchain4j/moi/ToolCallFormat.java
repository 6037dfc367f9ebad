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
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * How a model family is told about tools and writes its calls, chosen from its chat template (not from the
 * model's name, see {@link #detect}): how tools and past calls reach the template, the grammar that constrains
 * a call (always a declared tool with arguments valid for its schema), and what the {@link AnswerParser}
 * reads back.
 *
 * <ul>
 *   <li>{@link #HERMES} (Qwen 2.5/3, Hermes, SmolLM3...): calls {@code <tool_call>\n{"name": ..., "arguments":
 *   {...}}\n</tool_call>}; tools, calls and results go to the template's {@code tools}, {@code tool_calls} and
 *   {@code tool} messages.</li>
 *   <li>{@link #LLAMA3_JSON} (Llama 3.1-3.3): one call per answer as bare JSON {@code {"name": ..., "parameters":
 *   {...}}}, optionally after {@code <|python_tag|>}; results as {@code tool} messages (the template writes
 *   them as {@code ipython}).</li>
 *   <li>{@link #MISTRAL} (Mistral v3 tokenizer, Nemo): {@code [TOOL_CALLS] [{"name": ..., "arguments": {...}},
 *   ...]}; call ids are nine letters and digits, as these templates demand.</li>
 *   <li>{@link #GENERIC_JSON}: templates without tool support; the Hermes format described in the system
 *   message as text, results in a user turn as {@code <tool_response>} blocks.</li>
 * </ul>
 */
enum ToolCallFormat {
    HERMES("arguments", List.of(ToolCallFormat.CALL_OPEN, ToolCallFormat.CALL_CLOSE, ToolCallFormat.FENCE_OPEN,
            ToolCallFormat.FENCE_CLOSE)),
    LLAMA3_JSON("parameters", List.of(ToolCallFormat.PYTHON_TAG)),
    MISTRAL("arguments", List.of(ToolCallFormat.MISTRAL_CALLS, "[", "]", ",")),
    GENERIC_JSON("arguments", HERMES.markers);

    static final String CALL_OPEN = "<tool_call>";
    static final String CALL_CLOSE = "</tool_call>";
    static final String FENCE_OPEN = "```json";
    static final String FENCE_CLOSE = "```";
    static final String PYTHON_TAG = "<|python_tag|>";
    static final String MISTRAL_CALLS = "[TOOL_CALLS]";
    /** The most calls one answer may hold: a small model must not be able to repeat calls until the context fills. */
    static final int MAX_CALLS = 8;

    private static final String ID_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

    private final String argumentsKey;
    private final List<String> markers;

    ToolCallFormat(String argumentsKey, List<String> markers) {
        this.argumentsKey = argumentsKey;
        this.markers = markers;
    }

    /**
     * The format a chat template was made for, from its source: {@code [TOOL_CALLS]} means Mistral,
     * {@code <tool_call>} Hermes, {@code <|python_tag|>} or an {@code ipython} role with {@code "parameters"}
     * Llama 3.x; anything else (or no template) the generic format.
     */
    static ToolCallFormat detect(String templateSource) {
        if (templateSource == null || !templateSource.contains("tools")) {
            return GENERIC_JSON;
        }
        if (templateSource.contains(MISTRAL_CALLS)) {
            return MISTRAL;
        }
        if (templateSource.contains(CALL_OPEN)) {
            return HERMES;
        }
        if (templateSource.contains(PYTHON_TAG)
                || templateSource.contains("ipython") && templateSource.contains("\"parameters\"")) {
            return LLAMA3_JSON;
        }
        return GENERIC_JSON;
    }

    /** Whether tools, calls and results go to the template's own variables (else: text in the system message). */
    boolean usesTemplateTools() {
        return this != GENERIC_JSON;
    }

    /** The key of a call object that holds the arguments. */
    String argumentsKey() {
        return argumentsKey;
    }

    /** What may stand between and around calls (tags, fences, brackets), longest first where one starts another. */
    List<String> markers() {
        return markers;
    }

    /** The most calls one answer may hold in this format. */
    int maxCalls() {
        return this == LLAMA3_JSON ? 1 : MAX_CALLS; // Llama 3.x templates refuse more than one call per turn
    }

    /** A tool in Hugging Face's shape for the template's {@code tools}: {"type": "function", "function": {...}}. */
    static String toToolJson(ToolSpecification tool) {
        ObjectNode function = JsonNodeFactory.instance.objectNode();
        function.put("name", tool.name());
        if (tool.description() != null) {
            function.put("description", tool.description());
        }
        function.set("parameters", toParametersSchema(tool));
        ObjectNode entry = JsonNodeFactory.instance.objectNode();
        entry.put("type", "function");
        entry.set("function", function);
        return JsonText.dumps(entry);
    }

    /** A fresh call id in the form this format's templates accept. */
    String newCallId(Supplier<String> ids) {
        return this == MISTRAL ? toMistralId(ids.get()) : ids.get();
    }

    /** A call id as this format's templates accept it (Mistral's: nine letters and digits, derived stably). */
    String toTemplateId(String id) {
        if (id == null || this != MISTRAL || id.matches("[A-Za-z0-9]{9}")) {
            return id;
        }
        return toMistralId(id);
    }

    private static String toMistralId(String id) {
        long hash = 1125899906842597L;
        for (int i = 0; i < id.length(); i++) {
            hash = 31 * hash + id.charAt(i);
        }
        StringBuilder sb = new StringBuilder(9);
        for (int i = 0; i < 9; i++) {
            sb.append(ID_CHARS.charAt((int) Long.remainderUnsigned(hash, ID_CHARS.length())));
            hash = Long.divideUnsigned(hash, ID_CHARS.length()) ^ (hash * 0x9E3779B97F4A7C15L);
        }
        return sb.toString();
    }

    /** The system-message section that describes the tools (Qwen2.5's chat template, word for word). */
    static String toSystemSection(List<ToolSpecification> tools) {
        StringBuilder sb = new StringBuilder("\n\n# Tools\n\nYou may call one or more functions to assist with the "
                + "user query.\n\nYou are provided with function signatures within <tools></tools> XML tags:\n<tools>");
        for (ToolSpecification tool : tools) {
            sb.append('\n').append(toToolJson(tool));
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
     * Defines the rules for the calls of one answer and returns the name of the rule that matches them: every
     * call names a declared tool and carries arguments valid for that tool's schema. Hermes and the generic
     * format: besides the trained {@code <tool_call>} form, calls may come as a fenced {@code ```json} block
     * or, when {@code bareCallsAllowed}, as bare JSON objects (small models often write them that way).
     */
    String toGrammar(GrammarBuilder grammar, List<ToolSpecification> tools, boolean bareCallsAllowed) {
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
                    + " ws \",\" ws " + Gbnf.literal(JsonText.quote(argumentsKey)) + " ws \":\" ws " + arguments));
        }
        String call = grammar.define("call", "\"{\" ws \"\\\"name\\\"\" ws \":\" ws ( "
                + String.join(" | ", callBodies) + " ) ws \"}\"");
        String more = "{0," + (MAX_CALLS - 1) + "}";
        return switch (this) {
            case LLAMA3_JSON -> grammar.define("tool-calls", "( " + Gbnf.literal(PYTHON_TAG) + " )? " + call);
            case MISTRAL -> grammar.define("tool-calls", Gbnf.literal(MISTRAL_CALLS) + " \" \"? \"[\" ws " + call
                    + " ( ws \",\" ws " + call + " )" + more + " ws \"]\"");
            case HERMES, GENERIC_JSON -> {
                String tagged = grammar.define("tagged-call", Gbnf.literal(CALL_OPEN + "\n") + " " + call + " "
                        + Gbnf.literal("\n" + CALL_CLOSE));
                List<String> forms = new ArrayList<>();
                forms.add(tagged + " ( \"\\n\" " + tagged + " )" + more);
                forms.add(Gbnf.literal(FENCE_OPEN + "\n") + " " + call + " ( \"\\n\" " + call + " )" + more + " "
                        + Gbnf.literal("\n" + FENCE_CLOSE));
                if (bareCallsAllowed) {
                    forms.add(call + " ( \"\\n\" " + call + " )" + more);
                }
                yield grammar.define("tool-calls", String.join(" | ", forms));
            }
        };
    }

    /**
     * How the calls of {@link #toGrammar} start as the parser sees them: special tokens such as
     * {@code [TOOL_CALLS]} and {@code <|python_tag|>} may reach it as text or not at all.
     */
    List<String> toCallStarts(boolean bareCallsAllowed) {
        return switch (this) {
            case LLAMA3_JSON -> List.of(PYTHON_TAG, "{");
            case MISTRAL -> List.of(MISTRAL_CALLS, "[", " [");
            case HERMES, GENERIC_JSON -> bareCallsAllowed ? List.of(CALL_OPEN, FENCE_OPEN, "{")
                    : List.of(CALL_OPEN, FENCE_OPEN);
        };
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
