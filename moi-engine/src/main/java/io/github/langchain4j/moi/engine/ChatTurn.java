package io.github.langchain4j.moi.engine;

import java.util.List;
import java.util.Objects;

/**
 * One message for the model's chat template, in the shape Hugging Face chat templates read: a role
 * ("system", "user", "assistant", "tool", or a template's own such as "ipython") and its text; an assistant
 * turn may carry tool calls, a tool turn the id and name of the call it answers. Contents, tool-call arguments
 * and tool results are data: the template places them, they never become control tokens.
 *
 * @param toolCalls  the calls an assistant turn made (empty for others)
 * @param toolCallId for a tool result: the id of the call it answers, or null
 * @param name       for a tool result: the name of the tool, or null
 */
public record ChatTurn(String role, String content, List<ToolCall> toolCalls, String toolCallId, String name) {

    public ChatTurn {
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(content, "content");
        toolCalls = toolCalls == null ? List.of() : List.copyOf(toolCalls);
    }

    /** A turn of text only. */
    public ChatTurn(String role, String content) {
        this(role, content, List.of(), null, null);
    }

    /**
     * One tool call of an assistant turn.
     *
     * @param id        the call's id, or null
     * @param arguments the arguments, a JSON object
     */
    public record ToolCall(String id, String name, String arguments) {
        public ToolCall {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(arguments, "arguments");
        }
    }
}
