package io.github.langchain4j.moi;

import static dev.langchain4j.model.chat.request.ToolChoice.AUTO;
import static dev.langchain4j.model.chat.request.ToolChoice.NONE;
import static dev.langchain4j.model.chat.request.ToolChoice.REQUIRED;

import com.fasterxml.jackson.databind.JsonNode;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.Content;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.TextContent;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.exception.UnsupportedFeatureException;
import dev.langchain4j.internal.ChatRequestValidationUtils;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.request.ResponseFormat;
import dev.langchain4j.model.chat.request.ResponseFormatType;
import dev.langchain4j.model.chat.request.ToolChoice;
import io.github.langchain4j.moi.engine.ChatTurn;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * What one chat request becomes for the engine: the conversation as chat-template turns and tools in the
 * model's own {@link ToolCallFormat} (the answer's JSON schema, and for templates without tool support the
 * tools too, described in the system message), the grammar that constrains the answer, and the parser that
 * reads the answer back.
 */
final class ChatPrompt {

    /** The system message used when the conversation has none but tools or a JSON schema must be described. */
    static final String DEFAULT_SYSTEM_MESSAGE = "You are a helpful assistant.";

    private static final String TOOL_NAME = "[A-Za-z0-9_.-]{1,64}";

    private static final Supplier<String> IDS =
            () -> "call_" + UUID.randomUUID().toString().replace("-", "").substring(0, 24);

    private final List<ChatTurn> turns;
    private final List<String> tools;
    private final ToolCallFormat format;
    private final String grammar;
    private final boolean textAllowed;
    private final List<String> callStarts;
    private final Set<String> toolsWithoutArguments;

    private ChatPrompt(List<ChatTurn> turns, List<String> tools, ToolCallFormat format, String grammar,
                       boolean textAllowed, List<String> callStarts, Set<String> toolsWithoutArguments) {
        this.turns = List.copyOf(turns);
        this.tools = List.copyOf(tools);
        this.format = format;
        this.grammar = grammar;
        this.textAllowed = textAllowed;
        this.callStarts = callStarts;
        this.toolsWithoutArguments = toolsWithoutArguments;
    }

    /**
     * Maps a request. Messages: system, user (text only), AI (text and tool calls) and tool results.
     *
     * @throws UnsupportedFeatureException for content other than text, and for JSON schema features the grammar
     *                                     cannot enforce
     * @throws IllegalArgumentException    for tool choice REQUIRED without tools, or tools with the same name
     */
    public static ChatPrompt from(List<ChatMessage> messages, ChatRequestParameters parameters) {
        return from(messages, parameters, ToolCallFormat.GENERIC_JSON);
    }

    /** Maps a request for a model whose template wants tools in {@code format}. */
    public static ChatPrompt from(List<ChatMessage> messages, ChatRequestParameters parameters, ToolCallFormat format) {
        ToolChoice toolChoice = parameters.toolChoice() == null ? AUTO : parameters.toolChoice();
        List<ToolSpecification> tools =
                parameters.toolSpecifications() == null ? List.of() : parameters.toolSpecifications();
        if (toolChoice == REQUIRED && tools.isEmpty()) {
            throw new IllegalArgumentException("ToolChoice.REQUIRED needs at least one tool specification");
        }
        Set<String> names = new HashSet<>();
        for (ToolSpecification tool : tools) {
            if (!names.add(tool.name())) {
                throw new IllegalArgumentException("two tools are named '" + tool.name() + "'");
            }
            if (!tool.name().matches(TOOL_NAME)) { // templates write names as markup: no room for control tokens
                throw new IllegalArgumentException("tool name '" + tool.name() + "' is not supported: a tool name "
                        + "must be 1 to 64 letters, digits, '_', '-' or '.'");
            }
        }
        boolean toolsInPlay = !tools.isEmpty() && toolChoice != NONE;
        // Right after tool results, the tools just called are not callable (with AUTO): small models otherwise
        // repeat the call they just got the answer to, again and again.
        Set<String> justAnswered = toolChoice == REQUIRED ? Set.of() : toolsAnsweredLast(messages);
        List<ToolSpecification> callable = tools.stream().filter(tool -> !justAnswered.contains(tool.name())).toList();
        boolean offerTools = toolsInPlay && !callable.isEmpty();
        ResponseFormat responseFormat = parameters.responseFormat();
        boolean json = responseFormat != null && responseFormat.type() == ResponseFormatType.JSON;
        JsonNode schema = json && responseFormat.jsonSchema() != null ? toSchemaTree(responseFormat) : null;

        GrammarBuilder grammar = new GrammarBuilder();
        String answer = !json ? null
                : schema != null ? new JsonSchemaGrammar(grammar, schema).toRule(schema, "answer")
                : grammar.json(GrammarBuilder.JSON_OBJECT);
        // a bare JSON object is a tool call, unless it is the JSON answer
        boolean bareCalls = answer == null || toolChoice == REQUIRED;
        if (format == ToolCallFormat.LLAMA3_JSON && answer != null && toolsInPlay && toolChoice != REQUIRED) {
            throw new UnsupportedFeatureException("a JSON response format together with tools (tool choice AUTO) is "
                    + "not supported for this model: its tool calls are bare JSON objects too, so a call and a JSON "
                    + "answer could not be told apart");
        }
        List<String> callStarts = toolsInPlay ? format.toCallStarts(bareCalls) : List.of();
        String calls = offerTools ? format.toGrammar(grammar, callable, bareCalls) : null;
        String root;
        if (offerTools && toolChoice == REQUIRED) {
            root = calls;
        } else {
            // where tools are in play, a text answer must not start like a call (even when none is callable now:
            // the model would write one as text)
            String textAnswer = answer != null ? answer
                    : toolsInPlay ? ToolCallFormat.toPlainTextGrammar(grammar, callStarts) : null;
            root = offerTools ? calls + " | " + textAnswer : textAnswer;
        }

        StringBuilder systemAddition = new StringBuilder();
        List<String> templateTools = new ArrayList<>();
        if (offerTools) { // only the callable ones: with tools described, the default model does not answer
            if (format.usesTemplateTools()) {
                callable.forEach(tool -> templateTools.add(ToolCallFormat.toToolJson(tool)));
            } else {
                systemAddition.append(ToolCallFormat.toSystemSection(callable));
            }
        }
        if (json && toolChoice != REQUIRED) {
            systemAddition.append(offerTools ? "\n\nWhen you do not call a function, respond" : "\n\nRespond");
            systemAddition.append(schema != null
                    ? " with a JSON object that matches this JSON schema:\n" + JsonText.dumps(schema)
                    : " with a JSON object.");
        }
        Set<String> toolsWithoutArguments = tools.stream()
                .filter(ToolCallFormat::takesNoArguments)
                .map(ToolSpecification::name)
                .collect(Collectors.toUnmodifiableSet());
        return new ChatPrompt(
                toChatTurns(messages, systemAddition.toString(), format),
                templateTools,
                format,
                root == null ? null : grammar.build(root),
                !(offerTools && toolChoice == REQUIRED),
                offerTools ? callStarts : List.of(),
                toolsWithoutArguments);
    }

    private static Set<String> toolsAnsweredLast(List<ChatMessage> messages) {
        Set<String> names = new HashSet<>();
        for (int i = messages.size() - 1; i >= 0 && messages.get(i) instanceof ToolExecutionResultMessage; i--) {
            names.add(((ToolExecutionResultMessage) messages.get(i)).toolName());
        }
        return names;
    }

    /** The conversation, ready for the model's chat template. */
    public List<ChatTurn> turns() {
        return turns;
    }

    /** The tools for the template's {@code tools} variable (JSON objects), empty when described as text. */
    public List<String> tools() {
        return tools;
    }

    /** The GBNF grammar the answer must follow (already validated), or null for free text. */
    public String grammar() {
        return grammar;
    }

    /** A parser for the answer to this prompt; tool calls get fresh ids. */
    public AnswerParser newAnswerParser(AnswerParser.Listener listener) {
        return newAnswerParser(listener, IDS);
    }

    AnswerParser newAnswerParser(AnswerParser.Listener listener, Supplier<String> ids) {
        return new AnswerParser(format, textAllowed, callStarts, toolsWithoutArguments, () -> format.newCallId(ids),
                listener);
    }

    static List<ChatTurn> toChatTurns(List<ChatMessage> messages, String systemAddition) {
        return toChatTurns(messages, systemAddition, ToolCallFormat.GENERIC_JSON);
    }

    /**
     * Maps LangChain4j messages to chat-template turns; {@code systemAddition} (tool descriptions, answer
     * format) is appended to the first system message, or to a default one. Past calls and their results
     * become {@code tool_calls} and {@code tool} turns where the format passes them to the template, else
     * text in the Hermes format.
     */
    static List<ChatTurn> toChatTurns(List<ChatMessage> messages, String systemAddition, ToolCallFormat format) {
        ChatRequestValidationUtils.validateMessages(messages);
        List<ChatTurn> turns = new ArrayList<>();
        List<String> toolResults = new ArrayList<>();
        for (ChatMessage message : messages) {
            if (!(message instanceof ToolExecutionResultMessage) && !toolResults.isEmpty()) {
                turns.add(new ChatTurn("user", ToolCallFormat.toToolResponses(toolResults)));
                toolResults.clear();
            }
            if (message instanceof SystemMessage system) {
                turns.add(new ChatTurn("system", system.text()));
            } else if (message instanceof UserMessage user) {
                turns.add(new ChatTurn("user", toText(user)));
            } else if (message instanceof AiMessage ai && ai.hasToolExecutionRequests() && format.usesTemplateTools()) {
                List<ChatTurn.ToolCall> calls = ai.toolExecutionRequests().stream()
                        .map(call -> new ChatTurn.ToolCall(format.toTemplateId(call.id()), call.name(),
                                call.arguments() == null || call.arguments().isBlank() ? "{}" : call.arguments()))
                        .toList();
                turns.add(new ChatTurn("assistant", ai.text() == null ? "" : ai.text(), calls, null, null));
            } else if (message instanceof ToolExecutionResultMessage result && format.usesTemplateTools()) {
                turns.add(new ChatTurn("tool", ToolResults.text(result), List.of(), format.toTemplateId(result.id()),
                        result.toolName()));
            } else if (message instanceof AiMessage ai) {
                String content = ai.hasToolExecutionRequests()
                        ? ToolCallFormat.toAssistantContent(ai.text(), ai.toolExecutionRequests())
                        : ai.text() == null ? "" : ai.text();
                turns.add(new ChatTurn("assistant", content));
            } else if (message instanceof ToolExecutionResultMessage result) {
                toolResults.add(ToolResults.text(result));
            } else {
                throw new UnsupportedFeatureException(String.format(
                        "Messages of type %s are not supported yet by this model provider", message.type()));
            }
        }
        if (!toolResults.isEmpty()) {
            turns.add(new ChatTurn("user", ToolCallFormat.toToolResponses(toolResults)));
        }
        if (!systemAddition.isEmpty()) {
            int system = indexOfFirstSystemTurn(turns);
            if (system < 0) {
                turns.add(0, new ChatTurn("system", DEFAULT_SYSTEM_MESSAGE + systemAddition));
            } else {
                turns.set(system, new ChatTurn("system", turns.get(system).content() + systemAddition));
            }
        }
        return turns;
    }

    private static int indexOfFirstSystemTurn(List<ChatTurn> turns) {
        for (int i = 0; i < turns.size(); i++) {
            if (turns.get(i).role().equals("system")) {
                return i;
            }
        }
        return -1;
    }

    private static String toText(UserMessage user) {
        List<String> texts = new ArrayList<>();
        for (Content content : user.contents()) {
            texts.add(((TextContent) content).text());
        }
        return String.join("\n", texts);
    }

    private static JsonNode toSchemaTree(ResponseFormat format) {
        try {
            return JsonSchemaGrammar.toTree(format.jsonSchema().rootElement());
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("the response format's JSON schema could not be read: "
                    + e.getMessage(), e);
        }
    }
}
