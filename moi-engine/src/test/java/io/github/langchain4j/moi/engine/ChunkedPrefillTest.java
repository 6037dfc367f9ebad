package io.github.langchain4j.moi.engine;

import io.github.langchain4j.moi.testing.TinyModel;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Chunked prefill on the tiny synthetic model: a long prompt that arrives while other streams generate is read a
 * chunk per step next to their inputs (they keep producing tokens meanwhile), and its answer is the one it gets
 * when read alone, in a fresh engine; the blocks it leaves in the prompt cache are exact for a later prompt that
 * extends it. The running streams feed MoI mixtures (the chunk then goes as embedding rows) or token ids.
 */
class ChunkedPrefillTest {

    private static final int CHUNK = 16;
    private static final int RUNNING = 3;

    private static EngineConfig config() {
        return EngineConfig.of(TinyModel.shared()).withContextSize(256).withThreads(1).withMaxSequences(RUNNING + 1)
                .withPrefillChunk(CHUNK);
    }

    private static GenerationRequest longRequest(String prompt) {
        return GenerationRequest.of(prompt, SamplingOptions.GREEDY, new MoiOptions(MoiMode.MOI, 1.0, 20), 12);
    }

    private static String longPrompt() {
        return "once upon a time there was a lazy dog and then it jumps over the quick brown fox ".repeat(2);
    }

    @ParameterizedTest
    @EnumSource(value = MoiMode.class, names = {"MOI", "OFF"})
    void a_prompt_read_next_to_running_streams_gives_the_answer_it_gets_alone(MoiMode runningMode) throws Exception {
        String prompt = longPrompt();
        String extended = prompt + "hello world";
        int[] alone;
        int[] extendedCold;
        try (MoiEngine fresh = MoiEngine.load(config())) {
            alone = fresh.generate(longRequest(prompt), null).tokens();
        }
        try (MoiEngine fresh = MoiEngine.load(config())) {
            extendedCold = fresh.generate(longRequest(extended), null).tokens();
        }

        try (MoiEngine engine = MoiEngine.load(config())) {
            int promptTokens = engine.countTokens(PromptText.text(prompt));
            assertThat(promptTokens).as("several chunks").isGreaterThan(4 * CHUNK);
            AtomicInteger othersTokens = new AtomicInteger();
            CountDownLatch othersRunning = new CountDownLatch(RUNNING);
            List<CompletableFuture<GenerationResult>> others = new ArrayList<>();
            for (int s = 0; s < RUNNING; s++) {
                GenerationRequest running = GenerationRequest.of(List.of("the quick", "hello world", "a lazy cat").get(s),
                        SamplingOptions.GREEDY, new MoiOptions(runningMode, 1.0, 20), 200).withTrace(true);
                others.add(engine.submit(running, new GenerationListener() {
                    boolean first = true;

                    @Override
                    public void onStep(MoiStep step) { // every token (a token's text may be empty or held back)
                        othersTokens.incrementAndGet();
                        if (first) {
                            first = false;
                            othersRunning.countDown();
                        }
                    }
                }));
            }
            assertThat(othersRunning.await(60, TimeUnit.SECONDS)).isTrue();
            int atSubmit = othersTokens.get();
            AtomicInteger atFirstToken = new AtomicInteger(-1);
            GenerationResult interleaved = engine.generate(longRequest(prompt), new GenerationListener() {
                @Override
                public void onText(String text) {
                    atFirstToken.compareAndSet(-1, othersTokens.get()); // on the decoding thread: no race with the others
                }
            });
            for (CompletableFuture<GenerationResult> other : others) {
                assertThat(other.get(60, TimeUnit.SECONDS).finishReason()).as("still running meanwhile")
                        .isEqualTo(FinishReason.LENGTH);
            }
            // the prompt took ceil(n / CHUNK) steps, each also advancing the three running streams (read in one go,
            // they would have produced at most one step's tokens between the submission and the first token)
            int steps = (promptTokens + CHUNK - 1) / CHUNK;
            assertThat(atFirstToken.get() - atSubmit).as("tokens of the running streams while the prompt was read")
                    .isGreaterThanOrEqualTo(RUNNING * (steps - 1));
            assertThat(interleaved.tokens()).as("read next to %s streams", runningMode).containsExactly(alone);

            // its cached blocks are exact: a prompt that extends it reuses them and gets the cold answer
            GenerationResult warm = engine.generate(longRequest(extended), null);
            assertThat(engine.lastReusedTokens()).isGreaterThanOrEqualTo(4 * CHUNK);
            assertThat(warm.tokens()).containsExactly(extendedCold);
        }
    }
}
