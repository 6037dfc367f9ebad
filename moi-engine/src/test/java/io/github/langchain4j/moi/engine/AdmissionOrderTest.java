package io.github.langchain4j.moi.engine;

import io.github.langchain4j.moi.testing.TinyModel;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fairness under load (issue 15): requests that queue for a sequence get their first token in the order they
 * arrived, first come first served, whatever their prompts' lengths (no shortest-prompt-first, no newest-first),
 * both when they wait for a free sequence and when several are admitted at once and their prompts are read chunk
 * by chunk (the oldest admitted prompt first). That is what lets "request p waits floor(p / sequences)
 * generations" hold, which the bench's TTFT-under-load section measures against.
 */
class AdmissionOrderTest {

    private static final int SEQUENCES = 3;
    private static final int CHUNK = 8;
    private static final int QUEUED = 9;

    @Test
    void queued_requests_get_their_first_tokens_in_arrival_order() throws Exception {
        EngineConfig config = EngineConfig.of(TinyModel.shared()).withContextSize(256).withThreads(1)
                .withMaxSequences(SEQUENCES).withPrefillChunk(CHUNK);
        try (MoiEngine engine = MoiEngine.load(config)) {
            List<Integer> firstTokenOrder = Collections.synchronizedList(new ArrayList<>());
            CountDownLatch allQueued = new CountDownLatch(1);
            // the first request holds the decoding thread at its first token until every other request is queued
            CompletableFuture<GenerationResult> holder = engine.submit(request("the quick", 4), new GenerationListener() {
                @Override
                public void onStep(MoiStep step) {
                    if (step.step() == 0) {
                        firstTokenOrder.add(-1);
                        await(allQueued);
                    }
                }
            });
            waitUntil(() -> !firstTokenOrder.isEmpty());
            List<CompletableFuture<GenerationResult>> queued = new ArrayList<>();
            for (int i = 0; i < QUEUED; i++) {
                int index = i;
                // the earliest requests have the longest prompts: a shortest-first order would reverse them
                String prompt = "lazy dog ".repeat(QUEUED - i) + "hello world";
                queued.add(engine.submit(request(prompt, 6), new GenerationListener() {
                    @Override
                    public void onStep(MoiStep step) {
                        if (step.step() == 0) {
                            firstTokenOrder.add(index);
                        }
                    }
                }));
            }
            assertThat(engine.queuedRequests()).as("all wait: the decoding thread is held").isEqualTo(QUEUED);
            allQueued.countDown();

            holder.get(60, TimeUnit.SECONDS);
            for (CompletableFuture<GenerationResult> f : queued) {
                f.get(60, TimeUnit.SECONDS);
            }
            List<Integer> expected = new ArrayList<>(List.of(-1));
            IntStream.range(0, QUEUED).forEach(expected::add);
            assertThat(firstTokenOrder).as("first tokens, in the order the requests arrived").isEqualTo(expected);
        }
    }

    private static GenerationRequest request(String prompt, int maxTokens) {
        // OFF and greedy: every request generates its maxTokens (TinyModel's greedy text does not end early)
        return GenerationRequest.of(prompt, SamplingOptions.GREEDY, new MoiOptions(MoiMode.OFF, 1.0, 20), maxTokens)
                .withTrace(true);
    }

    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(60, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the queued requests were not submitted in time");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void waitUntil(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out");
            }
            Thread.sleep(5);
        }
    }
}
