package io.github.langchain4j.moi.engine;

import java.util.List;
import java.util.Objects;

/**
 * Finds stop strings in streamed text without ever emitting a stop string or anything after it.
 *
 * <p>{@link #append} returns the text that is safe to show now: it holds back the longest suffix that could
 * still grow into a stop string. Once a stop string is complete the matcher is {@link #stopped()}; the text
 * before it is returned and nothing more ever is. When several stop strings are complete, the one that starts
 * first wins. Empty stop strings are ignored. Not thread-safe.
 */
final class StopStringMatcher {

    private final List<String> stops;
    private final StringBuilder held = new StringBuilder();
    private boolean stopped;

    public StopStringMatcher(List<String> stopStrings) {
        Objects.requireNonNull(stopStrings, "stopStrings");
        this.stops = stopStrings.stream()
                .map(s -> Objects.requireNonNull(s, "stop string"))
                .filter(s -> !s.isEmpty())
                .toList();
    }

    /** Adds text; returns the part of the stream that can no longer be part of a stop string. */
    public String append(String text) {
        Objects.requireNonNull(text, "text");
        if (stopped) {
            return "";
        }
        if (stops.isEmpty()) {
            return text;
        }
        held.append(text);
        int stopAt = firstMatch();
        if (stopAt >= 0) {
            stopped = true;
            String before = held.substring(0, stopAt);
            held.setLength(0);
            return before;
        }
        int safe = held.length() - longestPartialSuffix();
        String emitted = held.substring(0, safe);
        held.delete(0, safe);
        return emitted;
    }

    /** True once a stop string has appeared in the stream. */
    public boolean stopped() {
        return stopped;
    }

    /** Returns the held-back text at the end of the stream ("" if a stop string matched). */
    public String flush() {
        String rest = held.toString();
        held.setLength(0);
        return rest;
    }

    private int firstMatch() {
        int first = -1;
        for (String stop : stops) {
            int at = held.indexOf(stop);
            if (at >= 0 && (first < 0 || at < first)) {
                first = at;
            }
        }
        return first;
    }

    /** Length of the longest suffix of the held text that is a proper prefix of some stop string. */
    private int longestPartialSuffix() {
        int longest = 0;
        for (String stop : stops) {
            for (int len = Math.min(stop.length() - 1, held.length()); len > longest; len--) {
                if (endsWith(stop, len)) {
                    longest = len;
                    break;
                }
            }
        }
        return longest;
    }

    private boolean endsWith(String stop, int len) {
        int offset = held.length() - len;
        for (int i = 0; i < len; i++) {
            if (held.charAt(offset + i) != stop.charAt(i)) {
                return false;
            }
        }
        return true;
    }
}
