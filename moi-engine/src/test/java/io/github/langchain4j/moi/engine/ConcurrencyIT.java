package io.github.langchain4j.moi.engine;

import io.github.langchain4j.moi.testing.TestModels;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** Continuous batching on the real model: concurrent requests decoded together, each as if alone. */
class ConcurrencyIT {

    private static MoiEngine engine;

    @BeforeAll
    static void load() {
        engine = MoiEngine.load(EngineConfig.of(TestModels.defaultModel()).withContextSize(512).withMaxSequences(3));
    }

    @AfterAll
    static void close() {
        engine.close();
    }

    private static GenerationRequest request(String user, MoiMode mode) {
        PromptText prompt = engine.applyChatTemplate(List.of(new ChatTurn("user", user)), true);
        return GenerationRequest.of(prompt, SamplingOptions.GREEDY, new MoiOptions(mode, 1.0, 20), 24);
    }

    @Test
    void more_requests_than_sequences_all_complete_with_sensible_text() throws Exception {
        List<GenerationRequest> requests = List.of(
                request("What is the capital of France?", MoiMode.OFF),
                request("What is 12 times 12?", MoiMode.MOI),
                request("Name a primary color.", MoiMode.DIRECT),
                request("What is the capital of Italy?", MoiMode.MOI),
                request("Spell the word cat backwards.", MoiMode.OFF),
                request("What is 7 plus 8?", MoiMode.MOI));
        ExecutorService pool = Executors.newFixedThreadPool(requests.size());
        try {
            List<Future<GenerationResult>> futures = new ArrayList<>();
            for (GenerationRequest r : requests) {
                futures.add(pool.submit(() -> engine.generate(r, null)));
            }
            List<GenerationResult> results = new ArrayList<>();
            for (Future<GenerationResult> f : futures) {
                results.add(f.get(5, TimeUnit.MINUTES));
            }
            assertThat(results).allSatisfy(r -> assertThat(r.outputTokens()).isPositive());
            assertThat(results.get(0).text()).contains("Paris");
            assertThat(results.get(1).text()).contains("144");
            assertThat(results.get(3).text()).contains("Rome");
            assertThat(results.get(5).text()).contains("15");
        } finally {
            pool.shutdownNow();
        }
        assertThat(engine.activeSequences()).isZero();
    }

    @Test
    void a_cancelled_request_frees_its_sequence_while_the_others_go_on() throws Exception {
        AtomicInteger pieces = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<GenerationResult> cancelled = pool.submit(() -> engine.generate(
                    request("Write a long essay about rivers.", MoiMode.MOI), new GenerationListener() {
                        @Override
                        public void onText(String text) {
                            pieces.incrementAndGet();
                        }

                        @Override
                        public boolean isCancelled() {
                            return pieces.get() >= 3;
                        }
                    }));
            Future<GenerationResult> other = pool.submit(() -> engine.generate(request("What is the capital of Spain?", MoiMode.MOI), null));
            assertThat(cancelled.get(5, TimeUnit.MINUTES).finishReason()).isEqualTo(FinishReason.CANCELLED);
            assertThat(other.get(5, TimeUnit.MINUTES).text()).contains("Madrid");
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void generate_from_a_listener_is_refused_instead_of_deadlocking() {
        List<Throwable> errors = new ArrayList<>();
        engine.generate(request("Say hi.", MoiMode.MOI), new GenerationListener() {
            @Override
            public void onText(String text) {
                if (errors.isEmpty()) {
                    try {
                        engine.generate(request("Nested?", MoiMode.MOI), null);
                    } catch (IllegalStateException e) {
                        errors.add(e);
                    }
                }
            }
        });
        assertThat(errors).singleElement().satisfies(e -> assertThat(e).hasMessageContaining("listener"));
    }
}
