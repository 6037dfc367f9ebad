package io.github.langchain4j.moi.samples.eval;

import org.apache.commons.math3.fraction.BigFraction;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The CountDown task of the paper: given numbers and a target, write an arithmetic expression with {@code + - * /}
 * and parentheses that uses each number exactly once and equals the target. Checked exactly: the expression is
 * parsed and evaluated with fractions (so {@code 7/2} is 3.5, never 3), and the numbers it uses must be the given
 * ones as a multiset.
 */
public final class Countdown {

    /** The outcome of checking one expression. */
    public enum Verdict {
        CORRECT,
        /** Not an expression of integers, {@code + - * /} and parentheses (text, unary minus, decimals...). */
        MALFORMED,
        /** The numbers used are not exactly the given ones, each once. */
        WRONG_NUMBERS,
        /** Division by zero. */
        DIVISION_BY_ZERO,
        /** A valid expression with the right numbers, but it does not equal the target. */
        WRONG_VALUE
    }

    private Countdown() {
    }

    /**
     * Checks a final answer. Accepted: {@code EXPR}, {@code EXPR = TARGET} and {@code TARGET = EXPR}, with the
     * multiplication and division signs {@code × x · ÷}, the minus sign {@code −}, LaTeX {@code \times \cdot \div},
     * and markup ({@code $}, {@code **}, backticks, a trailing period) around it.
     */
    public static Verdict verify(String answer, List<Long> numbers, long target) {
        String expression = expressionPart(clean(answer), target);
        Parser parser = new Parser(expression);
        BigFraction value;
        try {
            value = parser.parse();
        } catch (ArithmeticException e) {
            return Verdict.DIVISION_BY_ZERO;
        } catch (IllegalArgumentException e) {
            return Verdict.MALFORMED;
        }
        List<Long> used = new ArrayList<>(parser.numbers);
        List<Long> given = new ArrayList<>(numbers);
        used.sort(null);
        given.sort(null);
        if (!used.equals(given)) {
            return Verdict.WRONG_NUMBERS;
        }
        return value.equals(new BigFraction(target)) ? Verdict.CORRECT : Verdict.WRONG_VALUE;
    }

    static String clean(String answer) {
        String s = answer == null ? "" : Check.unboxed(answer.trim());
        s = s.replace("\\times", "*").replace("\\cdot", "*").replace("\\div", "/")
                .replace("\\left", "").replace("\\right", "").replace("\\(", "").replace("\\)", "")
                .replace("\\[", "").replace("\\]", "");
        s = s.replace('×', '*').replace('·', '*').replace('÷', '/').replace('−', '-').replace('–', '-');
        s = s.replaceAll("(?<=[\\d)\\s])x(?=[\\d(\\s])", "*");
        s = s.replaceAll("[$`]|\\*\\*", "").trim();
        return s.replaceAll("\\.$", "").trim();
    }

    /** The expression of {@code EXPR}, {@code EXPR = ...} or {@code TARGET = EXPR}. */
    private static String expressionPart(String s, long target) {
        String[] sides = s.split("=", -1);
        if (sides.length == 1) {
            return s;
        }
        if (sides.length == 2 && sides[0].trim().equals(Long.toString(target))) {
            return sides[1];
        }
        for (int i = 1; i < sides.length; i++) {
            if (!sides[i].trim().matches("-?\\d+")) {
                return "(malformed)"; // only a number may follow '=': "EXPR = 24"
            }
        }
        return sides[0];
    }

    /** Recursive descent: expr = term (('+'|'-') term)*; term = factor (('*'|'/') factor)*; factor = INT | '(' expr ')'. */
    private static final class Parser {
        private final String text;
        private int pos;
        final List<Long> numbers = new ArrayList<>();

        Parser(String text) {
            this.text = text;
        }

        BigFraction parse() {
            BigFraction value = expression();
            skipSpaces();
            if (pos != text.length()) {
                throw new IllegalArgumentException("unexpected '" + text.charAt(pos) + "' at " + pos);
            }
            return value;
        }

        private BigFraction expression() {
            BigFraction value = term();
            while (true) {
                char op = peek();
                if (op == '+' || op == '-') {
                    pos++;
                    BigFraction right = term();
                    value = op == '+' ? value.add(right) : value.subtract(right);
                } else {
                    return value;
                }
            }
        }

        private BigFraction term() {
            BigFraction value = factor();
            while (true) {
                char op = peek();
                if (op == '*' || op == '/') {
                    pos++;
                    BigFraction right = factor();
                    if (op == '/' && right.getNumerator().signum() == 0) {
                        throw new ArithmeticException("division by zero");
                    }
                    value = op == '*' ? value.multiply(right) : value.divide(right);
                } else {
                    return value;
                }
            }
        }

        private BigFraction factor() {
            char c = peek();
            if (c == '(') {
                pos++;
                BigFraction value = expression();
                if (peek() != ')') {
                    throw new IllegalArgumentException("missing ')'");
                }
                pos++;
                return value;
            }
            if (c >= '0' && c <= '9') {
                int start = pos;
                while (pos < text.length() && Character.isDigit(text.charAt(pos)) && text.charAt(pos) < 128) {
                    pos++;
                }
                if (pos - start > 15) {
                    throw new IllegalArgumentException("number too long");
                }
                long number = Long.parseLong(text.substring(start, pos));
                numbers.add(number);
                return new BigFraction(number);
            }
            throw new IllegalArgumentException(c == 0 ? "unexpected end" : "unexpected '" + c + "'");
        }

        /** The next non-space character, or 0 at the end. */
        private char peek() {
            skipSpaces();
            return pos < text.length() ? text.charAt(pos) : 0;
        }

        private void skipSpaces() {
            while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
                pos++;
            }
        }
    }

    /** A solvable instance and one solution (how it was built). */
    public record Instance(List<Long> numbers, long target, String solution) {
    }

    /**
     * A random solvable instance: {@code count} numbers in [1, 100] combined pairwise in random order with random
     * operations (no negative or fractional intermediate results, no division by 1), retried until the result is a
     * target in [10, 100] (the range of the paper's CountDown data).
     */
    public static Instance generate(int count, Random random) {
        if (count < 2) {
            throw new IllegalArgumentException("count must be >= 2, was " + count);
        }
        while (true) {
            List<Long> numbers = new ArrayList<>();
            List<Long> values = new ArrayList<>();
            List<String> expressions = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                long n = 1 + random.nextInt(100);
                numbers.add(n);
                values.add(n);
                expressions.add(Long.toString(n));
            }
            boolean ok = true;
            while (values.size() > 1 && ok) {
                int i = random.nextInt(values.size());
                long a = values.remove(i);
                String ea = expressions.remove(i);
                int j = random.nextInt(values.size());
                long b = values.remove(j);
                String eb = expressions.remove(j);
                if (a < b) { // keep a >= b so that '-' stays non-negative
                    long t = a; a = b; b = t;
                    String te = ea; ea = eb; eb = te;
                }
                long result;
                String op;
                switch (random.nextInt(4)) {
                    case 0 -> { result = a + b; op = "+"; }
                    case 1 -> { result = a - b; op = "-"; }
                    case 2 -> { result = a * b; op = "*"; }
                    default -> {
                        if (b <= 1 || a % b != 0) {
                            ok = false;
                            continue;
                        }
                        result = a / b;
                        op = "/";
                    }
                }
                values.add(result);
                expressions.add("(" + ea + " " + op + " " + eb + ")");
            }
            if (!ok) {
                continue;
            }
            long target = values.get(0);
            if (target >= 10 && target <= 100) {
                String solution = expressions.get(0);
                return new Instance(numbers, target, solution.substring(1, solution.length() - 1));
            }
        }
    }
}
