package io.github.langchain4j.moi.engine;

import io.github.langchain4j.moi.llamacpp.NativeModel;
import io.github.langchain4j.moi.testing.TinyModel;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A step feeds its generating sequences in ascending sequence id, whatever order they were admitted in: the current
 * llama.cpp (a KV cache per sequence) puts sequences into one micro-batch only while their ids rise by one in the
 * batch's order, so 4 inputs admitted as 3, 2, 1, 0 would be decoded as 4 micro-batches (README "Performance").
 */
class BatchOrderTest {

    private static final String[] PROMPTS = {
            "alpha alpha alpha alpha alpha alpha alpha alpha alpha alpha",
            "bravo bravo bravo bravo bravo bravo bravo bravo bravo bravo",
            "charlie charlie charlie charlie charlie charlie charlie charlie",
            "delta delta delta delta delta delta delta delta delta delta"};

    @Test
    void a_steps_inputs_come_in_ascending_sequence_id() throws Exception {
        EngineConfig config = EngineConfig.of(TinyModel.shared()).withContextSize(256).withThreads(1)
                .withMaxSequences(PROMPTS.length).withPrefillChunk(8);
        try (MoiEngine engine = MoiEngine.load(config)) {
            // at once, in order: prompt i is read into sequence i and stays cached there
            List<CompletableFuture<GenerationResult>> first = new ArrayList<>();
            for (String prompt : PROMPTS) {
                first.add(engine.submit(request(prompt), null));
            }
            for (CompletableFuture<GenerationResult> f : first) {
                f.get(60, TimeUnit.SECONDS);
            }
            // then in reverse: each request goes to the sequence that caches its prompt, admitted as 3, 2, 1, 0
            NativeModel model = engine.nativeModel();
            List<int[]> fullSteps = Collections.synchronizedList(new ArrayList<>());
            GenerationListener recorder = new GenerationListener() {
                @Override
                public void onStep(MoiStep step) { // on the decoding thread, right after the step's decode
                    if (model.batchInputs() == PROMPTS.length) {
                        int[] order = new int[PROMPTS.length];
                        for (int i = 0; i < order.length; i++) {
                            order[i] = model.batchSequence(i);
                        }
                        fullSteps.add(order);
                    }
                }
            };
            List<CompletableFuture<GenerationResult>> second = new ArrayList<>();
            for (int i = PROMPTS.length - 1; i >= 0; i--) {
                second.add(engine.submit(request(PROMPTS[i]), recorder));
            }
            for (CompletableFuture<GenerationResult> f : second) {
                f.get(60, TimeUnit.SECONDS);
            }
            assertThat(fullSteps).as("steps that carried all four sequences").isNotEmpty();
            for (int[] order : fullSteps) {
                assertThat(order).as(Arrays.toString(order)).containsExactly(0, 1, 2, 3);
            }
        }
    }

    private static GenerationRequest request(String prompt) {
        // OFF and greedy: every request generates all its tokens (TinyModel's greedy text does not end early)
        return GenerationRequest.of(prompt, SamplingOptions.GREEDY, new MoiOptions(MoiMode.OFF, 1.0, 20), 24).withTrace(true);
    }
}
