package io.github.langchain4j.moi.engine;

import io.github.langchain4j.moi.llamacpp.NativeModel;
import io.github.langchain4j.moi.testing.TestRuntime;
import io.github.langchain4j.moi.testing.TinyModel;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * On the current llama.cpp (a KV cache per sequence) a new request goes to a free sequence next to the busy ones
 * when no cached prompt saves it a block: llama.cpp decodes a step in one pass only over consecutive sequence ids,
 * so two streams in sequences 0 and 2 would cost two passes a step (README "Performance"). Own JVM (surefire forks
 * per class): it runs the current build.
 */
class ConsecutiveSequencesTest {

    private static final String[] PROMPTS = {
            "alpha alpha alpha alpha alpha alpha alpha alpha alpha alpha",
            "bravo bravo bravo bravo bravo bravo bravo bravo bravo bravo",
            "there there there there there there there there there there",
            "delta delta delta delta delta delta delta delta delta delta"};

    @Test
    void a_new_stream_goes_next_to_the_busy_one() throws Exception {
        try (MoiEngine engine = load()) {
            NativeModel model = engine.nativeModel();
            assertThat(model.sequenceCachesApart()).isTrue();
            // at once, in order: prompt i is read into sequence i and stays cached there
            awaitAll(List.of(engine.submit(request(PROMPTS[0], 24), null), engine.submit(request(PROMPTS[1], 24), null),
                    engine.submit(request(PROMPTS[2], 24), null), engine.submit(request(PROMPTS[3], 24), null)));

            // two requests at once: the first reuses its cached blocks in sequence 0. The second shares its tokens
            // with sequence 2's prompt, fewer than a block (8 tokens): nothing to reuse, so it must take sequence 1,
            // next to 0, not 2 (the longest common prefix, the choice on a runtime with one cache)
            String second = "there";
            assertThat(model.tokenize(second, true, false).length).as("tokens of the second prompt").isLessThan(8);
            Set<Integer> ids = Collections.synchronizedSet(new TreeSet<>());
            GenerationListener recorder = new GenerationListener() {
                @Override
                public void onStep(MoiStep step) { // on the decoding thread, right after the step's decode
                    if (model.batchInputs() == 2) {
                        ids.add(model.batchSequence(0));
                        ids.add(model.batchSequence(1));
                    }
                }
            };
            // (the first generates longer, so that it is still busy when the second is admitted)
            awaitAll(List.of(engine.submit(request(PROMPTS[0], 120).withTrace(true), recorder),
                    engine.submit(request(second, 24).withTrace(true), recorder)));
            assertThat(ids).as("sequences of the steps that carried both").containsExactly(0, 1);
        }
    }

    @Test
    void a_cached_prompt_is_copied_next_to_the_busy_one_and_gives_the_same_tokens() throws Exception {
        try (MoiEngine engine = load()) {
            NativeModel model = engine.nativeModel();
            assertThat(model.canCopyCache()).isTrue();
            // checked before llama.cpp, which aborts the process on a bad copy
            assertThatThrownBy(() -> model.copyCache(0, PROMPTS.length)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("sequence id 4");
            assertThatThrownBy(() -> model.copyCache(1, 1)).isInstanceOf(IllegalStateException.class);
            List<CompletableFuture<GenerationResult>> first = List.of(engine.submit(request(PROMPTS[0], 24), null),
                    engine.submit(request(PROMPTS[1], 24), null), engine.submit(request(PROMPTS[2], 24), null),
                    engine.submit(request(PROMPTS[3], 24), null));
            awaitAll(first);
            int[] cold = first.get(2).get().tokens(); // prompt 2, read in full into sequence 2

            // prompt 2 again while prompt 0 runs in sequence 0: its cached blocks are copied from sequence 2 to 1
            Set<Integer> ids = Collections.synchronizedSet(new TreeSet<>());
            GenerationListener recorder = new GenerationListener() {
                @Override
                public void onStep(MoiStep step) {
                    if (model.batchInputs() == 2) {
                        ids.add(model.batchSequence(0));
                        ids.add(model.batchSequence(1));
                    }
                }
            };
            CompletableFuture<GenerationResult> running = engine.submit(request(PROMPTS[0], 120).withTrace(true), recorder);
            CompletableFuture<GenerationResult> again = engine.submit(request(PROMPTS[2], 24).withTrace(true), recorder);
            awaitAll(List.of(running, again));
            assertThat(engine.lastReusedTokens()).as("prompt tokens reused by the second request").isGreaterThan(0);
            assertThat(ids).as("sequences of the steps that carried both").containsExactly(0, 1);
            assertThat(again.get().tokens()).as("tokens after the copied blocks").containsExactly(cold);
        }
    }

    /** The tiny model on the current llama.cpp: 4 sequences, prompt blocks of 8 tokens. */
    private static MoiEngine load() {
        return MoiEngine.load(EngineConfig.of(TinyModel.shared()).withLlamaCppPath(TestRuntime.currentFolder())
                .withContextSize(256).withThreads(1).withMaxSequences(PROMPTS.length).withPrefillChunk(8));
    }

    private static void awaitAll(List<CompletableFuture<GenerationResult>> futures) throws Exception {
        for (CompletableFuture<GenerationResult> f : new ArrayList<>(futures)) {
            f.get(60, TimeUnit.SECONDS);
        }
    }

    private static GenerationRequest request(String prompt, int maxTokens) {
        // OFF and greedy: every request generates all its tokens (TinyModel's greedy text does not end early)
        return GenerationRequest.of(prompt, SamplingOptions.GREEDY, new MoiOptions(MoiMode.OFF, 1.0, 20), maxTokens);
    }
}
