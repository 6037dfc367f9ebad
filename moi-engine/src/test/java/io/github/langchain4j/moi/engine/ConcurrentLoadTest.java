package io.github.langchain4j.moi.engine;

import io.github.langchain4j.moi.testing.TinyModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

/**
 * Many clients against one engine on the tiny model: mixed modes and lengths, cancellations, listeners that
 * throw, stop strings, a full queue and close() under load. Every request ends (a result or a clean exception)
 * within a timeout, nothing deadlocks, and the engine is idle and usable afterwards.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ConcurrentLoadTest {

    private static final int CLIENTS = 16;
    private static final int REQUESTS_PER_CLIENT = 10;
    private static final long TIMEOUT_SECONDS = 60;
    private static final String[] PROMPTS = {"the quick brown fox", "hello world", "once upon a time there was a cat",
            "the lazy dog", "a fox and then it jumps over the dog"};

    /** One thread: on a 2-core machine, llama.cpp's threads spinning against the JVM's make each token much slower. */
    private static MoiEngine load(int contextSize, int maxSequences) {
        return MoiEngine.load(EngineConfig.of(TinyModel.shared()).withContextSize(contextSize).withThreads(1)
                .withMaxSequences(maxSequences));
    }

    private static GenerationRequest request(String prompt, MoiMode mode, int maxTokens, List<String> stops) {
        return new GenerationRequest(prompt, SamplingOptions.DEFAULTS, new MoiOptions(mode, 1.0, 20), maxTokens, stops,
                null, false);
    }

    /** What a request was set up to do, and what it should end with. */
    private enum Kind { PLAIN, CANCEL, THROW_ON_TEXT, THROW_ON_POLL, THROW_ERROR, STOP_STRING }

    private record Outcome(Kind kind, GenerationRequest request, GenerationResult result, Throwable error,
                           Throwable thrown) {
    }

    @Test
    void many_clients_with_cancellations_throwing_listeners_and_stop_strings_all_finish() throws Exception {
        try (MoiEngine engine = load(128, 4)) {
            ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
            try {
                List<Future<List<Outcome>>> futures = new ArrayList<>();
                for (int c = 0; c < CLIENTS; c++) {
                    long seed = 1000L + c;
                    futures.add(clients.submit(() -> runClient(engine, new Random(seed))));
                }
                List<Outcome> outcomes = new ArrayList<>();
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
                for (Future<List<Outcome>> future : futures) {
                    outcomes.addAll(getOrDump(future, deadline));
                }
                assertThat(outcomes).hasSize(CLIENTS * REQUESTS_PER_CLIENT);
                outcomes.forEach(ConcurrentLoadTest::check);
                assertThat(outcomes.stream().filter(o -> o.kind == Kind.CANCEL
                        && o.result.finishReason() == FinishReason.CANCELLED)).as("cancelled requests").isNotEmpty();
                assertThat(outcomes.stream().filter(o -> o.error != null)).as("failed requests").isNotEmpty();
            } finally {
                clients.shutdownNow();
            }
            assertThat(engine.activeSequences()).isZero();
            assertThat(engine.queuedRequests()).isZero();
            GenerationResult fresh = engine.generate(request("the quick brown fox", MoiMode.MOI, 5, List.of()), null);
            assertThat(fresh.outputTokens()).isEqualTo(5);
            assertThat(fresh.finishReason()).isEqualTo(FinishReason.LENGTH);
        }
    }

    private static List<Outcome> runClient(MoiEngine engine, Random random) {
        List<Outcome> outcomes = new ArrayList<>();
        for (int i = 0; i < REQUESTS_PER_CLIENT; i++) {
            MoiMode mode = MoiMode.values()[random.nextInt(3)];
            int maxTokens = 1 + random.nextInt(24);
            double roll = random.nextDouble();
            Kind kind = roll < 0.30 ? Kind.CANCEL : roll < 0.36 ? Kind.THROW_ON_TEXT : roll < 0.40 ? Kind.THROW_ON_POLL
                    : roll < 0.43 ? Kind.THROW_ERROR : roll < 0.53 ? Kind.STOP_STRING : Kind.PLAIN;
            // single letters are frequent in the tiny model's output: such a stop string ends most requests early
            List<String> stops = kind == Kind.STOP_STRING ? List.of(String.valueOf((char) ('a' + random.nextInt(26))), "fox")
                    : List.of();
            GenerationRequest request = request(PROMPTS[random.nextInt(PROMPTS.length)], mode, maxTokens, stops);
            int at = random.nextInt(maxTokens + 1);
            RuntimeException boom = new IllegalStateException("listener failure " + i);
            AssertionError error = new AssertionError("listener error " + i);
            AtomicInteger polls = new AtomicInteger();
            AtomicInteger texts = new AtomicInteger();
            GenerationListener listener = new GenerationListener() {
                @Override
                public void onText(String text) {
                    int n = texts.incrementAndGet();
                    if (kind == Kind.THROW_ON_TEXT && n > at / 2) {
                        throw boom;
                    }
                    if (kind == Kind.THROW_ERROR && n > at / 2) {
                        throw error;
                    }
                }

                @Override
                public boolean isCancelled() {
                    int n = polls.incrementAndGet();
                    if (kind == Kind.THROW_ON_POLL && n > at) {
                        throw boom;
                    }
                    return kind == Kind.CANCEL && n > at;
                }
            };
            Throwable thrown = kind == Kind.THROW_ERROR ? error
                    : kind == Kind.THROW_ON_TEXT || kind == Kind.THROW_ON_POLL ? boom : null;
            try {
                outcomes.add(new Outcome(kind, request, engine.generate(request, listener), null, thrown));
            } catch (RuntimeException | AssertionError e) {
                outcomes.add(new Outcome(kind, request, null, e, thrown));
            }
        }
        return outcomes;
    }

    private static void check(Outcome o) {
        String what = o.kind + " " + o.request.moi().mode() + " maxTokens=" + o.request.maxTokens();
        if (o.error != null) {
            // only a throwing listener may fail its request, and then with exactly what it threw
            assertThat(o.thrown).as("%s failed with %s", what, o.error).isNotNull();
            assertThat(o.error).as(what).isSameAs(o.thrown);
            return;
        }
        GenerationResult r = o.result;
        assertThat(r.outputTokens()).as(what).isBetween(0, o.request.maxTokens());
        switch (o.kind) {
            case CANCEL -> assertThat(r.finishReason()).as(what)
                    .isIn(FinishReason.CANCELLED, FinishReason.LENGTH, FinishReason.STOP);
            case STOP_STRING -> {
                assertThat(r.finishReason()).as(what).isIn(FinishReason.STOP, FinishReason.LENGTH);
                for (String stop : o.request.stopStrings()) {
                    assertThat(r.text()).as(what).doesNotContain(stop);
                }
            }
            case PLAIN -> {
                assertThat(r.finishReason()).as(what).isIn(FinishReason.LENGTH, FinishReason.STOP);
                if (r.finishReason() == FinishReason.LENGTH) {
                    assertThat(r.outputTokens()).as(what).isEqualTo(o.request.maxTokens());
                }
            }
            // a throwing listener whose request ended before it threw
            default -> assertThat(r.finishReason()).as(what).isIn(FinishReason.LENGTH, FinishReason.STOP);
        }
    }

    @Test
    void a_full_queue_refuses_further_requests() throws Exception {
        try (MoiEngine engine = load(64, 1)) {
            CountDownLatch holding = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            GenerationListener blocker = new GenerationListener() {
                @Override
                public void onText(String text) {
                    holding.countDown();
                    await(release); // holds the one sequence and the decoding thread: the queue fills without work
                }
            };
            ExecutorService callers = Executors.newCachedThreadPool();
            try {
                Future<GenerationResult> held = callers.submit(
                        () -> engine.generate(request("the fox", MoiMode.MOI, 3, List.of()), blocker));
                assertThat(holding.await(TIMEOUT_SECONDS, TimeUnit.SECONDS)).isTrue();
                List<Future<GenerationResult>> queued = new ArrayList<>();
                for (int i = 0; i < MoiEngine.QUEUE_CAPACITY; i++) {
                    MoiMode mode = MoiMode.values()[i % 3];
                    queued.add(callers.submit(() -> engine.generate(request("hello world", mode, 2, List.of()), null)));
                }
                waitFor(() -> engine.queuedRequests() == MoiEngine.QUEUE_CAPACITY, "queue to fill");
                for (int i = 0; i < 3; i++) {
                    assertThatThrownBy(() -> engine.generate(request("the dog", MoiMode.OFF, 2, List.of()), null))
                            .isInstanceOf(MoiEngineException.class).hasMessageContaining("queue is full");
                }
                release.countDown();
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
                assertThat(getOrDump(held, deadline).outputTokens()).isEqualTo(3);
                for (Future<GenerationResult> future : queued) {
                    assertThat(getOrDump(future, deadline).outputTokens()).isEqualTo(2);
                }
            } finally {
                release.countDown();
                callers.shutdownNow();
            }
            assertThat(engine.activeSequences()).isZero();
            assertThat(engine.generate(request("the dog", MoiMode.OFF, 2, List.of()), null).outputTokens()).isEqualTo(2);
        }
    }

    @Test
    void close_cancels_active_requests_and_fails_queued_ones() throws Exception {
        MoiEngine engine = load(256, 2);
        GenerationListener slow = new GenerationListener() {
            @Override
            public void onText(String text) {
                sleep(2);
            }
        };
        ExecutorService callers = Executors.newCachedThreadPool();
        try {
            List<Future<GenerationResult>> active = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                MoiMode mode = i == 0 ? MoiMode.MOI : MoiMode.OFF;
                active.add(callers.submit(() -> engine.generate(request("the fox", mode, Integer.MAX_VALUE, List.of()), slow)));
            }
            waitFor(() -> engine.activeSequences() == 2, "both sequences to be busy");
            List<Future<GenerationResult>> queued = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                queued.add(callers.submit(() -> engine.generate(request("hello world", MoiMode.DIRECT, 4, List.of()), null)));
            }
            waitFor(() -> engine.queuedRequests() == 5, "five requests to queue");

            Future<?> closing = callers.submit(engine::close);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
            getOrDump(closing, deadline);
            for (Future<GenerationResult> future : active) {
                assertThat(getOrDump(future, deadline).finishReason()).isEqualTo(FinishReason.CANCELLED);
            }
            for (Future<GenerationResult> future : queued) {
                assertThatThrownBy(() -> getOrDump(future, deadline)).isInstanceOf(ExecutionException.class)
                        .cause().isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
            }
            assertThat(engine.nativeModel().isClosed()).isTrue();
            assertThatThrownBy(() -> engine.generate(request("the fox", MoiMode.OFF, 2, List.of()), null))
                    .isInstanceOf(IllegalStateException.class);
        } finally {
            engine.close();
            callers.shutdownNow();
        }
    }

    @Test
    void a_listener_that_throws_while_close_flushes_held_text_fails_only_its_request() throws Exception {
        // every character the first request writes (lower-case letters: its grammar, which can end only after 24 z
        // in a row) starts a stop string that never completes, so the matcher always holds text back for the final
        // flush. (Unconstrained, the tiny model's byte tokens now and then form a valid two-byte character that no
        // stop string starts.)
        List<String> stops = new ArrayList<>();
        for (char c = 'a'; c <= 'z'; c++) {
            stops.add(c + "\uFFFF");
        }
        String lettersForever = "root ::= [a-z]+ \"" + "z".repeat(24) + "\"";
        MoiEngine engine = load(256, 2);
        RuntimeException boom = new IllegalStateException("listener failure while closing");
        GenerationListener throwsOnceClosed = new GenerationListener() {
            @Override
            public void onText(String text) {
                if (engine.isClosed()) {
                    throw boom;
                }
            }
        };
        CountDownLatch secondStarted = new CountDownLatch(1);
        GenerationListener closesOnThirdText = new GenerationListener() {
            final AtomicInteger texts = new AtomicInteger();

            @Override
            public void onText(String text) {
                await(secondStarted);
                if (texts.incrementAndGet() == 3) {
                    engine.close(); // from the decoding thread: the engine closes when this step ends
                }
            }
        };
        ExecutorService callers = Executors.newCachedThreadPool();
        try {
            Future<GenerationResult> first = callers.submit(() -> engine.generate(new GenerationRequest("the fox",
                    SamplingOptions.DEFAULTS, MoiOptions.DEFAULTS, Integer.MAX_VALUE, stops, lettersForever, false),
                    throwsOnceClosed));
            waitFor(() -> engine.activeSequences() == 1, "the first request to start");
            Future<GenerationResult> second = callers.submit(() -> engine.generate(new GenerationRequest("hello",
                    SamplingOptions.DEFAULTS, MoiOptions.OFF, Integer.MAX_VALUE, stops, null, false), closesOnThirdText));
            waitFor(() -> engine.activeSequences() == 2, "both sequences to be busy");
            Future<GenerationResult> queued = callers.submit(
                    () -> engine.generate(request("the dog", MoiMode.OFF, 2, List.of()), null));
            waitFor(() -> engine.queuedRequests() == 1, "a request to queue");
            secondStarted.countDown();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
            try {
                GenerationResult r = getOrDump(first, deadline);
                fail("first ended with " + r.finishReason() + " text " + r.text().codePoints().boxed().toList());
            } catch (ExecutionException e) {
                assertThat(e.getCause()).isSameAs(boom);
            }
            assertThat(getOrDump(second, deadline).finishReason()).isEqualTo(FinishReason.CANCELLED);
            assertThatThrownBy(() -> getOrDump(queued, deadline)).isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
            waitFor(() -> engine.nativeModel().isClosed(), "the model to be freed");
        } finally {
            engine.close();
            callers.shutdownNow();
        }
    }

    private static <T> T getOrDump(Future<T> future, long deadlineNanos) throws Exception {
        try {
            return future.get(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            return fail("a request did not finish within " + TIMEOUT_SECONDS + " s; threads:\n" + threadDump());
        }
    }

    private static void waitFor(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out waiting for " + what + "; threads:\n" + threadDump());
            }
            Thread.sleep(1);
        }
    }

    private static String threadDump() {
        StringBuilder dump = new StringBuilder();
        for (Map.Entry<Thread, StackTraceElement[]> entry : Thread.getAllStackTraces().entrySet()) {
            dump.append('"').append(entry.getKey().getName()).append("\" ").append(entry.getKey().getState()).append('\n');
            for (StackTraceElement frame : entry.getValue()) {
                dump.append("    at ").append(frame).append('\n');
            }
        }
        return dump.toString();
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
