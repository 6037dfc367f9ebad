package io.github.langchain4j.moi;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A small GBNF interpreter for tests: does a grammar accept a whole text? Written independently of the
 * generator, so the tests check the grammars by what they accept, not by how they look.
 */
final class GbnfMatcher {

    private interface Node {
    }

    private record Literal(int[] codePoints) implements Node {
    }

    private record CharClass(boolean negated, List<int[]> ranges) implements Node {
        boolean matches(int cp) {
            boolean in = ranges.stream().anyMatch(r -> r[0] <= cp && cp <= r[1]);
            return in != negated;
        }
    }

    private record Ref(String name) implements Node {
    }

    private record Alt(List<List<Node>> alternatives) implements Node {
    }

    private record Repeat(Node node, int min, int max) implements Node {
    }

    private final Map<String, Node> rules = new HashMap<>();
    private final String src;
    private int pos;
    private int[] text;
    private final Map<String, Set<Integer>> memo = new HashMap<>();

    private GbnfMatcher(String src) {
        this.src = src;
        skip(true);
        while (pos < src.length()) {
            String name = name();
            skip(false);
            expect("::=");
            skip(true);
            rules.put(name, alternates(false));
            skip(true);
        }
    }

    static boolean matches(String grammar, String text) {
        GbnfMatcher matcher = new GbnfMatcher(grammar);
        matcher.text = text.codePoints().toArray();
        return matcher.ends(new Ref("root"), 0).contains(matcher.text.length);
    }

    private Set<Integer> ends(Node node, int at) {
        if (node instanceof Literal literal) {
            int[] cps = literal.codePoints();
            if (at + cps.length > text.length) {
                return Set.of();
            }
            for (int i = 0; i < cps.length; i++) {
                if (text[at + i] != cps[i]) {
                    return Set.of();
                }
            }
            return Set.of(at + cps.length);
        }
        if (node instanceof CharClass cls) {
            return at < text.length && cls.matches(text[at]) ? Set.of(at + 1) : Set.of();
        }
        if (node instanceof Ref ref) {
            String key = ref.name() + "@" + at;
            Set<Integer> cached = memo.get(key);
            if (cached != null) {
                return cached;
            }
            memo.put(key, Set.of()); // no left recursion in tested grammars
            Node rule = rules.get(ref.name());
            if (rule == null) {
                throw new IllegalStateException("undefined rule " + ref.name());
            }
            Set<Integer> result = ends(rule, at);
            memo.put(key, result);
            return result;
        }
        if (node instanceof Alt alt) {
            Set<Integer> result = new TreeSet<>();
            for (List<Node> seq : alt.alternatives()) {
                Set<Integer> current = Set.of(at);
                for (Node item : seq) {
                    Set<Integer> next = new TreeSet<>();
                    for (int p : current) {
                        next.addAll(ends(item, p));
                    }
                    current = next;
                }
                result.addAll(current);
            }
            return result;
        }
        Repeat repeat = (Repeat) node;
        Set<Integer> result = new TreeSet<>();
        Set<Integer> seen = new HashSet<>();
        Set<Integer> current = Set.of(at);
        if (repeat.min() == 0) {
            result.add(at);
        }
        for (int i = 1; repeat.max() < 0 || i <= repeat.max(); i++) {
            Set<Integer> next = new TreeSet<>();
            for (int p : current) {
                next.addAll(ends(repeat.node(), p));
            }
            if (repeat.max() < 0) {
                next.removeIf(p -> !seen.add(p) && true);
            }
            if (next.isEmpty()) {
                break;
            }
            if (i >= repeat.min()) {
                result.addAll(next);
            }
            current = next;
        }
        return result;
    }

    // ---- parsing ----

    private Alt alternates(boolean nested) {
        List<List<Node>> alternatives = new ArrayList<>();
        alternatives.add(sequence(nested));
        while (pos < src.length() && src.charAt(pos) == '|') {
            pos++;
            skip(true);
            alternatives.add(sequence(nested));
        }
        return new Alt(alternatives);
    }

    private List<Node> sequence(boolean nested) {
        List<Node> seq = new ArrayList<>();
        while (pos < src.length()) {
            char c = src.charAt(pos);
            if (c == '"') {
                pos++;
                List<Integer> cps = new ArrayList<>();
                while (src.charAt(pos) != '"') {
                    cps.add(character());
                }
                pos++;
                seq.add(new Literal(cps.stream().mapToInt(Integer::intValue).toArray()));
            } else if (c == '[') {
                pos++;
                boolean negated = src.charAt(pos) == '^';
                if (negated) {
                    pos++;
                }
                List<int[]> ranges = new ArrayList<>();
                while (src.charAt(pos) != ']') {
                    int low = character();
                    int high = low;
                    if (src.charAt(pos) == '-' && src.charAt(pos + 1) != ']') {
                        pos++;
                        high = character();
                    }
                    ranges.add(new int[] {low, high});
                }
                pos++;
                seq.add(new CharClass(negated, ranges));
            } else if (c == '.') {
                pos++;
                seq.add(new CharClass(true, List.of()));
            } else if (c == '(') {
                pos++;
                skip(true);
                seq.add(alternates(true));
                expect(")");
            } else if (Character.isLetterOrDigit(c) || c == '-') {
                seq.add(new Ref(name()));
            } else if (c == '*' || c == '+' || c == '?') {
                pos++;
                Node last = seq.remove(seq.size() - 1);
                seq.add(new Repeat(last, c == '+' ? 1 : 0, c == '?' ? 1 : -1));
            } else if (c == '{') {
                pos++;
                int min = number();
                int max = min;
                if (src.charAt(pos) == ',') {
                    pos++;
                    max = Character.isDigit(src.charAt(pos)) ? number() : -1;
                }
                expect("}");
                Node last = seq.remove(seq.size() - 1);
                seq.add(new Repeat(last, min, max));
            } else {
                break;
            }
            skip(nested);
        }
        return seq;
    }

    private int character() {
        char c = src.charAt(pos);
        if (c != '\\') {
            int cp = src.codePointAt(pos);
            pos += Character.charCount(cp);
            return cp;
        }
        char e = src.charAt(pos + 1);
        pos += 2;
        return switch (e) {
            case 'x' -> hex(2);
            case 'u' -> hex(4);
            case 'U' -> hex(8);
            case 'n' -> '\n';
            case 'r' -> '\r';
            case 't' -> '\t';
            default -> e;
        };
    }

    private int hex(int digits) {
        int value = Integer.parseInt(src.substring(pos, pos + digits), 16);
        pos += digits;
        return value;
    }

    private int number() {
        int start = pos;
        while (Character.isDigit(src.charAt(pos))) {
            pos++;
        }
        return Integer.parseInt(src.substring(start, pos));
    }

    private String name() {
        int start = pos;
        while (pos < src.length() && (Character.isLetterOrDigit(src.charAt(pos)) || src.charAt(pos) == '-')) {
            pos++;
        }
        return src.substring(start, pos);
    }

    private void expect(String token) {
        if (!src.startsWith(token, pos)) {
            throw new IllegalStateException("expected " + token + " at " + pos);
        }
        pos += token.length();
    }

    private void skip(boolean newlines) {
        while (pos < src.length()) {
            char c = src.charAt(pos);
            if (c == '#') {
                while (pos < src.length() && src.charAt(pos) != '\n') {
                    pos++;
                }
            } else if (c == ' ' || c == '\t' || (newlines && (c == '\n' || c == '\r'))) {
                pos++;
            } else {
                return;
            }
        }
    }
}
