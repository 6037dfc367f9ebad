package io.github.langchain4j.moi.samples.eval;

import io.github.langchain4j.moi.engine.SamplingOptions;
import me.tongfei.progressbar.ProgressBar;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Runs every (problem, seed, mode) that the results file does not hold yet, problem by problem so that each problem's
 * modes finish together (paired), appending each result as soon as it is checked. With a concurrency above 1, that
 * many answers are generated at once (the engine decodes them in one batch: its maxSequences must be as large).
 */
public final class EvalRunner {

    private final Solver solver;
    private final SamplingOptions sampling;
    private final int maxTokens;
    private final int mixTopK;
    private final String settings;
    private final int concurrency;

    /** What a run did: answers, generated tokens and wall-clock seconds. */
    public record Throughput(long answers, long tokens, double seconds) {
        public double tokensPerSecond() {
            return seconds > 0 ? tokens / seconds : 0;
        }

        public double answersPerMinute() {
            return seconds > 0 ? answers * 60 / seconds : 0;
        }
    }

    public EvalRunner(Solver solver, SamplingOptions sampling, int maxTokens, int mixTopK, String settings) {
        this(solver, sampling, maxTokens, mixTopK, settings, 1);
    }

    public EvalRunner(Solver solver, SamplingOptions sampling, int maxTokens, int mixTopK, String settings,
                      int concurrency) {
        if (concurrency < 1) {
            throw new IllegalArgumentException("concurrency must be >= 1, was " + concurrency);
        }
        this.solver = solver;
        this.sampling = sampling;
        this.maxTokens = maxTokens;
        this.mixTopK = mixTopK;
        this.settings = settings;
        this.concurrency = concurrency;
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
    public Throughput run(List<Problem> problems, List<EvalMode> modes, List<Long> seeds, ResultsFile results,
                          ProgressBar progress) throws IOException {
        List<Runnable> todo = new ArrayList<>();
        AtomicLong tokens = new AtomicLong();
        for (Problem problem : problems) {
            for (long seed : seeds) {
                for (EvalMode mode : modes) {
                    ResultRecord.Key key = new ResultRecord.Key(problem.id(), mode.label(), seed);
                    if (results.contains(key)) {
                        continue;
                    }
                    todo.add(() -> {
                        ResultRecord record = solve(problem, mode, seed);
                        try {
                            results.append(record);
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                        tokens.addAndGet(record.tokens());
                        if (progress != null) {
                            synchronized (progress) {
                                progress.setExtraMessage(problem.id() + " " + mode.label());
                                progress.step();
                            }
                        }
                    });
                }
            }
        }
        long start = System.nanoTime();
        if (concurrency == 1) {
            try {
                todo.forEach(Runnable::run);
            } catch (UncheckedIOException e) {
                throw e.getCause();
            }
        } else {
            runConcurrently(todo);
        }
        return new Throughput(todo.size(), tokens.get(), (System.nanoTime() - start) / 1e9);
    }

    /** Up to {@code concurrency} answers at once, in order; the first failure stops the rest and is thrown. */
    private void runConcurrently(List<Runnable> todo) throws IOException {
        ExecutorService pool = Executors.newFixedThreadPool(concurrency, r -> {
            Thread thread = new Thread(r, "eval-worker");
            thread.setDaemon(true);
            return thread;
        });
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (Runnable task : todo) {
                futures.add(pool.submit(task));
            }
            for (Future<?> future : futures) {
                future.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("eval interrupted", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof UncheckedIOException io) {
                throw io.getCause();
            }
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException(cause);
        } finally {
            pool.shutdownNow();
        }
    }

    ResultRecord solve(Problem problem, EvalMode mode, long seed) {
        long start = System.nanoTime();
        Solver.Completion completion = solver.solve(problem.prompt(), sampling.withSeed(seed),
                mode.toOptions(mixTopK), maxTokens);
        double seconds = Math.round((System.nanoTime() - start) / 1e7) / 100.0;
        return new ResultRecord(problem.id(), mode.label(), seed, problem.isCorrect(completion.text()),
                completion.tokens(), completion.finish(), Check.finalAnswer(completion.text()), completion.text(),
                seconds, settings, problem.fingerprint(), completion.thinking());
    }
}
