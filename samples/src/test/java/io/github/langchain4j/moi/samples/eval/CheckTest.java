package io.github.langchain4j.moi.samples.eval;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CheckTest {

    private static Problem problem(Check check, String answer) {
        return new Problem("p", "prompt", check, answer, List.of());
    }

    @Test
    void theFinalAnswerFollowsTheLastAnswerMarkerElseItIsTheLastLine() {
        assertThat(Check.finalAnswer("Let me think. Answer: 12\nbut wait\nAnswer: 13")).isEqualTo("13");
        assertThat(Check.finalAnswer("**Answer:** 7 + 8\n")).isEqualTo("7 + 8");
        assertThat(Check.finalAnswer("Final answer:\n\n  (1 + 2) * 3  \n")).isEqualTo("(1 + 2) * 3");
        assertThat(Check.finalAnswer("step one\nthe result is 5\n\n")).isEqualTo("the result is 5");
        assertThat(Check.finalAnswer("")).isEmpty();
        assertThat(Check.finalAnswer("Answer:")).isEmpty();
    }

    @Test
    void withoutAMarkerTheLastBoxedAnswerCountsAndDelimiterLinesAreNotTheAnswer() {
        // as Qwen2.5-Coder ends many answers: the box on a display line of its own, closed by "\]"
        String boxedOnItsOwnLine = "4. Finally, -120 - 22 = -142\n\nSo, the final result is:\n\\[\n\\boxed{-142}\n\\]";
        assertThat(Check.finalAnswer(boxedOnItsOwnLine)).isEqualTo("-142");
        assertThat(problem(Check.NUMBER, "-142").isCorrect(boxedOnItsOwnLine)).isTrue();
        assertThat(problem(Check.NUMBER, "-120").isCorrect(boxedOnItsOwnLine)).isFalse();
        assertThat(Check.finalAnswer("first \\boxed{1}, then \\boxed{2}.")).as("the last box").isEqualTo("2");
        assertThat(Check.finalAnswer("so \\boxed{\\frac{1}{2}} it is")).isEqualTo("\\frac{1}{2}");
        assertThat(Check.finalAnswer("\\boxed{7} and \\boxed{8")).as("an unclosed box is skipped").isEqualTo("7");
        assertThat(Check.finalAnswer("Answer: 5\nas \\boxed{6}")).as("the marker first").isEqualTo("5");
        assertThat(Check.finalAnswer("Answer:\n\\[\n12\n\\]")).isEqualTo("12");
        assertThat(Check.finalAnswer("the result:\n```\n42\n```\n")).isEqualTo("42");
        assertThat(Check.finalAnswer("$$\n\\]\n")).isEmpty();
    }

    @Test
    void numberComparesTheFirstNumberAfterTheLastEqualsSign() {
        Problem p = problem(Check.NUMBER, "-2808");
        assertThat(p.isCorrect("work...\nAnswer: -2808")).isTrue();
        assertThat(p.isCorrect("Answer: -2,808.")).isTrue();
        assertThat(p.isCorrect("Answer: 36 * -78 = -2808")).isTrue();
        assertThat(p.isCorrect("Answer: -2808.0")).isTrue();
        assertThat(p.isCorrect("Answer: \\boxed{-2808}")).isTrue();
        assertThat(p.isCorrect("Answer: 2808")).isFalse();
        assertThat(p.isCorrect("Answer: -28080")).isFalse();
        assertThat(p.isCorrect("Answer: unknown")).isFalse();
        assertThat(p.isCorrect("-2808 is what I get\nAnswer: 5")).as("only the final answer counts").isFalse();
        assertThat(problem(Check.NUMBER, "1234").isCorrect("Answer: 1,234 (rounded)")).isTrue();
        assertThat(problem(Check.NUMBER, "0.5").isCorrect("Answer: 0.50")).isTrue();
    }

    @Test
    void exactIgnoresCaseMarkupAndATrailingPeriodOnly() {
        Problem p = problem(Check.EXACT, "Paris");
        assertThat(p.isCorrect("Answer: Paris")).isTrue();
        assertThat(p.isCorrect("Answer: **paris**.")).isTrue();
        assertThat(p.isCorrect("Answer: \"Paris\"")).isTrue();
        assertThat(p.isCorrect("Answer: Paris, France")).isFalse();
        assertThat(p.isCorrect("Answer: Pariss")).isFalse();
        assertThat(problem(Check.EXACT, "New  York").isCorrect("Answer: new york")).isTrue();
    }

    @Test
    void containsLooksInTheFinalAnswer() {
        Problem p = problem(Check.CONTAINS, "O(n log n)");
        assertThat(p.isCorrect("Answer: it is o(n log n) on average")).isTrue();
        assertThat(p.isCorrect("O(n log n) maybe?\nAnswer: O(n^2)")).isFalse();
    }

    @Test
    void countdownChecksTheFinalExpression() {
        Problem p = new Problem("c", "prompt", Check.COUNTDOWN, "24", List.of(4L, 6L, 1L, 1L));
        assertThat(p.isCorrect("Try 4 * 6 = 24, then 1 * 1.\nAnswer: 4 * 6 * 1 * 1")).isTrue();
        assertThat(p.isCorrect("Answer: 4 * 6 * 1 * 1 = 24")).isTrue();
        assertThat(p.isCorrect("Answer: 4 * 6")).isFalse();
        assertThat(p.isCorrect("4 * 6 * 1 * 1")).as("no marker: the last line").isTrue();
    }

    @Test
    void arithmeticProblemsCarryTheirValue() {
        for (Problem problem : Tasks.ARITHMETIC.generate(50, 3)) {
            String expression = problem.prompt().substring("Compute ".length(), problem.prompt().indexOf(". Work"));
            long value = evaluate(expression);
            assertThat(problem.answer()).as(expression).isEqualTo(Long.toString(value));
            assertThat(problem.check()).isEqualTo(Check.NUMBER);
            assertThat(problem.isCorrect("Answer: " + value)).isTrue();
        }
    }

    @Test
    void checkNamesParseCaseInsensitively() {
        assertThat(Check.parse(" Number ")).isEqualTo(Check.NUMBER);
        assertThatThrownBy(() -> Check.parse("regex")).hasMessageContaining("exact, number, contains, countdown");
        assertThatThrownBy(() -> new Problem("c", "p", Check.COUNTDOWN, "x", List.of(1L)))
                .hasMessageContaining("integer");
    }

    /** An independent evaluator (integers, + - *, parentheses) to check the generator's answers. */
    private static long evaluate(String expression) {
        String s = expression.replace(" ", "");
        int[] pos = {0};
        return sum(s, pos);
    }

    private static long sum(String s, int[] pos) {
        long value = product(s, pos);
        while (pos[0] < s.length() && (s.charAt(pos[0]) == '+' || s.charAt(pos[0]) == '-')) {
            char op = s.charAt(pos[0]++);
            long right = product(s, pos);
            value = op == '+' ? value + right : value - right;
        }
        return value;
    }

    private static long product(String s, int[] pos) {
        long value = atom(s, pos);
        while (pos[0] < s.length() && s.charAt(pos[0]) == '*') {
            pos[0]++;
            value *= atom(s, pos);
        }
        return value;
    }

    private static long atom(String s, int[] pos) {
        if (s.charAt(pos[0]) == '(') {
            pos[0]++;
            long value = sum(s, pos);
            pos[0]++; // ')'
            return value;
        }
        int start = pos[0];
        while (pos[0] < s.length() && Character.isDigit(s.charAt(pos[0]))) {
            pos[0]++;
        }
        return Long.parseLong(s.substring(start, pos[0]));
    }
}
