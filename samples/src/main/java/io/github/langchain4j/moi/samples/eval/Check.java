package io.github.langchain4j.moi.samples.eval;

import java.math.BigDecimal;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How a response is judged. Every check reads the model's final answer ({@link #finalAnswer}): the text after the
 * last {@code Answer:} marker, else the last non-empty line.
 */
public enum Check {

    /** The final answer equals the expected one, ignoring case, surrounding markup and a trailing period. */
    EXACT {
        @Override
        boolean isCorrect(Problem problem, String response) {
            return normalize(finalAnswer(response)).equalsIgnoreCase(normalize(problem.answer()));
        }
    },

    /**
     * The first number after the last {@code =} of the final answer (else its first number) equals the expected
     * number exactly (decimal comparison; thousands separators allowed: {@code 1,234}).
     */
    NUMBER {
        @Override
        boolean isCorrect(Problem problem, String response) {
            BigDecimal expected = new BigDecimal(problem.answer().trim().replace(",", ""));
            BigDecimal actual = firstNumber(finalAnswer(response));
            return actual != null && actual.compareTo(expected) == 0;
        }
    },

    /** The final answer contains the expected text, ignoring case. */
    CONTAINS {
        @Override
        boolean isCorrect(Problem problem, String response) {
            return finalAnswer(response).toLowerCase(Locale.ROOT)
                    .contains(problem.answer().trim().toLowerCase(Locale.ROOT));
        }
    },

    /** The final answer is an expression that uses each of the numbers exactly once and equals the target. */
    COUNTDOWN {
        @Override
        boolean isCorrect(Problem problem, String response) {
            return Countdown.verify(finalAnswer(response), problem.numbers(), Long.parseLong(problem.answer()))
                    == Countdown.Verdict.CORRECT;
        }
    };

    abstract boolean isCorrect(Problem problem, String response);

    /** Parses a check name case-insensitively. */
    public static Check parse(String name) {
        for (Check check : values()) {
            if (check.name().equalsIgnoreCase(name == null ? "" : name.trim())) {
                return check;
            }
        }
        throw new IllegalArgumentException("unknown check '" + name + "': expected one of exact, number, contains, "
                + "countdown");
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    private static final Pattern ANSWER_MARKER = Pattern.compile("(?i)answer\\s*[:：]");
    /** A line of LaTeX display or inline delimiters, {@code $$} or a code fence, and nothing else. */
    private static final Pattern DELIMITERS_ONLY = Pattern.compile("(\\\\[\\[\\]()]|\\$\\$|```\\w*)+");
    private static final Pattern NUMBER_PATTERN = Pattern.compile("-?\\d{1,3}(?:,\\d{3})+(?:\\.\\d+)?|-?\\d+(?:\\.\\d+)?");

    /**
     * The model's final answer: what follows the last {@code Answer:} (on the same line, else the next line with
     * text), else the content of the last {@code \boxed{...}}, else the last line with text. Markdown emphasis
     * around the marker is dropped, and lines of LaTeX or code delimiters alone ({@code \[}, {@code \]},
     * {@code $$}, a code fence) are not text: a model that ends with {@code \boxed{42}} on a display line of its
     * own would otherwise be read as {@code \]}.
     */
    public static String finalAnswer(String response) {
        String text = response == null ? "" : response.replace("\r", "");
        Matcher marker = ANSWER_MARKER.matcher(text);
        int end = -1;
        while (marker.find()) {
            end = marker.end();
        }
        if (end >= 0) {
            for (String line : text.substring(end).split("\n")) {
                String cleaned = line.replaceAll("^[\\s*_]+|[\\s*_]+$", "");
                if (!cleaned.isEmpty() && !DELIMITERS_ONLY.matcher(cleaned).matches()) {
                    return cleaned;
                }
            }
            return "";
        }
        String boxed = lastBoxed(text);
        if (boxed != null) {
            return boxed.trim();
        }
        String[] lines = text.split("\n");
        for (int i = lines.length - 1; i >= 0; i--) {
            String line = lines[i].trim();
            if (!line.isEmpty() && !DELIMITERS_ONLY.matcher(line).matches()) {
                return line;
            }
        }
        return "";
    }

    /** The content of the last {@code \boxed{...}} in the text, else the text itself. */
    static String unboxed(String text) {
        String boxed = lastBoxed(text);
        return boxed != null ? boxed : text;
    }

    /** The content of the last {@code \boxed{...}} (braces inside it balanced), or null. */
    private static String lastBoxed(String text) {
        int start = text.lastIndexOf("\\boxed{");
        while (start >= 0) {
            int from = start + "\\boxed{".length();
            int depth = 1;
            for (int i = from; i < text.length(); i++) {
                char ch = text.charAt(i);
                if (ch == '{') {
                    depth++;
                } else if (ch == '}' && --depth == 0) {
                    return text.substring(from, i);
                }
            }
            start = text.lastIndexOf("\\boxed{", start - 1); // not closed: the one before
        }
        return null;
    }

    /** Whether the response has the {@code Answer:} line the tasks ask for (else its answer is found otherwise). */
    public static boolean hasAnswerMarker(String response) {
        return response != null && ANSWER_MARKER.matcher(response).find();
    }

    /** The first number after the last '=' (else the first number), or null. */
    static BigDecimal firstNumber(String answer) {
        String tail = answer.substring(answer.lastIndexOf('=') + 1);
        Matcher matcher = NUMBER_PATTERN.matcher(tail);
        if (!matcher.find()) {
            return null;
        }
        return new BigDecimal(matcher.group().replace(",", ""));
    }

    /** Without markup (bold, code, LaTeX dollars, \boxed{}), surrounding quotes, a trailing period and extra spaces. */
    static String normalize(String text) {
        String s = text.trim();
        s = unboxed(s);
        s = s.replaceAll("[*`$]", "").trim();
        s = s.replaceAll("^[\"'“”‘’]+|[\"'“”‘’]+$", "");
        s = s.replaceAll("[.。]+$", "").trim();
        return s.replaceAll("\\s+", " ");
    }
}
