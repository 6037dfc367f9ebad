package io.github.langchain4j.moi.engine;

import io.github.langchain4j.moi.llamacpp.LlamaRuntime;
import io.github.langchain4j.moi.llamacpp.NativeModel;
import io.github.langchain4j.moi.testing.TestModels;
import io.github.langchain4j.moi.testing.TestRuntime;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What chunked prefill rests on: a prompt chunk decoded in one batch with other sequences' inputs (token ids, or,
 * when those are MoI mixtures, with the chunk fed as its tokens' embedding rows) gives the same KV cache and logits,
 * bit for bit, as the chunk decoded in a call of its own. So reading a prompt next to running streams changes
 * nothing that reading it between their steps would not.
 *
 * <p>What does change the numbers on b4916 is where the prompt's cells lie in its one KV cache shared by all
 * sequences (other sequences' cells in between change the order of the attention sums, and the model's quantized
 * activations can turn that rounding into differences of 0.3 in a logit): as before chunked prefill, a prompt read
 * while other sequences run matches one read alone only approximately there. The current llama.cpp keeps each
 * sequence's cells apart, and there the three match exactly (checked when the IT runs on it).
 */
class MixedBatchIT {

    static Stream<Arguments> models() {
        return Stream.of(Arguments.of("qwen2", TestModels.defaultModel()), Arguments.of("gemma3", TestModels.gemma3()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void a_prompt_chunk_in_a_shared_batch_gives_the_logits_of_the_chunk_decoded_on_its_own(String architecture, Path path) {
        try (MoiEngine engine = MoiEngine.load(TestRuntime.config(path).withContextSize(256).withMaxSequences(4).withThreads(1))) {
            NativeModel model = engine.nativeModel();
            int[] other = model.tokenize("Explain step by step how to solve 3x + 7 = 22.", true, false);
            int[] prompt = model.tokenize("Write a Java class that implements a thread-safe LRU cache, with comments "
                    + "that say why each lock is held and what the map's order means for eviction.", true, false);
            int n = prompt.length;
            float[] separate = logitsAfter(model, prompt, n, Mode.SEPARATE, other);
            float[] withTokens = logitsAfter(model, prompt, n, Mode.WITH_TOKENS, other);
            float[] withRows = logitsAfter(model, prompt, n, Mode.WITH_ROWS, other);
            // compared as a whole (AssertJ's element diff of 150k-260k floats would take minutes to report)
            assertThat(maxAbsDiff(withTokens, separate)).as("chunk next to 3 token inputs").isZero();
            assertThat(maxAbsDiff(withRows, separate)).as("chunk as rows next to 3 embedding inputs").isZero();
            if (engine.runtime() == LlamaRuntime.CURRENT) {
                float[] alone = logitsAfter(model, prompt, n, Mode.ALONE, other);
                assertThat(maxAbsDiff(withRows, alone)).as("current llama.cpp: as if no other sequence ran").isZero();
            }
        }
    }

    /** ALONE: the others wait; SEPARATE: they advance in calls of their own between the chunks; WITH_*: in the chunk's. */
    enum Mode { ALONE, SEPARATE, WITH_TOKENS, WITH_ROWS }

    private static double maxAbsDiff(float[] a, float[] b) {
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs((double) a[i] - b[i]));
        }
        return max;
    }

    /** Prefills the others (sequences 1..3), then the prompt in sequence 0 in two chunks, then one token more. */
    private static float[] logitsAfter(NativeModel model, int[] prompt, int n, Mode mode, int[] other) {
        model.clearCache();
        for (int s = 1; s <= 3; s++) {
            model.decodeTokens(other, 0, other.length, 0, s);
        }
        int half = n / 2;
        int pos = other.length;
        for (int[] range : new int[][]{{0, half}, {half, n - half}}) {
            if (mode == Mode.SEPARATE) {
                model.batchBegin(false);
                for (int s = 1; s <= 3; s++) {
                    model.batchToken(s, pos, 100 + s, true);
                }
                model.batchDecode();
                pos++;
            }
            model.batchBegin(mode == Mode.WITH_ROWS);
            if (mode == Mode.WITH_TOKENS || mode == Mode.WITH_ROWS) {
                for (int s = 1; s <= 3; s++) {
                    if (mode == Mode.WITH_ROWS) {
                        model.batchEmbedding(s, pos, model.embeddingRow(100 + s), true);
                    } else {
                        model.batchToken(s, pos, 100 + s, true);
                    }
                }
                pos++;
            }
            model.batchPrompt(0, range[0], prompt, range[0], range[1], true);
            model.batchDecode();
        }
        model.batchBegin(false);
        int i = model.batchToken(0, n, prompt[1], true);
        model.batchDecode();
        float[] logits = new float[model.vocabSize()];
        model.readLogits(i, logits);
        return logits;
    }
}
