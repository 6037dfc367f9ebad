package io.github.langchain4j.moi.samples.eval;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One line of the results file: one problem, answered in one mode with one seed.
 *
 * @param problem   the problem id
 * @param mode      the mode label ({@code off}, {@code moi:1}, {@code direct})
 * @param seed      the sampler seed
 * @param correct   whether the check accepted the answer
 * @param tokens    tokens generated for the answer
 * @param finish    why generation ended ({@code stop}, {@code length})
 * @param answer    the final answer the check read
 * @param response  the whole generated text
 * @param seconds   generation time
 * @param settings  fingerprint of the run's settings (task, model, sampler...): a rerun resumes only with the same
 * @param problemHash  {@link Problem#fingerprint()} of the problem answered (null in files written before it existed)
 * @param thinking  the thinking segment's text (think-then-answer or a reasoning model), absent when there was none
 */
public record ResultRecord(String problem, String mode, long seed, boolean correct, int tokens, String finish,
                           String answer, String response, double seconds, String settings, String problemHash,
                           @JsonInclude(JsonInclude.Include.NON_EMPTY) String thinking) {

    /** A result without thinking. */
    public ResultRecord(String problem, String mode, long seed, boolean correct, int tokens, String finish,
                        String answer, String response, double seconds, String settings, String problemHash) {
        this(problem, mode, seed, correct, tokens, finish, answer, response, seconds, settings, problemHash, null);
    }

    /** This answer judged again by its problem's check (results written by an older checker). */
    public ResultRecord rejudged(Problem problem) {
        if (!problem.id().equals(this.problem)) {
            throw new IllegalArgumentException("result of " + this.problem + " judged as " + problem.id());
        }
        return new ResultRecord(this.problem, mode, seed, problem.isCorrect(response), tokens, finish,
                Check.finalAnswer(response), response, seconds, settings, problemHash, thinking);
    }

    /** The resume key. */
    @JsonIgnore
    public Key key() {
        return new Key(problem, mode, seed);
    }

    /** What identifies a result: a rerun skips the keys already in the file. */
    public record Key(String problem, String mode, long seed) {
    }
}
