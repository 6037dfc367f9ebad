package io.github.langchain4j.moi.samples.soak;

import io.github.langchain4j.moi.engine.PromptText;
import io.github.langchain4j.moi.engine.MoiMode;
import io.github.langchain4j.moi.engine.ChatTurn;
import io.github.langchain4j.moi.engine.EngineConfig;
import io.github.langchain4j.moi.engine.FinishReason;
import io.github.langchain4j.moi.engine.GenerationListener;
import io.github.langchain4j.moi.engine.GenerationRequest;
import io.github.langchain4j.moi.engine.GenerationResult;
import io.github.langchain4j.moi.engine.MoiEngine;
import io.github.langchain4j.moi.engine.MoiOptions;
import io.github.langchain4j.moi.engine.SamplingOptions;
import io.github.langchain4j.moi.samples.bench.Rss;

import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs cycles of concurrent requests (mixed modes, some cancelled) against one engine, or a freshly loaded
 * engine per cycle, and watches the process's resident memory between cycles: a leak shows as steady growth.
 */
public final class SoakRunner {

    /** One cycle's figures. */
    public record Cycle(int index, int done, int cancelled, int failures, double rssMib, double growthMib,
                        double outsideHeapMib, double seconds) {
    }

    /** The whole run: RSS before loading and at the end, each cycle, and the verdict. */
    public record Report(double startRssMib, double endRssMib, List<Cycle> cycles, double medianGrowthMib,
                         int failures, boolean passed) {
    }

    /**
     * @param cycles        how many cycles
     * @param requests      requests per cycle
     * @param concurrency   client threads, and the engine's sequences
     * @param maxTokens     the most tokens per request
     * @param reload        close the engine and load it again every cycle
     * @param maxGrowthMib  the median RSS growth per cycle (after the first) above which the run fails
     */
    public record Settings(int cycles, int requests, int concurrency, int maxTokens, boolean reload, double maxGrowthMib) {
        public Settings {
            if (cycles < 2) {
                // the first cycle loads the model and warms up: growth is judged on the cycles after it
                throw new IllegalArgumentException("cycles must be >= 2 (the first cycle is the warm-up, memory "
                        + "growth is judged on the cycles after it), was " + cycles);
            }
            positive(requests, "requests");
            positive(concurrency, "concurrency");
            positive(maxTokens, "max-tokens");
            if (concurrency > 64) {
                throw new IllegalArgumentException("concurrency must be at most 64, was " + concurrency);
            }
        }

        private static void positive(int value, String option) {
            if (value < 1) {
                throw new IllegalArgumentException(option + " must be >= 1, was " + value);
            }
        }
    }

    /** A request that has not ended this long after its cycle started is a failure (a hang). */
    static final long REQUEST_TIMEOUT_SECONDS = 600;
    private static final String[] QUESTIONS = {"Write a haiku about the sea.", "What is 17 times 23?",
            "Name three sorting algorithms.", "Explain recursion in one sentence.", "Say hello in French."};

    private final EngineConfig config;
    private final Settings settings;
    private final PrintWriter out;

    /** {@code config}'s maxSequences is replaced by the concurrency. */
    public SoakRunner(EngineConfig config, Settings settings, PrintWriter out) {
        this.config = Objects.requireNonNull(config, "config").withMaxSequences(settings.concurrency());
        this.settings = Objects.requireNonNull(settings, "settings");
        this.out = Objects.requireNonNull(out, "out");
    }

    public Report run() throws InterruptedException {
        double startRss = measuredRss();
        out.printf(Locale.ROOT, "soak: %s, %d cycles x %d requests, concurrency %d, max %d tokens%s; RSS at start %.1f MiB%n",
                config.modelPath().getFileName(), settings.cycles(), settings.requests(), settings.concurrency(),
                settings.maxTokens(), settings.reload() ? ", engine reloaded every cycle" : "", startRss);
        out.flush();
        List<Cycle> cycles = new ArrayList<>();
        ExecutorService clients = Executors.newFixedThreadPool(settings.concurrency());
        MoiEngine engine = null;
        double previous = startRss;
        try {
            for (int c = 1; c <= settings.cycles(); c++) {
                long start = System.nanoTime();
                if (engine == null) {
                    engine = MoiEngine.load(config);
                }
                int[] counts = runCycle(engine, clients, new Random(c));
                if (settings.reload()) {
                    engine.close();
                    engine = null;
                }
                double rss = measuredRss();
                Cycle cycle = new Cycle(c, counts[0], counts[1], counts[2], rss, rss - previous, rss - committedHeapMib(),
                        (System.nanoTime() - start) / 1e9);
                previous = rss;
                cycles.add(cycle);
                out.printf(Locale.ROOT, "cycle %d/%d: %d requests done (%d cancelled), %d failures, RSS %.1f MiB (%+.1f MiB), "
                                + "outside the Java heap %.1f MiB, %.1f s%n",
                        c, settings.cycles(), cycle.done(), cycle.cancelled(), cycle.failures(), rss, cycle.growthMib(),
                        cycle.outsideHeapMib(), cycle.seconds());
                out.flush();
            }
        } finally {
            if (engine != null) {
                engine.close();
            }
            clients.shutdownNow();
        }
        return summarize(startRss, cycles);
    }

    /** Returns {done, cancelled, failures}. */
    private int[] runCycle(MoiEngine engine, ExecutorService clients, Random random) throws InterruptedException {
        List<Future<FinishReason>> futures = new ArrayList<>();
        for (int i = 0; i < settings.requests(); i++) {
            MoiMode mode = MoiMode.values()[i % MoiMode.values().length];
            String question = QUESTIONS[random.nextInt(QUESTIONS.length)];
            PromptText prompt = engine.applyChatTemplate(List.of(new ChatTurn("user", question)), true);
            int maxTokens = 1 + random.nextInt(settings.maxTokens());
            // about one request in four is cancelled at a random step
            int cancelAt = random.nextInt(4) == 0 ? random.nextInt(maxTokens + 1) : Integer.MAX_VALUE;
            GenerationRequest request = GenerationRequest.of(prompt, SamplingOptions.DEFAULTS.withSeed(random.nextLong()),
                    new MoiOptions(mode, MoiOptions.DEFAULT_BETA, MoiOptions.DEFAULT_MIX_TOP_K), maxTokens);
            futures.add(clients.submit(() -> engine.generate(request, cancelAfter(cancelAt)).finishReason()));
        }
        int done = 0;
        int cancelled = 0;
        int failures = 0;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(REQUEST_TIMEOUT_SECONDS);
        for (Future<FinishReason> future : futures) {
            try {
                FinishReason reason = future.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                done++;
                if (reason == FinishReason.CANCELLED) {
                    cancelled++;
                }
            } catch (java.util.concurrent.ExecutionException e) {
                failures++;
                out.println("  request failed: " + e.getCause());
            } catch (TimeoutException e) {
                failures++;
                future.cancel(true);
                out.println("  request did not finish within " + REQUEST_TIMEOUT_SECONDS + " s");
            }
        }
        return new int[] {done, cancelled, failures};
    }

    /**
     * VmRSS after a full GC: garbage still waiting for collection (heap, and buffers such as the embedding table's
     * file mappings, which are released when collected) is not counted as growth.
     */
    private static double measuredRss() {
        System.gc();
        return Rss.currentMib();
    }

    private static double committedHeapMib() {
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getCommitted() / (1024.0 * 1024.0);
    }

    private static GenerationListener cancelAfter(int polls) {
        AtomicInteger count = new AtomicInteger();
        return new GenerationListener() {
            @Override
            public boolean isCancelled() {
                return count.incrementAndGet() > polls;
            }
        };
    }

    private Report summarize(double startRss, List<Cycle> cycles) {
        // the first cycle loads the model and warms up: its growth is not a leak
        List<Double> growth = new ArrayList<>();
        for (Cycle cycle : cycles.subList(Math.min(1, cycles.size()), cycles.size())) {
            growth.add(cycle.growthMib());
        }
        double median = median(growth);
        int failures = cycles.stream().mapToInt(Cycle::failures).sum();
        double endRss = cycles.isEmpty() ? startRss : cycles.get(cycles.size() - 1).rssMib();
        boolean stable = median <= settings.maxGrowthMib();
        boolean passed = failures == 0 && stable;
        out.printf(Locale.ROOT, "RSS: start %.1f MiB, end %.1f MiB; median growth per cycle (after the first) %+.1f MiB%n",
                startRss, endRss, median);
        out.printf(Locale.ROOT, "verdict: %s (%d failures; median growth %+.1f MiB per cycle, limit %.1f MiB)%n",
                passed ? "PASS" : "FAIL", failures, median, settings.maxGrowthMib());
        out.flush();
        return new Report(startRss, endRss, List.copyOf(cycles), median, failures, passed);
    }

    static double median(List<Double> values) {
        if (values.isEmpty()) {
            return 0;
        }
        List<Double> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }
}
