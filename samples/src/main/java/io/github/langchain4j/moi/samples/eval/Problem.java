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

    /** A short hash of what the model sees and what is checked: results are resumed only for the same problem. */
    public String fingerprint() {
        String text = check + "\u0000" + answer + "\u0000" + numbers + "\u0000" + prompt;
        try {
            byte[] hash = java.security.MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return java.util.HexFormat.of().formatHex(hash, 0, 6);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Whether {@code response}, the model's whole answer, is correct. */
    public boolean isCorrect(String response) {
        return check.isCorrect(this, response);
    }
}
