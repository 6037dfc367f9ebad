package io.github.langchain4j.moi.engine;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiPredicate;

/**
 * Checks GBNF grammars (llama.cpp's grammar format) before native code sees them. {@link GenerationRequest}
 * calls it for every grammar, so no front end can hand llama.cpp an unchecked one.
 *
 * <p>It parses with the syntax of the llama.cpp build this library runs on (b4916) and rejects what that
 * parser would reject or silently mis-handle: llama.cpp reports a grammar it cannot parse only on stderr and
 * then constrains nothing. It also rejects what would crash or stall llama.cpp, whose parser and grammar
 * stacks recurse natively (a 20,000-deep nesting or a 200,000-rule chain overflows the thread's stack), and a
 * grammar whose root matches no text at all.
 */
public final class GbnfValidator {

    /** llama.cpp's limit on repetition counts ({@code MAX_REPETITION_THRESHOLD}). */
    public static final int MAX_REPETITIONS = 2000;
    /** Most characters in a grammar. */
    public static final int MAX_LENGTH = 262_144;
    /** Most rules in a grammar. */
    public static final int MAX_RULES = 10_000;
    /** Deepest nesting of parentheses in a rule; llama.cpp's parser overflowed a 1 MiB stack near 2,500. */
    public static final int MAX_NESTING = 100;
    /**
     * Deepest chain of rules, groups and optional items that llama.cpp may enter before matching a character;
     * its grammar stacks recurse once per link and overflowed a 1 MiB stack near 8,000.
     */
    public static final int MAX_START_DEPTH = 1000;

    private GbnfValidator() {
    }

    /**
     * Checks a grammar: its syntax (rules, literals, escapes, character classes, groups, repetitions), a
     * {@code root} rule, every referenced rule defined exactly once, repetition counts in range, no left
     * recursion, the size and depth limits of this class, and that {@code root} matches some text.
     *
     * @throws IllegalArgumentException starting with "invalid grammar", naming the first problem and where
     */
    public static void validate(String grammar) {
        if (grammar == null || grammar.isBlank()) {
            throw new IllegalArgumentException("invalid grammar: it is empty");
        }
        if (grammar.length() > MAX_LENGTH) {
            throw new IllegalArgumentException("invalid grammar: " + grammar.length()
                    + " characters, more than the limit of " + MAX_LENGTH);
        }
        Map<String, Node.Alt> rules = new Parser(grammar).parseRules();
        if (!rules.containsKey("root")) {
            throw new IllegalArgumentException("invalid grammar: no 'root' rule");
        }
        Map<String, Set<String>> referrers = new HashMap<>();
        for (Map.Entry<String, Node.Alt> rule : rules.entrySet()) {
            Set<String> refs = new LinkedHashSet<>();
            rule.getValue().collectRefs(refs);
            for (String ref : refs) {
                if (!rules.containsKey(ref)) {
                    throw new IllegalArgumentException(
                            "invalid grammar: rule '" + rule.getKey() + "' refers to undefined rule '" + ref + "'");
                }
                referrers.computeIfAbsent(ref, k -> new HashSet<>()).add(rule.getKey());
            }
        }
        Set<String> nullable = fixpoint(rules, referrers, Node::nullable);
        List<String> order = startOrder(rules, nullable);
        checkStartDepth(rules, nullable, order);
        if (!fixpoint(rules, referrers, Node::productive).contains("root")) {
            throw new IllegalArgumentException("invalid grammar: rule 'root' matches no text: every alternative "
                    + "needs a character class that matches nothing or a rule that never ends");
        }
    }

    /**
     * The rules for which {@code holds} is true, where it may depend on which rules already are (nullable,
     * productive): a worklist that re-checks only the rules that refer to a rule just added.
     */
    private static Set<String> fixpoint(Map<String, Node.Alt> rules, Map<String, Set<String>> referrers,
                                        BiPredicate<Node, Set<String>> holds) {
        Set<String> result = new HashSet<>();
        Deque<String> work = new ArrayDeque<>(rules.keySet());
        while (!work.isEmpty()) {
            String rule = work.poll();
            if (!result.contains(rule) && holds.test(rules.get(rule), result)) {
                result.add(rule);
                work.addAll(referrers.getOrDefault(rule, Set.of()));
            }
        }
        return result;
    }

    // ---- left recursion and start depth ----

    /**
     * Orders the rules so that every rule comes after the rules it may start with, and rejects left recursion
     * (a cycle in the "may start with" graph). Iterative: a long chain of rules must not overflow Java's stack.
     */
    private static List<String> startOrder(Map<String, Node.Alt> rules, Set<String> nullable) {
        Map<String, Set<String>> first = new HashMap<>();
        rules.forEach((name, body) -> {
            Set<String> refs = new LinkedHashSet<>();
            body.collectFirstRefs(refs, nullable);
            first.put(name, refs);
        });
        List<String> order = new ArrayList<>();
        Set<String> done = new HashSet<>();
        for (String start : rules.keySet()) {
            if (done.contains(start)) {
                continue;
            }
            // the path from start, each rule with an iterator over the rules it may start with
            LinkedHashMap<String, Iterator<String>> path = new LinkedHashMap<>();
            Deque<String> stack = new ArrayDeque<>();
            path.put(start, first.get(start).iterator());
            stack.push(start);
            while (!stack.isEmpty()) {
                String rule = stack.peek();
                Iterator<String> next = path.get(rule);
                if (next.hasNext()) {
                    String ref = next.next();
                    if (path.containsKey(ref)) {
                        List<String> cycle = new ArrayList<>();
                        boolean in = false;
                        for (String r : path.keySet()) {
                            in |= r.equals(ref);
                            if (in) {
                                cycle.add(r);
                            }
                        }
                        cycle.add(ref);
                        throw new IllegalArgumentException(
                                "invalid grammar: left recursion through rules " + String.join(" -> ", cycle));
                    }
                    if (!done.contains(ref)) {
                        path.put(ref, first.get(ref).iterator());
                        stack.push(ref);
                    }
                } else {
                    stack.pop();
                    path.remove(rule);
                    done.add(rule);
                    order.add(rule);
                }
            }
        }
        return order;
    }

    private static void checkStartDepth(Map<String, Node.Alt> rules, Set<String> nullable, List<String> order) {
        Map<String, Integer> depth = new HashMap<>();
        for (String rule : order) {
            int d = 1 + rules.get(rule).startDepth(nullable, depth);
            if (d > MAX_START_DEPTH) {
                throw new IllegalArgumentException("invalid grammar: rule '" + rule + "' nests rules, groups and "
                        + "optional items more than " + MAX_START_DEPTH + " deep before its first character");
            }
            depth.put(rule, d);
        }
    }

    // ---- syntax tree: recursion over it is bounded by MAX_NESTING ----

    private interface Node {

        boolean nullable(Set<String> nullableRules);

        /** Whether it matches some text, given the rules known to. */
        boolean productive(Set<String> productiveRules);

        void collectRefs(Set<String> refs);

        /** Adds the rules this node may start with. */
        void collectFirstRefs(Set<String> refs, Set<String> nullableRules);

        /** How deep llama.cpp's grammar stacks may recurse into this node before a character (an upper bound). */
        int startDepth(Set<String> nullableRules, Map<String, Integer> ruleDepths);

        record Alt(List<List<Node>> alternatives) implements Node {
            public boolean nullable(Set<String> n) {
                return alternatives.stream().anyMatch(seq -> seq.stream().allMatch(node -> node.nullable(n)));
            }

            public boolean productive(Set<String> p) {
                return alternatives.stream().anyMatch(seq -> seq.stream().allMatch(node -> node.productive(p)));
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

            public int startDepth(Set<String> n, Map<String, Integer> ruleDepths) {
                // an item that may be empty is skipped by one more level of recursion into what follows it
                long max = 0;
                for (List<Node> seq : alternatives) {
                    long sum = 0;
                    for (Node node : seq) {
                        sum += node.startDepth(n, ruleDepths);
                        if (!node.nullable(n)) {
                            break;
                        }
                    }
                    max = Math.max(max, sum);
                }
                return (int) Math.min(max, Integer.MAX_VALUE / 4);
            }
        }

        /** A literal, character class or any-character; one with a NUL character, or an empty class, matches nothing. */
        record Terminal(boolean empty, boolean matchesNothing) implements Node {
            public boolean nullable(Set<String> n) {
                return empty;
            }

            public boolean productive(Set<String> p) {
                return !matchesNothing;
            }

            public void collectRefs(Set<String> refs) {
            }

            public void collectFirstRefs(Set<String> refs, Set<String> n) {
            }

            public int startDepth(Set<String> n, Map<String, Integer> ruleDepths) {
                return 0;
            }
        }

        record Ref(String name) implements Node {
            public boolean nullable(Set<String> n) {
                return n.contains(name);
            }

            public boolean productive(Set<String> p) {
                return p.contains(name);
            }

            public void collectRefs(Set<String> refs) {
                refs.add(name);
            }

            public void collectFirstRefs(Set<String> refs, Set<String> n) {
                refs.add(name);
            }

            public int startDepth(Set<String> n, Map<String, Integer> ruleDepths) {
                return ruleDepths.getOrDefault(name, 1);
            }
        }

        /** A group in parentheses: llama.cpp makes it a rule of its own. */
        record Group(Alt body) implements Node {
            public boolean nullable(Set<String> n) {
                return body.nullable(n);
            }

            public boolean productive(Set<String> p) {
                return body.productive(p);
            }

            public void collectRefs(Set<String> refs) {
                body.collectRefs(refs);
            }

            public void collectFirstRefs(Set<String> refs, Set<String> n) {
                body.collectFirstRefs(refs, n);
            }

            public int startDepth(Set<String> n, Map<String, Integer> ruleDepths) {
                return 1 + body.startDepth(n, ruleDepths);
            }
        }

        /** An item repeated at least {@code min} times; llama.cpp writes repetitions as rules. */
        record Repeat(Node node, long min) implements Node {
            public boolean nullable(Set<String> n) {
                return min == 0 || node.nullable(n);
            }

            public boolean productive(Set<String> p) {
                return min == 0 || node.productive(p);
            }

            public void collectRefs(Set<String> refs) {
                node.collectRefs(refs);
            }

            public void collectFirstRefs(Set<String> refs, Set<String> n) {
                node.collectFirstRefs(refs, n);
            }

            public int startDepth(Set<String> n, Map<String, Integer> ruleDepths) {
                // copies of an item that may be empty are skipped one after another
                long copies = node.nullable(n) ? min + 1 : 1;
                return (int) Math.min(1 + copies * node.startDepth(n, ruleDepths), Integer.MAX_VALUE / 4);
            }
        }
    }

    // ---- parser: mirrors llama_grammar_parser of llama.cpp b4916 ----

    private static final class Parser {

        private static final int MAX_CODE_POINT = Character.MAX_CODE_POINT;

        private final String src;
        private int pos;
        private int nesting;

        Parser(String src) {
            this.src = src;
        }

        Map<String, Node.Alt> parseRules() {
            int nul = src.indexOf('\0');
            if (nul >= 0) {
                pos = nul;
                throw error("NUL character (native code would cut the grammar there)");
            }
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
                if (rules.size() > MAX_RULES) {
                    pos = start;
                    throw error("more than the limit of " + MAX_RULES + " rules");
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
                    boolean nul = false;
                    while (true) {
                        if (pos >= src.length()) {
                            throw error("unterminated string literal");
                        }
                        if (src.charAt(pos) == '"') {
                            break;
                        }
                        nul |= parseChar() == 0;
                        chars++;
                    }
                    pos++;
                    seq.add(new Node.Terminal(chars == 0, nul));
                } else if (c == '[') {
                    seq.add(parseCharClass());
                } else if (isWordChar(c)) {
                    seq.add(new Node.Ref(parseName()));
                } else if (c == '(') {
                    if (++nesting > MAX_NESTING) {
                        throw error("parentheses nested more than the limit of " + MAX_NESTING + " deep");
                    }
                    pos++;
                    skipSpace(true);
                    Node.Alt group = parseAlternates(true);
                    if (pos >= src.length() || src.charAt(pos) != ')') {
                        throw error("expected ')'");
                    }
                    pos++;
                    nesting--;
                    seq.add(new Node.Group(group));
                } else if (c == '.') {
                    pos++;
                    seq.add(new Node.Terminal(false, false));
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

        /** {@code [...]} or {@code [^...]}; notes whether it matches no code point at all. */
        private Node parseCharClass() {
            pos++;
            boolean negated = pos < src.length() && src.charAt(pos) == '^';
            if (negated) {
                pos++;
            }
            List<int[]> ranges = new ArrayList<>();
            while (true) {
                if (pos >= src.length()) {
                    throw error("unterminated character class");
                }
                if (src.charAt(pos) == ']') {
                    break;
                }
                int low = parseChar();
                int high = low;
                if (pos + 1 < src.length() && src.charAt(pos) == '-' && src.charAt(pos + 1) != ']') {
                    pos++;
                    high = parseChar();
                    if (high < low) {
                        throw error("character range is reversed");
                    }
                }
                ranges.add(new int[]{low, high});
            }
            if (ranges.isEmpty()) {
                throw error("empty character class");
            }
            pos++;
            boolean onlyNul = ranges.stream().allMatch(range -> range[1] == 0);
            return new Node.Terminal(false, negated ? coversAllCodePoints(ranges) : onlyNul);
        }

        /** Whether the ranges leave no character a token can have: NUL never is one (llama.cpp refuses it). */
        private static boolean coversAllCodePoints(List<int[]> ranges) {
            ranges.sort((a, b) -> Integer.compare(a[0], b[0]));
            long next = 1; // the lowest code point not covered yet
            for (int[] range : ranges) {
                if (range[0] > next) {
                    return false;
                }
                next = Math.max(next, range[1] + 1L);
            }
            return next > MAX_CODE_POINT;
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
            long cp = Long.parseLong(hex, 16);
            if (cp > MAX_CODE_POINT) {
                throw error("escape '\\" + src.charAt(pos + 1) + hex + "' is above U+10FFFF");
            }
            pos = start + digits;
            return (int) cp;
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
            if (text.length() > 200) { // a long line is shown around the problem
                int from = Math.max(0, Math.min(pos - lineStart - 100, text.length() - 200));
                text = (from > 0 ? "..." : "") + text.substring(from, from + 200) + "...";
            }
            return new IllegalArgumentException("invalid grammar: " + problem + " at line " + line
                    + ", column " + (pos - lineStart + 1) + ": " + text.replace('\0', ' '));
        }

        private static boolean isWordChar(char c) {
            return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-' || isDigit(c);
        }

        private static boolean isDigit(char c) {
            return c >= '0' && c <= '9';
        }
    }
}
