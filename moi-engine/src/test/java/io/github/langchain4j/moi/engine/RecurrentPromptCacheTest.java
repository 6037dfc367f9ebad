package io.github.langchain4j.moi.engine;

import io.github.langchain4j.moi.testing.TinyModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A model with recurrent layers (here a tiny Mamba) keeps one state per sequence that llama.cpp cannot cut back
 * to a position: the prompt cache must not claim the shared blocks of such a sequence. Asked twice, a prompt gives
 * the tokens of its cold run, with nothing reused. On b4916 here; {@link CurrentRecurrentPromptCacheTest} runs
 * the same on the current llama.cpp.
 */
class RecurrentPromptCacheTest {

    @TempDir
    Path dir;

    EngineConfig config(Path model) {
        return EngineConfig.of(model);
    }

    @Test
    void a_repeated_prompt_is_read_again_in_full_and_gives_the_same_tokens() {
        Path model = TinyModel.mambaWriter(1).write(dir.resolve("tiny-mamba.gguf"));
        EngineConfig config = config(model).withContextSize(128).withThreads(1).withMaxSequences(2).withPrefillChunk(8);
        try (MoiEngine engine = MoiEngine.load(config)) {
            assertThat(engine.architecture()).isEqualTo("mamba");
            GenerationRequest request = GenerationRequest.of("the quick brown fox jumps over the lazy dog once upon a time",
                    SamplingOptions.GREEDY, MoiOptions.OFF, 16); // OFF: MoI is not verified for mamba
            int[] cold = engine.generate(request, null).tokens();
            assertThat(cold).hasSize(16);
            for (int i = 0; i < 3; i++) {
                assertThat(engine.generate(request, null).tokens()).as("run " + (i + 2)).containsExactly(cold);
                assertThat(engine.lastReusedTokens()).as("prompt tokens reused").isZero();
            }
        }
    }
}
