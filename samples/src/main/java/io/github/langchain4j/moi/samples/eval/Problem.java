package io.github.langchain4j.moi.samples.eval;

import java.util.List;
import java.util.Objects;

/**
 * One evaluation problem: the prompt sent to the model (as one user turn), how the answer is checked, and the
 * expected answer.
 *
 * @param id       unique within its task or dataset; the key of its results
 * @param prompt   the user message
 * @param check    how the response is judged
 * @param answer   the expected answer (for {@link Check#COUNTDOWN}: the target, as an integer)
 * @param numbers  {@link Check#COUNTDOWN} only: the numbers to use, each exactly once; empty otherwise
 */
public record Problem(String id, String prompt, Check check, String answer, List<Long> numbers) {

    public Problem {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(prompt, "prompt");
        Objects.requireNonNull(check, "check");
        Objects.requireNonNull(answer, "answer");
        numbers = numbers == null ? List.of() : List.copyOf(numbers);
        if (check == Check.COUNTDOWN) {
            if (numbers.isEmpty()) {
                throw new IllegalArgumentException("a countdown problem needs numbers");
            }
            try {
                Long.parseLong(answer);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("a countdown target must be an integer, was '" + answer + "'");
            }
        }
    }

    /** Whether {@code response}, the model's whole answer, is correct. */
    public boolean isCorrect(String response) {
        return check.isCorrect(this, response);
    }
}
