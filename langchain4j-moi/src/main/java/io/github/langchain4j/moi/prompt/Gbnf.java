package io.github.langchain4j.moi.prompt;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * GBNF (llama.cpp's grammar format) as this library writes and checks it. Internal API.
 *
 * <p>{@link #validate(String)} parses a grammar with the syntax of the llama.cpp build this library runs on
 * (b4916) and rejects what that parser would reject or silently mis-handle: llama.cpp's grammar sampler
 * reports a grammar it cannot parse only on stderr and then constrains nothing, so every grammar is checked
 * here before it reaches native code.
 */
public final class Gbnf {

    /** llama.cpp's limit on repetition counts ({@code MAX_REPETITION_THRESHOLD}). */
    static final int MAX_REPETITIONS = 2000;

    private Gbnf() {
    }

    /**
     * Checks a grammar: its syntax (rules, literals, escapes, character classes, groups, repetitions),
     * a {@code root} rule, every referenced rule defined exactly once, repetition counts in range and no
     * left recursion.
     *
     * @throws IllegalArgumentException naming the first problem found and where
     */
    public static void validate(String grammar) {
        if (grammar == null || grammar.isBlank()) {
            throw new IllegalArgumentException("invalid grammar: it is empty");
        }
        Map<String, Node.Alt> rules = new Parser(grammar).parseRules();
        if (!rules.containsKey("root")) {
            throw new IllegalArgumentException("invalid grammar: no 'root' rule");
        }
        for (Map.Entry<String, Node.Alt> rule : rules.entrySet()) {
            Set<String> refs = new LinkedHashSet<>();
            rule.getValue().collectRefs(refs);
            for (String ref : refs) {
                if (!rules.containsKey(ref)) {
                    throw new IllegalArgumentException(
                            "invalid grammar: rule '" + rule.getKey() + "' refers to undefined rule '" + ref + "'");
                }
            }
        }
        checkNoLeftRecursion(rules);
    }

    /** A GBNF string literal matching {@code text} exactly. */
    static String literal(String text) {
        StringBuilder sb = new StringBuilder(text.length() + 2).append('"');
        text.codePoints().forEach(cp -> {
            switch (cp) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (cp < 0x20 || cp == 0x7F) {
                        sb.append(String.format("\\x%02X", cp));
                    } else {
                        sb.appendCodePoint(cp);
                    }
                }
            }
        });
        return sb.append('"').toString();
    }

    /** One character escaped for use inside a GBNF character class. */
    static String classChar(char c) {
        return switch (c) {
            case '\\', ']', '[', '-', '^' -> "\\" + c;
            case '\n' -> "\\n";
            case '\r' -> "\\r";
            case '\t' -> "\\t";
            default -> c < 0x20 ? String.format("\\x%02X", (int) c) : String.valueOf(c);
        };
    }

    /** A valid rule name made from {@code hint}: llama.cpp allows only letters, digits and '-'. */
    static String ruleName(String hint) {
        StringBuilder sb = new StringBuilder();
        for (char c : hint.toCharArray()) {
            boolean word = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
            sb.append(word ? c : '-');
        }
        return sb.length() == 0 ? "r" : sb.toString();
    }

    // ---- left recursion ----

    private static void checkNoLeftRecursion(Map<String, Node.Alt> rules) {
        Set<String> nullable = new HashSet<>();
        boolean changed = true;
        while (changed) {
            changed = false;
            for (Map.Entry<String, Node.Alt> rule : rules.entrySet()) {
                if (!nullable.contains(rule.getKey()) && rule.getValue().nullable(nullable)) {
                    nullable.add(rule.getKey());
                    changed = true;
                }
            }
        }
        Map<String, Set<String>> first = new HashMap<>();
        rules.forEach((name, body) -> {
            Set<String> refs = new LinkedHashSet<>();
            body.collectFirstRefs(refs, nullable);
            first.put(name, refs);
        });
        // depth-first search for a cycle in the "may start with" graph
        Map<String, Integer> state = new HashMap<>(); // 1 = on the path, 2 = done
        for (String start : rules.keySet()) {
            Deque<String> path = new ArrayDeque<>();
            findCycle(start, first, state, path);
        }
    }

    private static void findCycle(String rule, Map<String, Set<String>> first, Map<String, Integer> state,
                                  Deque<String> path) {
        Integer s = state.get(rule);
        if (s != null && s == 2) {
            return;
        }
        if (s != null) {
            List<String> cycle = new ArrayList<>();
            boolean in = false;
            for (var it = path.descendingIterator(); it.hasNext(); ) {
                String r = it.next();
                in |= r.equals(rule);
                if (in) {
                    cycle.add(r);
                }
            }
            cycle.add(rule);
            throw new IllegalArgumentException(
                    "invalid grammar: left recursion through rules " + String.join(" -> ", cycle));
        }
        state.put(rule, 1);
        path.push(rule);
        for (String next : first.getOrDefault(rule, Set.of())) {
            findCycle(next, first, state, path);
        }
        path.pop();
        state.put(rule, 2);
    }

    // ---- syntax tree ----

    private interface Node {

        boolean nullable(Set<String> nullableRules);

        void collectRefs(Set<String> refs);

        /** Adds the rules this node may start with. */
        void collectFirstRefs(Set<String> refs, Set<String> nullableRules);

        record Alt(List<List<Node>> alternatives) implements Node {
            public boolean nullable(Set<String> n) {
                return alternatives.stream().anyMatch(seq -> seq.stream().allMatch(node -> node.nullable(n)));
            }

            public void collectRefs(Set<String> refs) {
                alternatives.forEach(seq -> seq.forEach(node -> node.collectRefs(refs)));
            }

            public void collectFirstRefs(Set<String> refs, Set<String> n) {
                for (List<Node> seq : alternatives) {
                    for (Node node : seq) {
                        node.collectFirstRefs(refs, n);
                        if (!node.nullable(n)) {
                            break;
                        }
                    }
                }
            }
        }

        record Terminal(boolean empty) implements Node {
            public boolean nullable(Set<String> n) {
                return empty;
            }

            public void collectRefs(Set<String> refs) {
            }

            public void collectFirstRefs(Set<String> refs, Set<String> n) {
            }
        }

        record Ref(String name) implements Node {
            public boolean nullable(Set<String> n) {
                return n.contains(name);
            }

            public void collectRefs(Set<String> refs) {
                refs.add(name);
            }

            public void collectFirstRefs(Set<String> refs, Set<String> n) {
                refs.add(name);
            }
        }

        record Repeat(Node node, long min) implements Node {
            public boolean nullable(Set<String> n) {
                return min == 0 || node.nullable(n);
            }

            public void collectRefs(Set<String> refs) {
                node.collectRefs(refs);
            }

            public void collectFirstRefs(Set<String> refs, Set<String> n) {
                node.collectFirstRefs(refs, n);
            }
        }
    }

    // ---- parser: mirrors llama_grammar_parser of llama.cpp b4916 ----

    private static final class Parser {

        private final String src;
        private int pos;

        Parser(String src) {
            this.src = src;
        }

        Map<String, Node.Alt> parseRules() {
            Map<String, Node.Alt> rules = new LinkedHashMap<>();
            skipSpace(true);
            while (pos < src.length()) {
                int start = pos;
                String name = parseName();
                skipSpace(false);
                if (!src.startsWith("::=", pos)) {
                    throw error("expected '::=' after rule name '" + name + "'");
                }
                pos += 3;
                skipSpace(true);
                Node.Alt body = parseAlternates(false);
                if (pos < src.length()) {
                    char c = src.charAt(pos);
                    if (c == '\r') {
                        pos += src.startsWith("\r\n", pos) ? 2 : 1;
                    } else if (c == '\n') {
                        pos++;
                    } else {
                        throw error("unexpected '" + c + "' in rule '" + name + "'");
                    }
                }
                if (rules.put(name, body) != null) {
                    pos = start;
                    throw error("rule '" + name + "' is defined twice");
                }
                skipSpace(true);
            }
            return rules;
        }

        private Node.Alt parseAlternates(boolean nested) {
            List<List<Node>> alternatives = new ArrayList<>();
            alternatives.add(parseSequence(nested));
            while (pos < src.length() && src.charAt(pos) == '|') {
                pos++;
                skipSpace(true);
                alternatives.add(parseSequence(nested));
            }
            return new Node.Alt(alternatives);
        }

        private List<Node> parseSequence(boolean nested) {
            List<Node> seq = new ArrayList<>();
            while (pos < src.length()) {
                char c = src.charAt(pos);
                if (c == '"') {
                    pos++;
                    int chars = 0;
                    while (true) {
                        if (pos >= src.length()) {
                            throw error("unterminated string literal");
                        }
                        if (src.charAt(pos) == '"') {
                            break;
                        }
                        parseChar();
                        chars++;
                    }
                    pos++;
                    seq.add(new Node.Terminal(chars == 0));
                } else if (c == '[') {
                    pos++;
                    if (pos < src.length() && src.charAt(pos) == '^') {
                        pos++;
                    }
                    int items = 0;
                    while (true) {
                        if (pos >= src.length()) {
                            throw error("unterminated character class");
                        }
                        if (src.charAt(pos) == ']') {
                            break;
                        }
                        int low = parseChar();
                        if (pos + 1 < src.length() && src.charAt(pos) == '-' && src.charAt(pos + 1) != ']') {
                            pos++;
                            int high = parseChar();
                            if (high < low) {
                                throw error("character range is reversed");
                            }
                        }
                        items++;
                    }
                    if (items == 0) {
                        throw error("empty character class");
                    }
                    pos++;
                    seq.add(new Node.Terminal(false));
                } else if (isWordChar(c)) {
                    seq.add(new Node.Ref(parseName()));
                } else if (c == '(') {
                    pos++;
                    skipSpace(true);
                    Node.Alt group = parseAlternates(true);
                    if (pos >= src.length() || src.charAt(pos) != ')') {
                        throw error("expected ')'");
                    }
                    pos++;
                    seq.add(group);
                } else if (c == '.') {
                    pos++;
                    seq.add(new Node.Terminal(false));
                } else if (c == '*' || c == '+' || c == '?') {
                    pos++;
                    repeat(seq, c == '+' ? 1 : 0);
                } else if (c == '{') {
                    pos++;
                    skipSpace(nested);
                    long min = parseInt();
                    long max = min;
                    skipSpace(nested);
                    if (pos < src.length() && src.charAt(pos) == ',') {
                        pos++;
                        skipSpace(nested);
                        max = pos < src.length() && isDigit(src.charAt(pos)) ? parseInt() : -1;
                        skipSpace(nested);
                    }
                    if (pos >= src.length() || src.charAt(pos) != '}') {
                        throw error("expected '}' to close a repetition");
                    }
                    pos++;
                    if (min > MAX_REPETITIONS || max > MAX_REPETITIONS) {
                        throw error("repetition count above " + MAX_REPETITIONS);
                    }
                    if (max != -1 && max < min) {
                        throw error("repetition {" + min + "," + max + "} has max < min");
                    }
                    repeat(seq, min);
                } else {
                    break;
                }
                skipSpace(nested);
            }
            return seq;
        }

        private void repeat(List<Node> seq, long min) {
            Node last = seq.isEmpty() ? null : seq.get(seq.size() - 1);
            if (last == null || last instanceof Node.Repeat || (last instanceof Node.Terminal t && t.empty())) {
                throw error("a repetition operator must follow an item");
            }
            seq.set(seq.size() - 1, new Node.Repeat(last, min));
        }

        /** One character of a literal or class; returns its code point. */
        private int parseChar() {
            char c = src.charAt(pos);
            if (c == '\\') {
                if (pos + 1 >= src.length()) {
                    throw error("unterminated escape");
                }
                char e = src.charAt(pos + 1);
                switch (e) {
                    case 'x':
                        return parseHex(2);
                    case 'u':
                        return parseHex(4);
                    case 'U':
                        return parseHex(8);
                    case 't':
                    case 'r':
                    case 'n':
                    case '\\':
                    case '"':
                    case '[':
                    case ']':
                    case '-':
                        pos += 2;
                        return e == 't' ? '\t' : e == 'r' ? '\r' : e == 'n' ? '\n' : e;
                    default:
                        throw error("unknown escape '\\" + e + "'");
                }
            }
            int cp = src.codePointAt(pos);
            pos += Character.charCount(cp);
            return cp;
        }

        private int parseHex(int digits) {
            int start = pos + 2;
            if (start + digits > src.length()) {
                throw error("expected " + digits + " hex digits");
            }
            String hex = src.substring(start, start + digits);
            if (!hex.chars().allMatch(ch -> Character.digit(ch, 16) >= 0)) {
                throw error("expected " + digits + " hex digits");
            }
            pos = start + digits;
            return (int) Long.parseLong(hex, 16);
        }

        private String parseName() {
            int start = pos;
            while (pos < src.length() && isWordChar(src.charAt(pos))) {
                pos++;
            }
            if (pos == start) {
                throw error("expected a rule name");
            }
            return src.substring(start, pos);
        }

        private long parseInt() {
            int start = pos;
            while (pos < src.length() && isDigit(src.charAt(pos))) {
                pos++;
            }
            if (pos == start) {
                throw error("expected a number in a repetition");
            }
            if (pos - start > 9) {
                throw error("repetition count above " + MAX_REPETITIONS);
            }
            return Long.parseLong(src.substring(start, pos));
        }

        private void skipSpace(boolean newlineOk) {
            while (pos < src.length()) {
                char c = src.charAt(pos);
                if (c == '#') {
                    while (pos < src.length() && src.charAt(pos) != '\r' && src.charAt(pos) != '\n') {
                        pos++;
                    }
                } else if (c == ' ' || c == '\t' || (newlineOk && (c == '\r' || c == '\n'))) {
                    pos++;
                } else {
                    return;
                }
            }
        }

        private IllegalArgumentException error(String problem) {
            int line = 1;
            int lineStart = 0;
            for (int i = 0; i < Math.min(pos, src.length()); i++) {
                if (src.charAt(i) == '\n') {
                    line++;
                    lineStart = i + 1;
                }
            }
            int lineEnd = src.indexOf('\n', lineStart);
            String text = src.substring(lineStart, lineEnd < 0 ? src.length() : lineEnd);
            return new IllegalArgumentException("invalid grammar: " + problem + " at line " + line
                    + ", column " + (pos - lineStart + 1) + ": " + text);
        }

        private static boolean isWordChar(char c) {
            return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-' || isDigit(c);
        }

        private static boolean isDigit(char c) {
            return c >= '0' && c <= '9';
        }
    }
}
