package io.github.langchain4j.moi.engine;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Rewrites of a chat template's source where Jinjava parses Python Jinja's syntax differently; each keeps the
 * meaning Python gives the template.
 */
final class JinjaSource {

    // Python binds "not x is defined" as "not (x is defined)"; Jinjava applies not to x first
    private static final Pattern NOT_IS_TEST = Pattern.compile(
            "\\bnot\\s+([A-Za-z_][\\w.]*(?:\\[[^\\]]*\\])*)\\s+is\\s+(not\\s+)?([A-Za-z_]\\w*)\\b");

    // lstrip_blocks: spaces and tabs from the start of a line to a block tag or comment (not {%+ or {%-)
    private static final Pattern LINE_START_BEFORE_TAG = Pattern.compile("(?m)^[ \\t]+(?=\\{%(?![+-])|\\{#)");
    // Jinjava has no slice step: x[::-1] is x|reverse
    private static final Pattern REVERSED_SLICE = Pattern.compile("\\[\\s*:\\s*:\\s*-\\s*1\\s*]");
    private static final Pattern MACRO = Pattern.compile("-?\\s*macro\\b");

    private JinjaSource() {
    }

    private static final Pattern BLOCK_TAG = Pattern.compile("\\{%([-+]?)\\s*(for|endfor)\\b(.*?)([-+]?)%}", Pattern.DOTALL);
    private static final Pattern FOR = Pattern.compile("\\s*(.+?)\\s+in\\s+(.+?)(?:\\s+if\\s+(.+?))?\\s*(recursive)?\\s*",
            Pattern.DOTALL);
    private static final Pattern LOOP_NEIGHBOUR = Pattern.compile("\\bloop\\.(previtem|nextitem)\\b");

    /**
     * The source with every rewrite applied.
     *
     * @throws UnsupportedOperationException naming a construct that Jinjava cannot render as Python does
     */
    static String forJinjava(String source) {
        String rewritten = lstripBlocks(source);
        rewritten = NOT_IS_TEST.matcher(rewritten).replaceAll("not ($1 is $2$3)");
        rewritten = REVERSED_SLICE.matcher(rewritten).replaceAll("|reverse");
        rewritten = loops(rewritten);
        return keywordValuesInParentheses(rewritten);
    }

    /**
     * Python's lstrip_blocks, done here: Jinjava's own also strips the whitespace before a tag in the middle of
     * a line ({@code "a, {% endif %}"} loses its space).
     */
    static String lstripBlocks(String source) {
        return LINE_START_BEFORE_TAG.matcher(source).replaceAll("");
    }

    private static final Pattern NESTING_TAG = Pattern.compile("\\{%[-+]?\\s*(if|endif|for|endfor|else)\\b");

    /** Whether a loop body has an else of the loop itself (Jinjava renders nothing for it). */
    private static boolean hasOwnElse(String body) {
        int depth = 0;
        Matcher tag = NESTING_TAG.matcher(body);
        while (tag.find()) {
            switch (tag.group(1)) {
                case "if", "for" -> depth++;
                case "endif", "endfor" -> depth--;
                default -> {
                    if (depth == 0) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    private record Loop(int tagStart, int tagEnd, String tagLeft, String tagRight, String target, String items,
                        String filter, int endStart) {

        /** The items the body sees: a filtered loop iterates a list made before it. */
        String visibleItems(int index) {
            return filter == null ? "(" + items + ")" : "moi_filtered_" + index;
        }
    }

    /**
     * Loop features Jinjava lacks, rewritten: a loop filter ({@code for x in xs if cond}, which Jinjava
     * ignores) becomes a list of the items that pass, made just before the loop (so {@code loop.index},
     * {@code loop.last} and {@code else} count those, as in Python); {@code loop.previtem}/{@code loop.nextitem}
     * index the items. A recursive loop with either is refused by name.
     */
    static String loops(String source) {
        List<Loop> loops = new ArrayList<>();
        Deque<Matcher> open = new ArrayDeque<>();
        Matcher tag = BLOCK_TAG.matcher(source);
        while (tag.find()) {
            if (tag.group(2).equals("for")) {
                Matcher copy = BLOCK_TAG.matcher(source);
                copy.find(tag.start());
                open.push(copy);
            } else if (!open.isEmpty()) {
                Matcher start = open.pop();
                Matcher parts = FOR.matcher(start.group(3));
                if (!parts.matches()) {
                    continue; // Jinjava reports it
                }
                boolean neighbours = LOOP_NEIGHBOUR.matcher(source.substring(start.end(), tag.start())).find();
                if (parts.group(4) != null && (parts.group(3) != null || neighbours)) {
                    throw new UnsupportedOperationException("a recursive for loop with a filter (for ... if ...) or "
                            + "loop.previtem/loop.nextitem is not supported");
                }
                if (hasOwnElse(source.substring(start.end(), tag.start()))) {
                    throw new UnsupportedOperationException("a for loop with an else branch is not supported");
                }
                loops.add(new Loop(start.start(), start.end(), start.group(1), start.group(4), parts.group(1),
                        parts.group(2), parts.group(3), tag.start()));
            }
        }
        record Edit(int at, int length, String text) {
        }
        List<Edit> edits = new ArrayList<>();
        Matcher neighbour = LOOP_NEIGHBOUR.matcher(source);
        while (neighbour.find()) {
            int at = neighbour.start();
            Loop inner = loops.stream().filter(l -> l.tagEnd <= at && at < l.endStart)
                    .max(Comparator.comparingInt(Loop::tagEnd)).orElse(null);
            if (inner == null) {
                continue; // outside a loop: undefined, as in Python
            }
            String items = inner.visibleItems(loops.indexOf(inner));
            edits.add(new Edit(at, neighbour.end() - at, neighbour.group(1).equals("previtem")
                    ? "(" + items + "[loop.index0 - 1] if loop.index0 > 0 else none)"
                    : "(" + items + "[loop.index] if not loop.last else none)"));
        }
        for (int i = 0; i < loops.size(); i++) {
            Loop loop = loops.get(i);
            if (loop.filter == null) {
                continue;
            }
            String list = loop.visibleItems(i);
            String item = loop.target.contains(",") ? "[" + loop.target + "]" : loop.target;
            // tags without output before the loop: the first strips what the loop's tag stripped before it
            edits.add(new Edit(loop.tagStart, loop.tagEnd - loop.tagStart, "{%" + loop.tagLeft + " set " + list
                    + " = [] %}"
                    + "{% for " + loop.target + " in " + loop.items + " %}{% if " + loop.filter + " %}"
                    + "{% do " + list + ".append(" + item + ") %}{% endif %}{% endfor %}"
                    + "{%" + loop.tagLeft + " for " + loop.target + " in " + list + " " + loop.tagRight + "%}"));
        }
        edits.sort(Comparator.comparingInt(Edit::at).reversed());
        StringBuilder out = new StringBuilder(source);
        for (Edit edit : edits) {
            out.replace(edit.at, edit.at + edit.length, edit.text);
        }
        return out.toString();
    }

    /**
     * Puts each keyword argument's value in parentheses: {@code namespace(last=messages|length - 1)}. Python
     * binds the filter and the operator to the value; Jinjava binds them to the name=value pair and fails.
     * Only inside {@code {{ }}} and {@code {% %}}, outside string literals, and only directly inside a call's
     * parentheses (where a single {@code =} can only be a keyword argument).
     */
    static String keywordValuesInParentheses(String source) {
        StringBuilder out = new StringBuilder(source.length() + 16);
        int i = 0;
        while (i < source.length()) {
            int open = nextTagOpen(source, i);
            if (open < 0) {
                out.append(source, i, source.length());
                break;
            }
            out.append(source, i, open + 2);
            boolean comment = source.charAt(open + 1) == '#';
            String close = comment ? "#}" : source.charAt(open + 1) == '{' ? "}}" : "%}";
            if (comment || MACRO.matcher(source).region(open + 2, source.length()).lookingAt()) {
                // a macro's parameter defaults are not keyword arguments (Jinjava parses them on its own)
                i = copyUntil(source, open + 2, close, out);
            } else {
                i = rewriteTag(source, open + 2, close, out);
            }
        }
        return out.toString();
    }

    private static int nextTagOpen(String source, int from) {
        for (int i = source.indexOf('{', from); i >= 0 && i + 1 < source.length(); i = source.indexOf('{', i + 1)) {
            char next = source.charAt(i + 1);
            if (next == '{' || next == '%' || next == '#') {
                return i;
            }
        }
        return -1;
    }

    private static int copyUntil(String source, int from, String close, StringBuilder out) {
        int end = source.indexOf(close, from);
        int to = end < 0 ? source.length() : end + close.length();
        out.append(source, from, to);
        return to;
    }

    /** Copies one tag's expression up to and including its close, parenthesizing keyword values. */
    private static int rewriteTag(String source, int from, String close, StringBuilder out) {
        Deque<Frame> frames = new ArrayDeque<>();
        int i = from;
        while (i < source.length()) {
            char c = source.charAt(i);
            if (frames.isEmpty() && source.startsWith(close, i)) {
                out.append(close);
                return i + close.length();
            }
            if (c == '\'' || c == '"') {
                int end = endOfString(source, i);
                out.append(source, i, end);
                i = end;
                continue;
            }
            Frame top = frames.peek();
            if (c == '(' || c == '[' || c == '{') {
                frames.push(new Frame(c));
            } else if (c == ')' || c == ']' || c == '}') {
                if (top != null) {
                    if (top.inValue) {
                        out.append(')');
                    }
                    frames.pop();
                } else if (source.startsWith(close, i)) { // unbalanced: leave the tag as it is
                    out.append(close);
                    return i + close.length();
                }
            } else if (c == ',' && top != null && top.inValue) {
                out.append(')');
                top.inValue = false;
            } else if (c == '=' && top != null && top.bracket == '(' && !top.inValue && isKeywordEquals(source, i)) {
                out.append("=(");
                top.inValue = true;
                i++;
                continue;
            }
            out.append(c);
            i++;
        }
        return i;
    }

    private static boolean isKeywordEquals(String source, int at) {
        char before = at > 0 ? source.charAt(at - 1) : ' ';
        char after = at + 1 < source.length() ? source.charAt(at + 1) : ' ';
        return after != '=' && "=!<>".indexOf(before) < 0;
    }

    private static int endOfString(String source, int start) {
        char quote = source.charAt(start);
        int i = start + 1;
        while (i < source.length()) {
            char c = source.charAt(i);
            if (c == '\\') {
                i += 2;
            } else if (c == quote) {
                return i + 1;
            } else {
                i++;
            }
        }
        return source.length();
    }

    private static final class Frame {
        final char bracket;
        boolean inValue;

        Frame(char bracket) {
            this.bracket = bracket;
        }
    }
}
