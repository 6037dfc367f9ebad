package io.github.langchain4j.moi.samples.eval;

import io.github.langchain4j.moi.engine.SamplingOptions;
import me.tongfei.progressbar.ProgressBar;

import java.io.IOException;
import java.util.List;

/**
 * Runs every (problem, seed, mode) that the results file does not hold yet, problem by problem so that each problem's
 * modes finish together (paired), appending each result as soon as it is checked.
 */
public final class EvalRunner {

    private final Solver solver;
    private final SamplingOptions sampling;
    private final int maxTokens;
    private final int mixTopK;
    private final String settings;

    public EvalRunner(Solver solver, SamplingOptions sampling, int maxTokens, int mixTopK, String settings) {
        this.solver = solver;
        this.sampling = sampling;
        this.maxTokens = maxTokens;
        this.mixTopK = mixTopK;
        this.settings = settings;
    }

    /**
     * Refuses a results file whose answers were given to other problems under the same ids (a changed prompt,
     * answer or check): resuming would mix two experiments.
     */
    public static void checkSameProblems(List<Problem> problems, ResultsFile results) {
        java.util.Map<String, String> hashes = new java.util.HashMap<>();
        for (Problem problem : problems) {
            hashes.put(problem.id(), problem.fingerprint());
        }
        for (ResultRecord record : results.records()) {
            String expected = hashes.get(record.problem());
            if (expected != null && record.problemHash() != null && !expected.equals(record.problemHash())) {
                throw new IllegalArgumentException(results.path() + " holds answers to another version of problem '"
                        + record.problem() + "' (another prompt, answer or check); use another --out or --name, or "
                        + "delete the file to start over");
            }
        }
    }

    /** How many of the runs are still to do. */
    public static long remaining(List<Problem> problems, List<EvalMode> modes, List<Long> seeds, ResultsFile results) {
        long count = 0;
        for (Problem problem : problems) {
            for (long seed : seeds) {
                for (EvalMode mode : modes) {
                    if (!results.contains(new ResultRecord.Key(problem.id(), mode.label(), seed))) {
                        count++;
                    }
                }
            }
        }
        return count;
    }

    /** Runs what is left; {@code progress} (may be null) steps once per finished answer. */
    public void run(List<Problem> problems, List<EvalMode> modes, List<Long> seeds, ResultsFile results,
                    ProgressBar progress) throws IOException {
        for (Problem problem : problems) {
            for (long seed : seeds) {
                for (EvalMode mode : modes) {
                    ResultRecord.Key key = new ResultRecord.Key(problem.id(), mode.label(), seed);
                    if (results.contains(key)) {
                        continue;
                    }
                    if (progress != null) {
                        progress.setExtraMessage(problem.id() + " " + mode.label());
                    }
                    results.append(solve(problem, mode, seed));
                    if (progress != null) {
                        progress.step();
                    }
                }
            }
        }
    }

    ResultRecord solve(Problem problem, EvalMode mode, long seed) {
        long start = System.nanoTime();
        Solver.Completion completion = solver.solve(problem.prompt(), sampling.withSeed(seed),
                mode.toOptions(mixTopK), maxTokens);
        double seconds = Math.round((System.nanoTime() - start) / 1e7) / 100.0;
        return new ResultRecord(problem.id(), mode.label(), seed, problem.isCorrect(completion.text()),
                completion.tokens(), completion.finish(), Check.finalAnswer(completion.text()), completion.text(),
                seconds, settings, problem.fingerprint());
    }
}
