package io.github.langchain4j.moi;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.model.chat.response.CompleteToolCall;
import dev.langchain4j.model.chat.response.PartialToolCall;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Reads a model's answer as it is generated: plain text, or one or more tool calls in the model's
 * {@link ToolCallFormat}: JSON objects {@code {"name": ..., "arguments": ...}} (Llama 3.x: {@code "parameters"}),
 * each in {@code <tool_call>} tags, together in a {@code ```json} block, bare, after {@code <|python_tag|>}, or
 * in a {@code [TOOL_CALLS] [...]} list.
 *
 * <p>Feed it text with {@link #accept(String)} (one chunk at a time while streaming, or the whole answer) and
 * call {@link #finish()} at the end. Text is passed on as soon as it cannot be the start of a tool call; a
 * tool call's arguments are passed on as they grow (whitespace held back until something visible follows),
 * and each call is reported complete once its JSON object is closed. The concatenated partial
 * arguments of a call equal its final arguments exactly. A tool that takes no arguments gets one partial
 * call with its whole arguments.
 */
final class AnswerParser {

    /** Receives what the parser reads. */
    public interface Listener {

        default void onText(String text) {
        }

        default void onPartialToolCall(PartialToolCall partialToolCall) {
        }

        default void onCompleteToolCall(CompleteToolCall completeToolCall) {
        }
    }

    private enum Mode { UNDECIDED, TEXT, TOOLS }

    private final Listener listener;
    /** What may stand between calls and around them. */
    private final List<String> markers;
    private final String argumentsKey;
    private final List<String> callStarts;
    private final Supplier<String> ids;
    private final Set<String> toolsWithoutArguments;
    private final StringBuilder text = new StringBuilder();
    private final StringBuilder calls = new StringBuilder();
    private final List<ToolExecutionRequest> requests = new ArrayList<>();
    private Mode mode;
    private int position;   // in calls: where the next call is looked for
    private Call current;   // the call being read, or null

    /**
     * @param textAllowed           the answer may be plain text
     * @param callStarts            how an answer that is tool calls starts (empty: no tool calls)
     * @param toolsWithoutArguments names of tools whose arguments are always {@code {}}
     * @param ids                   makes the id of each tool call
     */
    AnswerParser(boolean textAllowed, List<String> callStarts, Set<String> toolsWithoutArguments,
                 Supplier<String> ids, Listener listener) {
        this(ToolCallFormat.HERMES, textAllowed, callStarts, toolsWithoutArguments, ids, listener);
    }

    /** @param format the tool-call format the answer is in */
    AnswerParser(ToolCallFormat format, boolean textAllowed, List<String> callStarts, Set<String> toolsWithoutArguments,
                 Supplier<String> ids, Listener listener) {
        this.markers = format.markers();
        this.argumentsKey = format.argumentsKey();
        if (!textAllowed && callStarts.isEmpty()) {
            throw new IllegalArgumentException("an answer must allow text or tool calls");
        }
        this.mode = callStarts.isEmpty() ? Mode.TEXT : !textAllowed ? Mode.TOOLS : Mode.UNDECIDED;
        this.callStarts = List.copyOf(callStarts);
        this.toolsWithoutArguments = Set.copyOf(toolsWithoutArguments);
        this.ids = ids;
        this.listener = listener;
    }

    /** Reads the next piece of the answer. */
    public void accept(String chunk) {
        if (chunk.isEmpty()) {
            return;
        }
        switch (mode) {
            case TEXT -> emitText(chunk);
            case TOOLS -> {
                calls.append(chunk);
                readCalls(false);
            }
            case UNDECIDED -> {
                text.append(chunk);
                String start = text.toString();
                if (callStarts.stream().anyMatch(start::startsWith)) {
                    mode = Mode.TOOLS;
                    text.setLength(0);
                    accept(start);
                } else if (callStarts.stream().noneMatch(callStart -> callStart.startsWith(start))) {
                    mode = Mode.TEXT;
                    text.setLength(0);
                    emitText(start);
                }
            }
        }
    }

    /** Reads what is left: text held back is passed on; a tool call cut off before its end is dropped. */
    public void finish() {
        if (mode == Mode.UNDECIDED) {
            String held = text.toString();
            text.setLength(0);
            mode = Mode.TEXT;
            emitText(held);
        } else if (mode == Mode.TOOLS) {
            readCalls(true);
        }
    }

    /** The plain-text answer; null if the answer was tool calls, empty if it was cut off before one was complete. */
    public String text() {
        return mode == Mode.TOOLS && !requests.isEmpty() ? null : text.toString();
    }

    /** The complete tool calls read so far, in order. */
    public List<ToolExecutionRequest> toolExecutionRequests() {
        return List.copyOf(requests);
    }

    private void emitText(String chunk) {
        if (!chunk.isEmpty()) {
            text.append(chunk);
            listener.onText(chunk);
        }
    }

    private void readCalls(boolean atEnd) {
        while (true) {
            if (current == null) {
                int start = skipMarkers(atEnd);
                if (start < 0 || start == calls.length()) {
                    return; // more to come, or the end
                }
                if (calls.charAt(start) != '{') {
                    throw malformed("expected a tool call", start);
                }
                current = new Call(requests.size(), ids.get(), start);
            }
            Scan scan = Scan.of(calls, current.objectStart, argumentsKey);
            if (scan.error != null) {
                throw malformed(scan.error, scan.errorAt);
            }
            if (scan.name != null && current.name == null) {
                current.name = scan.name;
            }
            emitPartialArguments(scan);
            if (scan.end < 0) {
                return;
            }
            completeCall(scan);
            position = scan.end;
        }
    }

    /**
     * Skips whitespace and the tags or fences around calls from {@link #position}; returns where the next call
     * may start, or -1 while what is there may still become a marker.
     */
    private int skipMarkers(boolean atEnd) {
        int i = position;
        while (true) {
            i = skipWhitespace(calls, i);
            String rest = calls.substring(i, Math.min(calls.length(), i + 16));
            if (!atEnd && markers.stream().anyMatch(marker -> marker.length() > rest.length()
                    && marker.startsWith(rest) && !rest.isEmpty())) {
                return -1;
            }
            String marker = markers.stream().filter(rest::startsWith).findFirst().orElse(null);
            if (marker == null) {
                position = i;
                return i;
            }
            i += marker.length();
        }
    }

    private void emitPartialArguments(Scan scan) {
        if (current.name == null || scan.argumentsStart < 0) {
            return;
        }
        boolean complete = scan.argumentsEnd >= 0;
        if (toolsWithoutArguments.contains(current.name) && !complete) {
            return;
        }
        int from = scan.argumentsStart + current.argumentsSent;
        int to = complete ? scan.argumentsEnd : calls.length();
        String piece = from < to ? calls.substring(from, to) : "";
        if (!piece.isBlank()) {
            current.argumentsSent += piece.length();
            listener.onPartialToolCall(PartialToolCall.builder()
                    .index(current.index)
                    .id(current.id)
                    .name(current.name)
                    .partialArguments(piece)
                    .build());
        }
    }

    private void completeCall(Scan scan) {
        if (current.name == null) {
            throw malformed("a tool call without a \"name\"", current.objectStart);
        }
        String arguments = scan.argumentsStart < 0 ? "{}" : calls.substring(scan.argumentsStart, scan.argumentsEnd);
        ToolExecutionRequest request = ToolExecutionRequest.builder()
                .id(current.id)
                .name(current.name)
                .arguments(arguments)
                .build();
        requests.add(request);
        listener.onCompleteToolCall(new CompleteToolCall(current.index, request));
        current = null;
    }

    private MoiException malformed(String problem, int at) {
        String context = calls.substring(Math.max(0, at - 40), Math.min(calls.length(), at + 40));
        return new MoiException("the model wrote a malformed tool call (" + problem + " at offset " + at
                + "): ..." + context + "...");
    }

    private static int skipWhitespace(CharSequence s, int i) {
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
            i++;
        }
        return i;
    }

    private static final class Call {
        final int index;
        final String id;
        final int objectStart;
        String name;
        int argumentsSent;

        Call(int index, String id, int objectStart) {
            this.index = index;
            this.id = id;
            this.objectStart = objectStart;
        }
    }

    /**
     * What is known of one call object {@code {"name": ..., argumentsKey: ...}} read from {@code from}; -1 for
     * what has not been read yet.
     */
    static final class Scan {
        String name;
        int argumentsStart = -1;
        int argumentsEnd = -1;
        int end = -1;
        String error;
        int errorAt;

        static Scan of(CharSequence s, int from, String argumentsKey) {
            Scan scan = new Scan();
            int i = skipWhitespace(s, from);
            if (i == s.length()) {
                return scan;
            }
            if (s.charAt(i) != '{') {
                return scan.fail("expected '{'", i);
            }
            i++;
            while (true) {
                i = skipWhitespace(s, i);
                if (i == s.length()) {
                    return scan;
                }
                char c = s.charAt(i);
                if (c == '}') {
                    scan.end = i + 1;
                    return scan;
                }
                if (c == ',') {
                    i++;
                    continue;
                }
                if (c != '"') {
                    return scan.fail("expected a key", i);
                }
                int keyEnd = endOfString(s, i);
                if (keyEnd < 0) {
                    return scan;
                }
                String key = JsonText.unquote(s.subSequence(i, keyEnd).toString());
                i = skipWhitespace(s, keyEnd);
                if (i == s.length()) {
                    return scan;
                }
                if (s.charAt(i) != ':') {
                    return scan.fail("expected ':'", i);
                }
                i = skipWhitespace(s, i + 1);
                if (i == s.length()) {
                    return scan;
                }
                boolean arguments = key.equals(argumentsKey);
                if (arguments) {
                    scan.argumentsStart = i;
                }
                int valueEnd = endOfValue(s, i);
                if (valueEnd == -2) {
                    return scan.fail("malformed value", i);
                }
                if (valueEnd < 0) {
                    return scan;
                }
                if (key.equals("name")) {
                    if (s.charAt(i) != '"') {
                        return scan.fail("the name must be a string", i);
                    }
                    scan.name = JsonText.unquote(s.subSequence(i, valueEnd).toString());
                } else if (arguments) {
                    scan.argumentsEnd = valueEnd;
                }
                i = valueEnd;
            }
        }

        private Scan fail(String problem, int at) {
            error = problem;
            errorAt = at;
            return this;
        }

        /** Index after the closing quote of the string starting at {@code i}, or -1 if not closed yet. */
        private static int endOfString(CharSequence s, int i) {
            for (int j = i + 1; j < s.length(); j++) {
                char c = s.charAt(j);
                if (c == '\\') {
                    j++;
                } else if (c == '"') {
                    return j + 1;
                }
            }
            return -1;
        }

        /** Index after the JSON value starting at {@code i}; -1 if not complete yet, -2 if malformed. */
        private static int endOfValue(CharSequence s, int i) {
            char c = s.charAt(i);
            if (c == '"') {
                return endOfString(s, i);
            }
            if (c == '{' || c == '[') {
                int depth = 0;
                for (int j = i; j < s.length(); j++) {
                    char d = s.charAt(j);
                    if (d == '"') {
                        j = endOfString(s, j);
                        if (j < 0) {
                            return -1;
                        }
                        j--;
                    } else if (d == '{' || d == '[') {
                        depth++;
                    } else if (d == '}' || d == ']') {
                        depth--;
                        if (depth == 0) {
                            return j + 1;
                        }
                    }
                }
                return -1;
            }
            if (c == '}' || c == ']' || c == ',' || c == ':') {
                return -2;
            }
            for (int j = i; j < s.length(); j++) {
                char d = s.charAt(j);
                if (d == ',' || d == '}' || d == ']' || Character.isWhitespace(d)) {
                    return j;
                }
            }
            return -1;
        }
    }
}
