package io.github.langchain4j.moi.engine;

import io.github.langchain4j.moi.testing.TinyModel;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The engine's step timings, which the bench reads right after a generation ends: they must already hold the step
 * that ended it. (They were counted after every sequence of the step had advanced, so a caller woken by its result
 * could miss the last step: the bench then saw 31 steps for 32 tokens and counted that step's time as time
 * spent outside any step.)
 */
class DecodeTimingsTest {

    private static final int TOKENS = 5;

    @Test
    void a_finished_generation_finds_its_last_step_counted() throws Exception {
        EngineConfig config = EngineConfig.of(TinyModel.shared()).withContextSize(128).withThreads(1).withMaxSequences(1);
        try (MoiEngine engine = MoiEngine.load(config)) {
            DecodeTimings before = engine.timings();
            CountDownLatch registered = new CountDownLatch(1);
            GenerationRequest request = GenerationRequest.of("the quick", SamplingOptions.GREEDY,
                    new MoiOptions(MoiMode.MOI, 1.0, 20), TOKENS);
            CompletableFuture<GenerationResult> result = engine.submit(request, new GenerationListener() {
                @Override
                public void onText(String text) {
                    await(registered); // the dependent below is registered before the generation can end
                }
            });
            // runs on the decoding thread the moment the result completes: what a woken caller can see at the earliest
            CompletableFuture<DecodeTimings> atCompletion = result.thenApply(r -> engine.timings().minus(before));
            registered.countDown();

            assertThat(result.get(60, TimeUnit.SECONDS).outputTokens()).isEqualTo(TOKENS);
            DecodeTimings seen = atCompletion.get(60, TimeUnit.SECONDS);
            // one step read the prompt (and gave the first token), one step each for the others
            assertThat(seen.steps()).isEqualTo(TOKENS);
            assertThat(seen.promptSteps()).isEqualTo(1);
            assertThat(seen.inputs()).isEqualTo(TOKENS - 1);
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(60, TimeUnit.SECONDS)) {
                throw new IllegalStateException("not registered in time");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
