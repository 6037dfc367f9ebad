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
 * What one chat request becomes for the engine: the conversation as chat-template turns (tools and the
 * answer's JSON schema described in the system message), the grammar that constrains the answer, and the
 * parser that reads the answer back.
 */
final class ChatPrompt {

    /** The system message used when the conversation has none but tools or a JSON schema must be described. */
    static final String DEFAULT_SYSTEM_MESSAGE = "You are a helpful assistant.";

    private static final Supplier<String> IDS =
            () -> "call_" + UUID.randomUUID().toString().replace("-", "").substring(0, 24);

    private final List<ChatTurn> turns;
    private final String grammar;
    private final boolean textAllowed;
    private final List<String> callStarts;
    private final Set<String> toolsWithoutArguments;

    private ChatPrompt(List<ChatTurn> turns, String grammar, boolean textAllowed, List<String> callStarts,
                       Set<String> toolsWithoutArguments) {
        this.turns = List.copyOf(turns);
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
        }
        boolean toolsInPlay = !tools.isEmpty() && toolChoice != NONE;
        // Right after tool results, the tools just called are not callable (with AUTO): small models otherwise
        // repeat the call they just got the answer to, again and again.
        Set<String> justAnswered = toolChoice == REQUIRED ? Set.of() : toolsAnsweredLast(messages);
        List<ToolSpecification> callable = tools.stream().filter(tool -> !justAnswered.contains(tool.name())).toList();
        boolean offerTools = toolsInPlay && !callable.isEmpty();
        ResponseFormat format = parameters.responseFormat();
        boolean json = format != null && format.type() == ResponseFormatType.JSON;
        JsonNode schema = json && format.jsonSchema() != null ? toSchemaTree(format) : null;

        GrammarBuilder grammar = new GrammarBuilder();
        String answer = !json ? null
                : schema != null ? new JsonSchemaGrammar(grammar, schema).toRule(schema, "answer")
                : grammar.json(GrammarBuilder.JSON_OBJECT);
        // a bare JSON object is a tool call, unless it is the JSON answer
        boolean bareCalls = answer == null || toolChoice == REQUIRED;
        List<String> callStarts = toolsInPlay ? ToolCallFormat.toCallStarts(bareCalls) : List.of();
        String calls = offerTools ? ToolCallFormat.toGrammar(grammar, callable, bareCalls) : null;
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
        if (offerTools) { // only the callable ones: with tools described, the default model does not answer
            systemAddition.append(ToolCallFormat.toSystemSection(callable));
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
                toChatTurns(messages, systemAddition.toString()),
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

    /** The GBNF grammar the answer must follow (already validated), or null for free text. */
    public String grammar() {
        return grammar;
    }

    /** A parser for the answer to this prompt; tool calls get fresh ids. */
    public AnswerParser newAnswerParser(AnswerParser.Listener listener) {
        return newAnswerParser(listener, IDS);
    }

    AnswerParser newAnswerParser(AnswerParser.Listener listener, Supplier<String> ids) {
        return new AnswerParser(textAllowed, callStarts, toolsWithoutArguments, ids, listener);
    }

    /**
     * Maps LangChain4j messages to chat-template turns; {@code systemAddition} (tool descriptions, answer
     * format) is appended to the first system message, or to a default one.
     */
    static List<ChatTurn> toChatTurns(List<ChatMessage> messages, String systemAddition) {
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
            } else if (message instanceof AiMessage ai) {
                String content = ai.hasToolExecutionRequests()
                        ? ToolCallFormat.toAssistantContent(ai.text(), ai.toolExecutionRequests())
                        : ai.text() == null ? "" : ai.text();
                turns.add(new ChatTurn("assistant", content));
            } else if (message instanceof ToolExecutionResultMessage result) {
                toolResults.add(result.text() == null ? "" : result.text());
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
