package io.github.langchain4j.moi.engine;

import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import com.hubspot.jinjava.LegacyOverrides;
import com.hubspot.jinjava.interpret.RenderResult;
import com.hubspot.jinjava.interpret.TemplateError;
import com.hubspot.jinjava.lib.fn.ELFunctionDefinition;


import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.lib.expression.ExpressionStrategy;
import com.hubspot.jinjava.lib.filter.EscapeFilter;
import com.hubspot.jinjava.lib.filter.Filter;
import com.hubspot.jinjava.lib.filter.TrimFilter;
import com.hubspot.jinjava.mode.ExecutionMode;
import com.hubspot.jinjava.tree.output.RenderedOutputNode;
import com.hubspot.jinjava.tree.parse.ExpressionToken;
import com.hubspot.jinjava.lib.tag.Tag;
import com.hubspot.jinjava.objects.SafeString;
import com.hubspot.jinjava.objects.collections.PyMap;
import com.hubspot.jinjava.tree.Node;
import com.hubspot.jinjava.tree.TagNode;
import java.time.Clock;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;

/**
 * A model's chat template: renders a conversation into a {@link PromptText} whose markup comes from the
 * template and whose message contents stay text (data).
 *
 * <p>The template is the Jinja source in the model's metadata ({@code tokenizer.chat_template}), rendered the
 * way Hugging Face transformers renders it (trim_blocks, lstrip_blocks, {@code bos_token}, {@code eos_token},
 * {@code add_generation_prompt}, {@code raise_exception}), so defaults that the template adds (such as a
 * default system message) are there. A template that uses something this renderer cannot render as Python does
 * fails with an error naming it: prompting the model in another family's format instead would silently make it
 * answer worse. Only a model without a template gets a llama.cpp built-in format (see {@link #of}).
 *
 * <p>Where the contents are in the output: the template is rendered twice, once with the real contents and
 * once with a unique marker in place of each. The marked rendering says which stretches are markup; the real
 * one must be exactly those stretches with each content in between (as given, or trimmed, since templates
 * often trim). A template that changes content in any other way is refused, rather than guessing where
 * text ends and markup begins. Tool-call arguments and tool descriptions are JSON values handed to the
 * template in Hugging Face's message shape; where the template writes one with {@code tojson}, the JSON text
 * is data too (the marked rendering writes a marker in its place). A template that writes a call's arguments
 * value by value writes their texts as data too (each text value has a marker of its own). Other values a template
 * prints field by field (a tool's name and description, argument names) are part of the markup.
 */
final class ChatTemplate {

    /** Renders turns to one string; the boolean is add_generation_prompt (llama.cpp's built-in formats, a test's). */
    interface Renderer extends BiFunction<List<ChatTurn>, Boolean, String> {
    }

    // Private-use characters: a marker cannot occur in a template's own text
    private static final char MARK_OPEN = '\uE000';
    private static final char MARK_CLOSE = '\uE001';
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String description;
    private final JinjaRenderer jinja;  // or
    private final Renderer renderer;
    private final ThinkingOptions thinking; // a reasoning template's segment, or null

    private ChatTemplate(String description, JinjaRenderer jinja, Renderer renderer, ThinkingOptions thinking) {
        this.description = description;
        this.jinja = jinja;
        this.renderer = renderer;
        this.thinking = thinking;
    }

    /** A Jinja chat template from a model's metadata; bos and eos are the texts of those special tokens. */
    public static ChatTemplate jinja(String source, String bosToken, String eosToken) {
        return jinja(source, bosToken, eosToken, Clock.systemDefaultZone());
    }

    /** As {@link #jinja(String, String, String)}; {@code strftime_now} reads {@code clock}. */
    static ChatTemplate jinja(String source, String bosToken, String eosToken, Clock clock) {
        return new ChatTemplate("the model's Jinja chat template",
                new JinjaRenderer(source, bosToken, eosToken, clock), null,
                ThinkingOptions.detect(source, ThinkingOptions.NO_BUDGET));
    }

    /** A renderer of another kind (llama.cpp's built-in templates, or a test's): text turns only. */
    static ChatTemplate of(String description, Renderer renderer) {
        return new ChatTemplate(description, null, renderer, null);
    }

    /**
     * Earlier assistant turns as a reasoning template re-feeds them: without their thinking (the R1 distills'
     * template cuts everything up to {@code </think>}). Done here, the template has nothing to change in a content,
     * which could not be placed otherwise (see the class comment).
     */
    private List<ChatTurn> withoutThinking(List<ChatTurn> turns) {
        if (thinking == null) {
            return turns;
        }
        return turns.stream()
                .map(turn -> !turn.role().equals("assistant") || turn.content() == null ? turn
                        : new ChatTurn(turn.role(), thinking.stripThinking(turn.content()), turn.toolCalls(),
                        turn.toolCallId(), turn.name()))
                .toList();
    }

    /** Which template this is, for logs. */
    public String description() {
        return description;
    }

    /** Renders a conversation without tools; see {@link #render(List, List, boolean)}. */
    public PromptText render(List<ChatTurn> turns, boolean addGenerationPrompt) {
        return render(turns, List.of(), addGenerationPrompt);
    }

    /**
     * Renders a conversation.
     *
     * @param tools               the template's {@code tools}: JSON objects (Hugging Face's shape,
     *                            {@code {"type": "function", "function": {"name", "description", "parameters"}}});
     *                            empty: the variable is not set
     * @param addGenerationPrompt whether to open the assistant's turn at the end
     * @throws MoiEngineException when the template fails or changes message content beyond trimming
     * @throws IllegalArgumentException when a tool or tool-call argument is not a JSON object, or the template
     *                                  refuses the conversation
     */
    public PromptText render(List<ChatTurn> turns, List<String> tools, boolean addGenerationPrompt) {
        turns = withoutThinking(turns);
        Data data = new Data(turns, tools);
        if (jinja == null) {
            if (data.hasJson()) {
                throw new MoiEngineException(description + " cannot render tools or tool calls");
            }
            List<ChatTurn> marked = new ArrayList<>(turns.size());
            for (int i = 0; i < turns.size(); i++) {
                ChatTurn turn = turns.get(i);
                marked.add(new ChatTurn(turn.role(), (String) data.value(data.contentIds[i], true)));
            }
            return align(renderer.apply(turns, addGenerationPrompt), renderer.apply(marked, addGenerationPrompt), data);
        }
        String real = jinja.render(data.messages(false), data.tools(false), addGenerationPrompt);
        return align(real, jinja.render(data.messages(true), data.tools(true), addGenerationPrompt), data);
    }

    private static String marker(int index) {
        return MARK_OPEN + Integer.toString(index) + MARK_CLOSE;
    }

    /** Walks the real rendering along the marked one: markup must match exactly, data as given (or trimmed). */
    private PromptText align(String real, String marked, Data data) {
        List<PromptText.Part> parts = new ArrayList<>();
        int pos = 0;   // in real
        int from = 0;  // in marked
        while (from <= marked.length()) {
            int open = marked.indexOf(MARK_OPEN, from);
            String markup = marked.substring(from, open < 0 ? marked.length() : open);
            if (!real.startsWith(markup, pos)) {
                throw changed();
            }
            parts.add(new PromptText.Part(markup, true));
            pos += markup.length();
            if (open < 0) {
                break;
            }
            int close = marked.indexOf(MARK_CLOSE, open);
            int nextOpen = marked.indexOf(MARK_OPEN, close + 1);
            String following = marked.substring(close + 1, nextOpen < 0 ? marked.length() : nextOpen);
            String placed = null;
            for (String candidate : data.renderings(Integer.parseInt(marked.substring(open + 1, close)))) {
                if (real.startsWith(candidate, pos) && real.startsWith(following, pos + candidate.length())) {
                    placed = candidate;
                    break;
                }
            }
            if (placed == null) {
                throw changed();
            }
            parts.add(new PromptText.Part(placed, false));
            pos += placed.length();
            from = close + 1;
        }
        if (pos != real.length()) {
            throw changed();
        }
        return new PromptText(parts);
    }

    private MoiEngineException changed() {
        return new MoiEngineException(description + " changes message text in a way that does not keep it apart from "
                + "the template's markup; it cannot be used safely (message content must stay data)");
    }

    /**
     * The data of one conversation, numbered: message contents (text) and JSON values (tools, tool-call
     * arguments), each given to the template as itself (real rendering) or as its marker (marked rendering).
     */
    private static final class Data {
        private final List<ChatTurn> turns;
        private final List<Object> values = new ArrayList<>();          // String or Map (parsed JSON)
        private final List<Set<String>> jsonOutputs = new ArrayList<>(); // per value: what tojson wrote for it
        private final Map<Integer, Object> markedForms = new HashMap<>();  // argument objects, text values marked
        final int[] contentIds;
        private final int[][] argumentIds;
        private final int[] toolIds;

        Data(List<ChatTurn> turns, List<String> tools) {
            this.turns = turns;
            contentIds = new int[turns.size()];
            argumentIds = new int[turns.size()][];
            for (int i = 0; i < turns.size(); i++) {
                ChatTurn turn = turns.get(i);
                contentIds[i] = add(turn.content());
                argumentIds[i] = new int[turn.toolCalls().size()];
                for (int j = 0; j < turn.toolCalls().size(); j++) {
                    ChatTurn.ToolCall call = turn.toolCalls().get(j);
                    Map<String, Object> arguments = parseObject(call.arguments(), "the arguments of a call of tool '"
                            + call.name() + "'");
                    argumentIds[i][j] = add(arguments);
                    markedForms.put(argumentIds[i][j], markLeaves(arguments));
                }
            }
            toolIds = new int[tools.size()];
            for (int i = 0; i < tools.size(); i++) {
                toolIds[i] = add(parseObject(tools.get(i), "tool description " + i));
            }
        }

        /**
         * An argument object with each text value replaced by its marker: templates that write arguments value
         * by value (Qwen3-Coder's {@code <parameter=city>}) must still write them as data. Tools stay as they
         * are: templates compare their fields ({@code type == 'string'}), and they come from the developer.
         */
        private Object markLeaves(Object value) {
            if (value instanceof String text) {
                return text.isEmpty() ? text : marker(add(text));
            }
            if (value instanceof Map<?, ?> map) {
                Map<String, Object> marked = new LinkedHashMap<>();
                map.forEach((key, item) -> marked.put((String) key, markLeaves(item)));
                return marked;
            }
            if (value instanceof List<?> list) {
                return list.stream().map(this::markLeaves).toList();
            }
            return value;
        }

        private int add(Object value) {
            values.add(value);
            jsonOutputs.add(new LinkedHashSet<>());
            return values.size() - 1;
        }

        boolean hasJson() {
            return values.stream().anyMatch(value -> !(value instanceof String));
        }

        Object value(int id, boolean marked) {
            Object value = values.get(id);
            if (value instanceof String text) {
                // empty texts stay empty: templates test them ("if message.content") and nothing can hide in them
                return marked && !text.isEmpty() ? marker(id) : text;
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> map = (Map<String, Object>) (marked && markedForms.containsKey(id)
                    ? markedForms.get(id) : value);
            return new JsonData(map, id, marked, jsonOutputs.get(id));
        }

        /** The texts a value may have in the real rendering. */
        List<String> renderings(int id) {
            if (values.get(id) instanceof String content) {
                String quoted = PythonJson.dumps(content, null); // a template may write a text with tojson
                return List.of(content, content.strip(), content.trim(), content.stripTrailing(), content.stripLeading(),
                        quoted.substring(1, quoted.length() - 1));
            }
            List<String> written = new ArrayList<>(jsonOutputs.get(id));
            written.sort(Comparator.comparingInt(String::length).reversed());
            return written;
        }

        List<Map<String, Object>> messages(boolean marked) {
            List<Map<String, Object>> messages = new ArrayList<>(turns.size());
            for (int i = 0; i < turns.size(); i++) {
                ChatTurn turn = turns.get(i);
                Map<String, Object> message = new LinkedHashMap<>();
                message.put("role", turn.role());
                message.put("content", value(contentIds[i], marked));
                if (!turn.toolCalls().isEmpty()) {
                    List<Map<String, Object>> calls = new ArrayList<>();
                    for (int j = 0; j < turn.toolCalls().size(); j++) {
                        ChatTurn.ToolCall call = turn.toolCalls().get(j);
                        Map<String, Object> function = new LinkedHashMap<>();
                        function.put("name", call.name());
                        function.put("arguments", value(argumentIds[i][j], marked));
                        Map<String, Object> entry = new LinkedHashMap<>();
                        if (call.id() != null) {
                            entry.put("id", call.id());
                        }
                        entry.put("type", "function");
                        entry.put("function", function);
                        calls.add(entry);
                    }
                    message.put("tool_calls", calls);
                }
                if (turn.toolCallId() != null) {
                    message.put("tool_call_id", turn.toolCallId());
                }
                if (turn.name() != null) {
                    message.put("name", turn.name());
                }
                messages.add(message);
            }
            return messages;
        }

        List<Object> tools(boolean marked) {
            List<Object> tools = new ArrayList<>(toolIds.length);
            for (int id : toolIds) {
                tools.add(value(id, marked));
            }
            return tools;
        }

        private static Map<String, Object> parseObject(String json, String what) {
            try {
                Object value = JSON.readValue(json, Object.class);
                if (value instanceof Map<?, ?>) {
                    @SuppressWarnings("unchecked")
                    Map<String, Object> map = (Map<String, Object>) value;
                    return map;
                }
            } catch (JsonProcessingException e) {
                // reported below
            }
            throw new IllegalArgumentException(what + " must be a JSON object, not: " + json);
        }
    }

    /**
     * A JSON value given to the template: reads as the map it is; {@code tojson} writes it as Python would
     * (remembering the text, real rendering) or writes its marker (marked rendering).
     */
    static final class JsonData extends LinkedHashMap<String, Object> {
        private final int id;
        private final boolean marked;
        private final Set<String> outputs;

        JsonData(Map<String, Object> value, int id, boolean marked, Set<String> outputs) {
            super(value);
            this.id = id;
            this.marked = marked;
            this.outputs = outputs;
        }

        String toJson(Integer indent) {
            if (marked) {
                return marker(id);
            }
            String json = PythonJson.dumps(this, indent);
            outputs.add(json);
            return json;
        }

        @Override
        public String toString() {
            return marked ? marker(id) : super.toString();
        }
    }

    /** Python's string methods first, then Jinjava's own resolution. */
    private static final jinjava.javax.el.CompositeELResolver RESOLVER = new jinjava.javax.el.CompositeELResolver();

    static {
        RESOLVER.add(new PythonStringMethods());
        RESOLVER.add(com.hubspot.jinjava.el.JinjavaInterpreterResolver.DEFAULT_RESOLVER_READ_WRITE);
    }

    /** Jinja as Hugging Face transformers configures it for chat templates. */
    private static final class JinjaRenderer {
        private final String source;
        private final String unsupported; // the construct that keeps the template from rendering as in Python
        private final String bosToken;
        private final String eosToken;
        private final Jinjava jinjava;
        private final Clock clock;

        JinjaRenderer(String source, String bosToken, String eosToken, Clock clock) {
            String rewritten = null;
            String unsupported = null;
            try {
                rewritten = JinjaSource.forJinjava(source); // where Jinjava parses Python's syntax differently
            } catch (UnsupportedOperationException e) {
                unsupported = e.getMessage();
            }
            this.source = rewritten;
            this.unsupported = unsupported;
            this.bosToken = bosToken == null ? "" : bosToken;
            this.eosToken = eosToken == null ? "" : eosToken;
            this.jinjava = new Jinjava(JinjavaConfig.newBuilder()
                    .withTrimBlocks(true)
                    .withLstripBlocks(false) // done by JinjaSource: Jinjava's strips mid-line too
                    .withFailOnUnknownTokens(false)
                    .withElResolver(RESOLVER)
                    .withExecutionMode(PYTHON_OUTPUT)
                    // macros that call themselves (schema printers: Gemma 4, GigaChat); Jinjava renders nothing
                    // for such a call by default. Deep enough for schemas nested as deep as the adapter accepts.
                    .withEnableRecursiveMacroCalls(true)
                    .withMaxMacroRecursionDepth(MAX_MACRO_DEPTH)
                    .withLegacyOverrides(LegacyOverrides.newBuilder() // Python Jinja's behaviour where they differ
                            .withUseTrimmingForNotesAndExpressions(true)
                            .withParseWhitespaceControlStrictly(true)
                            .withUseNaturalOperatorPrecedence(true)
                            .withEvaluateMapKeys(true)
                            .withIterateOverMapKeys(true)
                            .withKeepNullableLoopValues(true)
                            .withUsePyishObjectMapper(true)
                            .build())
                    .build());
            jinjava.getGlobalContext().registerFunction(new ELFunctionDefinition("", "raise_exception",
                    JinjaFunctions.class, "raiseException", String.class));
            jinjava.getGlobalContext().registerFunction(new ELFunctionDefinition("", "strftime_now",
                    JinjaFunctions.class, "strftimeNow", String.class));
            jinjava.getGlobalContext().registerFilter(new ToJson());
            jinjava.getGlobalContext().registerFilter(new Items());
            jinjava.getGlobalContext().registerFilter(new Trim());
            jinjava.getGlobalContext().registerExpTest(new IsIterable());
            jinjava.getGlobalContext().registerTag(new GenerationTag());
            this.clock = clock;
        }

        String render(List<Map<String, Object>> messages, List<Object> tools, boolean addGenerationPrompt) {
            if (unsupported != null) {
                throw new UnsupportedTemplateException("the model's Jinja chat template could not be rendered ("
                        + unsupported + ")");
            }
            Map<String, Object> context = new HashMap<>();
            context.put("messages", messages);
            if (!tools.isEmpty()) {
                context.put("tools", tools);
            }
            context.put("add_generation_prompt", addGenerationPrompt);
            context.put("bos_token", bosToken);
            context.put("eos_token", eosToken);
            context.put(JinjaFunctions.CLOCK, clock);
            context.put("strftime_now", "strftime_now"); // "strftime_now is defined": functions are not variables
            RenderResult result = jinjava.renderForResult(source, context);
            for (TemplateError error : result.getErrors()) {
                for (Throwable t = error.getException(); t != null; t = t.getCause()) {
                    if (t instanceof TemplateRefusal refusal) {
                        throw new IllegalArgumentException("the model's chat template refused the conversation: "
                                + refusal.getMessage());
                    }
                }
                // Jinjava only warns when a macro recurses too deep, and writes nothing for the call
                boolean tooDeep = error.getMessage() != null && error.getMessage().startsWith("Max recursion limit");
                if (error.getSeverity() == TemplateError.ErrorType.FATAL || tooDeep) {
                    throw new UnsupportedTemplateException("the model's Jinja chat template could not be rendered ("
                            + error.getMessage() + ")");
                }
            }
            return result.getOutput();
        }
    }

    /** Hugging Face's {@code tojson}: Python's json.dumps (ensure_ascii=False), with an optional indent. */
    private static final class ToJson implements Filter {
        @Override
        public String getName() {
            return "tojson";
        }

        @Override
        public Object filter(Object var, JinjavaInterpreter interpreter, Object[] args, Map<String, Object> kwargs) {
            Object indentArg = kwargs.containsKey("indent") ? kwargs.get("indent") : args.length > 0 ? args[0] : null;
            Integer indent = indentArg == null ? null
                    : indentArg instanceof Number number ? number.intValue() : Integer.valueOf(indentArg.toString());
            Object value = var instanceof PyMap wrapped ? wrapped.toMap() : var; // Jinjava wraps maps it hands out
            return value instanceof JsonData data ? data.toJson(indent) : PythonJson.dumps(value, indent);
        }

        @Override
        public Object filter(Object var, JinjavaInterpreter interpreter, String... args) {
            return filter(var, interpreter, args, Map.of());
        }
    }

    private static final int MAX_MACRO_DEPTH = 200;

    /** Writes {@code {{ ... }}} values as Python does where Jinjava differs: a boolean as True or False. */
    private static final ExecutionMode PYTHON_OUTPUT = new ExecutionMode() {
        @Override
        public void prepareContext(com.hubspot.jinjava.interpret.Context context) {
            context.setExpressionStrategy(new PythonOutput());
        }
    };

    /** Jinjava's DefaultExpressionStrategy without nested interpretation (Python has none), booleans as Python's. */
    private static final class PythonOutput implements ExpressionStrategy {
        @Override
        public RenderedOutputNode interpretOutput(ExpressionToken token, JinjavaInterpreter interpreter) {
            Object value = interpreter.resolveELExpression(token.getExpr(), token.getLineNumber());
            String text = value instanceof Boolean b ? (b ? "True" : "False") : interpreter.getAsString(value);
            if (interpreter.getContext().isAutoEscape() && !(value instanceof SafeString)) {
                text = EscapeFilter.escapeHtmlEntities(text);
            }
            return new RenderedOutputNode(text);
        }
    }

    /**
     * Jinja's {@code trim}, where Jinjava writes a missing value as "null": Jinjava has one null for Python's None
     * and Undefined, and an undefined value (a parameter without description, say) is what templates trim.
     */
    private static final class Trim implements Filter {
        private final TrimFilter jinjava = new TrimFilter();

        @Override
        public String getName() {
            return "trim";
        }

        @Override
        public Object filter(Object var, JinjavaInterpreter interpreter, String... args) {
            return var == null ? "" : jinjava.filter(var, interpreter, args);
        }
    }

    /** Jinja's {@code items} filter (3.1): a mapping's (key, value) pairs, for {@code for k, v in d|items}. */
    private static final class Items implements Filter {
        @Override
        public String getName() {
            return "items";
        }

        @Override
        public Object filter(Object var, JinjavaInterpreter interpreter, String... args) {
            if (var == null) {
                return List.of();
            }
            if (!(var instanceof Map<?, ?> map)) {
                throw new IllegalArgumentException("the items filter needs a mapping, not " + var.getClass().getSimpleName());
            }
            return new ArrayList<>(map.entrySet());
        }
    }

    /** Python's {@code iterable} test: strings are iterable too (Llama 3.1 writes a string result with tojson). */
    private static final class IsIterable implements com.hubspot.jinjava.lib.exptest.ExpTest {
        @Override
        public String getName() {
            return "iterable";
        }

        @Override
        public boolean evaluate(Object var, JinjavaInterpreter interpreter, Object... args) {
            return var instanceof Iterable<?> || var instanceof Map<?, ?> || var instanceof CharSequence
                    || var != null && var.getClass().isArray();
        }
    }

    /** transformers' {@code {% generation %}} block (marks the assistant's text for training): renders its body. */
    private static final class GenerationTag implements Tag {
        @Override
        public String getName() {
            return "generation";
        }

        @Override
        public String getEndTagName() {
            return "endgeneration";
        }

        @Override
        public String interpret(TagNode tagNode, JinjavaInterpreter interpreter) {
            StringBuilder out = new StringBuilder();
            for (Node child : tagNode.getChildren()) {
                out.append(child.render(interpreter).getValue());
            }
            return out.toString();
        }
    }

    /** Functions that Hugging Face chat templates call. */
    public static final class JinjaFunctions {
        static final String CLOCK = "__moi_clock__";

        private JinjaFunctions() {
        }

        /** {@code strftime_now(format)}: the current time in a C strftime format (the common directives). */
        public static String strftimeNow(String format) {
            Object clock = JinjavaInterpreter.getCurrent() == null ? null
                    : JinjavaInterpreter.getCurrent().getContext().get(CLOCK);
            LocalDateTime now = LocalDateTime.now(clock instanceof Clock c ? c : Clock.systemDefaultZone());
            StringBuilder out = new StringBuilder();
            for (int i = 0; i < format.length(); i++) {
                char c = format.charAt(i);
                if (c != '%' || i + 1 == format.length()) {
                    out.append(c);
                    continue;
                }
                char directive = format.charAt(++i);
                String pattern = switch (directive) {
                    case 'd' -> "dd";
                    case 'm' -> "MM";
                    case 'Y' -> "yyyy";
                    case 'y' -> "yy";
                    case 'b' -> "MMM";
                    case 'B' -> "MMMM";
                    case 'a' -> "EEE";
                    case 'A' -> "EEEE";
                    case 'H' -> "HH";
                    case 'I' -> "hh";
                    case 'M' -> "mm";
                    case 'S' -> "ss";
                    case 'p' -> "a";
                    case 'j' -> "DDD";
                    case '%' -> null;
                    default -> throw new TemplateRefusal("strftime_now: the directive %" + directive
                            + " is not supported");
                };
                out.append(pattern == null ? "%" : DateTimeFormatter.ofPattern(pattern, Locale.ROOT).format(now));
            }
            return out.toString();
        }

        /** {@code raise_exception(message)}: the template refuses the conversation. */
        public static Object raiseException(String message) {
            throw new TemplateRefusal(message);
        }
    }

    /** Thrown by {@code raise_exception}: the conversation is wrong for this model (not the template). */
    private static final class TemplateRefusal extends RuntimeException {
        TemplateRefusal(String message) {
            super(message);
        }
    }

    /** A template that the Jinja engine cannot render (a feature it lacks, or a broken template). */
    static final class UnsupportedTemplateException extends MoiEngineException {
        UnsupportedTemplateException(String message) {
            super(message);
        }
    }
}
