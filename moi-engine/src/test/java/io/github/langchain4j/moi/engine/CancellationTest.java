package io.github.langchain4j.moi.engine;

import io.github.langchain4j.moi.testing.TinyModel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every way of giving up on a generation ends it and frees its sequence within a step: cancelling the future
 * of {@link MoiEngine#submit}, interrupting a caller blocked in {@link MoiEngine#generate}, a listener asking
 * to stop, a listener that throws. Each generation here would run for seconds (a slow listener, 250 tokens),
 * so a cancel that does not reach the decode loop keeps the only sequence busy far past the bound.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CancellationTest {

    private static final long FREED_WITHIN_MILLIS = 1_000;
    private static final int LONG = 250;

    private static MoiEngine engine;

    @BeforeAll
    static void load() {
        // one sequence: a generation that is not freed blocks the next request
        engine = MoiEngine.load(EngineConfig.of(TinyModel.shared()).withContextSize(256).withThreads(1).withMaxSequences(1));
    }

    @AfterAll
    static void close() {
        engine.close();
    }

    private static GenerationRequest request(int maxTokens) {
        return GenerationRequest.of("the quick brown fox", SamplingOptions.DEFAULTS, MoiOptions.DEFAULTS, maxTokens);
    }

    /** Takes 20 ms per token (a long generation takes seconds) and counts the tokens; opens the latch at the first. */
    private static final class SlowListener implements GenerationListener {
        final AtomicInteger texts = new AtomicInteger();
        final CountDownLatch first = new CountDownLatch(1);

        @Override
        public void onText(String text) {
            texts.incrementAndGet();
            first.countDown();
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static void assertFreedPromptly() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(FREED_WITHIN_MILLIS);
        while (engine.activeSequences() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(engine.activeSequences()).as("sequences still generating " + FREED_WITHIN_MILLIS + " ms after the cancel")
                .isZero();
        // and the next request gets the sequence at once: 4 tokens, nowhere near the seconds a leftover would take
        long start = System.nanoTime();
        assertThat(engine.generate(request(4), null).outputTokens()).isEqualTo(4);
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(FREED_WITHIN_MILLIS);
    }

    @Test
    void cancelling_the_submitted_future_ends_the_generation() throws Exception {
        SlowListener listener = new SlowListener();
        CompletableFuture<GenerationResult> future = engine.submit(request(LONG), listener);
        assertThat(listener.first.await(10, TimeUnit.SECONDS)).isTrue();

        assertThat(future.cancel(true)).isTrue();

        assertFreedPromptly();
        assertThat(listener.texts.get()).isLessThan(LONG / 2);
        assertThat(future).isCancelled();
    }

    @Test
    void interrupting_a_blocked_caller_ends_its_generation() throws Exception {
        SlowListener listener = new SlowListener();
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread caller = new Thread(() -> {
            try {
                engine.generate(request(LONG), listener);
            } catch (Throwable t) {
                thrown.set(t);
            }
        });
        caller.start();
        assertThat(listener.first.await(10, TimeUnit.SECONDS)).isTrue();

        caller.interrupt();
        caller.join(FREED_WITHIN_MILLIS);

        assertThat(caller.isAlive()).isFalse();
        assertThat(thrown.get()).isInstanceOf(MoiEngineException.class).hasMessageContaining("interrupted");
        assertFreedPromptly();
        assertThat(listener.texts.get()).isLessThan(LONG / 2);
    }

    @Test
    void a_listener_asking_to_stop_ends_the_generation_with_cancelled() throws Exception {
        SlowListener slow = new SlowListener();
        GenerationResult result = engine.generate(request(LONG), new GenerationListener() {
            @Override
            public void onText(String text) {
                slow.onText(text);
            }

            @Override
            public boolean isCancelled() {
                return slow.texts.get() >= 3;
            }
        });

        assertThat(result.finishReason()).isEqualTo(FinishReason.CANCELLED);
        assertThat(slow.texts.get()).isLessThanOrEqualTo(4);
        assertFreedPromptly();
    }

    @Test
    void a_listener_that_throws_ends_the_generation_with_its_exception() throws Exception {
        AtomicInteger texts = new AtomicInteger();
        CompletableFuture<GenerationResult> future = engine.submit(request(LONG), new GenerationListener() {
            @Override
            public void onText(String text) {
                if (texts.incrementAndGet() == 2) {
                    throw new IllegalStateException("the consumer is gone");
                }
            }
        });

        assertThat(future).failsWithin(10, TimeUnit.SECONDS).withThrowableOfType(Exception.class)
                .havingRootCause().withMessage("the consumer is gone");
        assertThat(texts.get()).isEqualTo(2);
        assertFreedPromptly();
    }

    @Test
    void a_request_cancelled_while_queued_never_starts() throws Exception {
        SlowListener running = new SlowListener();
        CompletableFuture<GenerationResult> first = engine.submit(request(LONG), running);
        assertThat(running.first.await(10, TimeUnit.SECONDS)).isTrue();
        AtomicInteger queuedTexts = new AtomicInteger();
        CompletableFuture<GenerationResult> queued = engine.submit(request(LONG), new GenerationListener() {
            @Override
            public void onText(String text) {
                queuedTexts.incrementAndGet();
            }
        });

        queued.cancel(false);
        first.cancel(false);

        assertFreedPromptly();
        assertThat(queuedTexts.get()).isZero();
        assertThat(engine.queuedRequests()).isZero();
    }
}
