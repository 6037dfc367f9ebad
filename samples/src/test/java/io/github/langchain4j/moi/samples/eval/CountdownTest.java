package io.github.langchain4j.moi.samples.eval;

import io.github.langchain4j.moi.samples.eval.Countdown.Verdict;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class CountdownTest {

    private static final List<Long> NUMBERS = List.of(4L, 6L, 9L);   // 4 * 9 - 6 = 30

    @ParameterizedTest
    @ValueSource(strings = {"4 * 9 - 6", "(4*9)-6", "9*4-6", "4 * 9 - 6 = 30", "30 = 4 * 9 - 6", "$4 \\times 9 - 6$",
            "4 × 9 − 6", "**4 * 9 - 6**", "`(9 * 4) - 6`.", "4 x 9 - 6", "\\( 4 \\cdot 9 - 6 \\)",
            "\\[ \\boxed{4 \\times 9 - 6} \\]"})
    void acceptsTheTargetWithEachNumberOnce(String answer) {
        assertThat(Countdown.verify(answer, NUMBERS, 30)).isEqualTo(Verdict.CORRECT);
    }

    @Test
    void rejectsAWrongValue() {
        assertThat(Countdown.verify("4 * 9 + 6", NUMBERS, 30)).isEqualTo(Verdict.WRONG_VALUE);
        assertThat(Countdown.verify("4 * 9 - 6 = 30", NUMBERS, 31)).isEqualTo(Verdict.WRONG_VALUE);
    }

    @Test
    void requiresEachNumberExactlyOnce() {
        assertThat(Countdown.verify("4 * 9 - 6 + 0", NUMBERS, 30)).as("an extra number").isEqualTo(Verdict.WRONG_NUMBERS);
        assertThat(Countdown.verify("4 * 9 - 6 + 6 - 6", NUMBERS, 30)).as("a number twice").isEqualTo(Verdict.WRONG_NUMBERS);
        assertThat(Countdown.verify("4 * 9 - 6", List.of(4L, 6L, 9L, 2L), 30)).as("a number left out")
                .isEqualTo(Verdict.WRONG_NUMBERS);
        assertThat(Countdown.verify("5 * 6", NUMBERS, 30)).as("numbers not given").isEqualTo(Verdict.WRONG_NUMBERS);
        assertThat(Countdown.verify("49 - 6 - 13", NUMBERS, 30)).as("digits glued into other numbers")
                .isEqualTo(Verdict.WRONG_NUMBERS);
        assertThat(Countdown.verify("4 + 4", List.of(4L, 4L), 8)).as("repeated numbers are a multiset")
                .isEqualTo(Verdict.CORRECT);
    }

    @Test
    void dividesExactlyWithFractions() {
        assertThat(Countdown.verify("8 / 3 * 3", List.of(8L, 3L, 3L), 8)).isEqualTo(Verdict.CORRECT);
        // with integer division 7 / 2 * 3 would be 9; it is 10.5
        assertThat(Countdown.verify("7 / 2 * 3", List.of(7L, 2L, 3L), 9)).isEqualTo(Verdict.WRONG_VALUE);
        assertThat(Countdown.verify("(1 + 5 / 7) * 7", List.of(1L, 5L, 7L, 7L), 12)).isEqualTo(Verdict.CORRECT);
        assertThat(Countdown.verify("6 / (3 - 3)", List.of(6L, 3L, 3L), 2)).isEqualTo(Verdict.DIVISION_BY_ZERO);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "I cannot solve this", "-4 * 9 + 6", "4 * 9 - 6.0", "(4 * 9 - 6", "4 * 9 - 6)",
            "4 ** 9 - 6", "4 * 9 - 6, which is 30", "4 * 9 - 6 = 30 = 31 - 1", "4 9 6", "4 * 9 - 6 = thirty"})
    void rejectsMalformedAnswers(String answer) {
        assertThat(Countdown.verify(answer, NUMBERS, 30)).isEqualTo(Verdict.MALFORMED);
    }

    @Test
    void generatedInstancesAreSolvableByTheirOwnSolution() {
        Random random = new Random(7);
        for (int count = 3; count <= 4; count++) {
            for (int i = 0; i < 300; i++) {
                Countdown.Instance instance = Countdown.generate(count, random);
                assertThat(instance.numbers()).hasSize(count).allSatisfy(n -> assertThat(n).isBetween(1L, 100L));
                assertThat(instance.target()).isBetween(10L, 100L);
                assertThat(Countdown.verify(instance.solution(), instance.numbers(), instance.target()))
                        .as(instance.toString()).isEqualTo(Verdict.CORRECT);
            }
        }
    }

    @Test
    void theSameSeedGivesTheSameProblems() {
        assertThat(Tasks.COUNTDOWN4.generate(20, 5)).isEqualTo(Tasks.COUNTDOWN4.generate(20, 5));
        assertThat(Tasks.COUNTDOWN4.generate(20, 5)).isNotEqualTo(Tasks.COUNTDOWN4.generate(20, 6));
        List<Problem> problems = Tasks.COUNTDOWN3.generate(5, 1);
        assertThat(problems).extracting(Problem::id).containsExactly("countdown3-1", "countdown3-2", "countdown3-3",
                "countdown3-4", "countdown3-5");
        assertThat(problems.get(0).prompt()).contains("Answer:").contains(problems.get(0).answer());
    }
}
