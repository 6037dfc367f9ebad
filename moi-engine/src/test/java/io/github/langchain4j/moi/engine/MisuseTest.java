package io.github.langchain4j.moi.engine;

import io.github.langchain4j.moi.llamacpp.NativeModel;
import io.github.langchain4j.moi.testing.TinyModel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What a careless or hostile caller can do to the engine on the tiny model: each misuse ends in a Java
 * exception or a defined finish reason, never in a native crash or a hang, and the engine still works after.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class MisuseTest {

    private static final Path MODEL = TinyModel.shared();
    private static MoiEngine engine;

    @BeforeAll
    static void load() {
        engine = load(256);
    }

    @AfterAll
    static void close() {
        engine.close();
    }

    /** One thread: on a 2-core machine, llama.cpp's threads spinning against the JVM's make each token 10-100x slower. */
    private static MoiEngine load(int contextSize) {
        return MoiEngine.load(EngineConfig.of(MODEL).withContextSize(contextSize).withThreads(1));
    }

    private static GenerationRequest request(String prompt, int maxTokens) {
        return GenerationRequest.of(prompt, SamplingOptions.GREEDY, MoiOptions.DEFAULTS, maxTokens);
    }

    @Test
    void every_call_after_close_fails_in_java() {
        MoiEngine closed = load(64);
        NativeModel model = closed.nativeModel();
        closed.close();
        closed.close(); // idempotent
        assertThat(closed.isClosed()).isTrue();
        assertThatThrownBy(() -> closed.generate(request("the fox", 4), null)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> closed.countTokens(PromptText.text("the fox"))).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> closed.applyChatTemplate(List.of(new ChatTurn("user", "hi")), true))
                .isInstanceOf(IllegalStateException.class);
        // the native model itself refuses too: its memory is gone
        assertThatThrownBy(() -> model.decodeTokens(new int[]{1}, 0, 1, 0)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> model.decodeEmbedding(new float[model.embeddingSize()], 0)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> model.readLogits(new float[model.vocabSize()])).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> model.tokenize("x", true, false)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> model.tokenBytes(5)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> model.isEndOfGeneration(2)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(model::clearCache).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> model.trimCache(0)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> model.copyCache(0, 1)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> model.embeddingRow(5)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> model.newSampler(NativeParams.toSamplerParams(SamplingOptions.DEFAULTS), null)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void close_from_another_thread_during_generation_cancels_it() throws Exception {
        MoiEngine victim = load(256);
        CountDownLatch started = new CountDownLatch(1);
        GenerationListener slow = new GenerationListener() {
            @Override
            public void onText(String text) {
                started.countDown();
                sleep(2);
            }
        };
        CompletableFuture<GenerationResult> running = CompletableFuture.supplyAsync(
                () -> victim.generate(request("the quick brown fox", Integer.MAX_VALUE), slow));
        assertThat(started.await(20, TimeUnit.SECONDS)).isTrue();
        victim.close(); // waits for the loop to notice
        assertThat(running.get(20, TimeUnit.SECONDS).finishReason()).isEqualTo(FinishReason.CANCELLED);
        assertThat(victim.isClosed()).isTrue();
        assertThat(victim.nativeModel().isClosed()).isTrue();
    }

    @Test
    void close_racing_a_generation_start_either_cancels_or_fails_cleanly() throws Exception {
        for (int i = 0; i < 20; i++) {
            MoiEngine victim = load(64);
            CompletableFuture<GenerationResult> running = CompletableFuture.supplyAsync(
                    () -> victim.generate(request("the fox", 1000), null));
            Thread.sleep(i % 4);
            victim.close();
            try {
                assertThat(running.get(20, TimeUnit.SECONDS).finishReason()).isIn(FinishReason.CANCELLED, FinishReason.LENGTH);
            } catch (ExecutionException e) {
                assertThat(e.getCause()).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
            }
            assertThat(victim.nativeModel().isClosed()).isTrue();
        }
    }

    @Test
    void close_from_a_listener_frees_after_the_generation_returns() {
        MoiEngine victim = load(64);
        GenerationResult result = victim.generate(request("the fox", 50), new GenerationListener() {
            @Override
            public void onText(String text) {
                victim.close();
                assertThat(victim.nativeModel().isClosed()).as("freed under the running loop").isFalse();
            }
        });
        assertThat(result.finishReason()).isEqualTo(FinishReason.CANCELLED);
        // the decoding thread frees the model as it leaves its loop, right after delivering the result
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (!victim.nativeModel().isClosed() && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertThat(victim.nativeModel().isClosed()).isTrue();
    }

    @Test
    void a_generation_started_from_a_listener_is_refused() {
        AtomicReference<Throwable> inner = new AtomicReference<>();
        GenerationResult result = engine.generate(request("the fox", 3), new GenerationListener() {
            @Override
            public void onText(String text) {
                try {
                    engine.generate(request("hello", 3), null);
                } catch (RuntimeException e) {
                    inner.compareAndSet(null, e);
                }
            }
        });
        assertThat(inner.get()).isInstanceOf(IllegalStateException.class).hasMessageContaining("already running");
        assertThat(result.outputTokens()).isEqualTo(3);
        assertThat(engine.generate(request("the fox", 3), null).tokens()).containsExactly(result.tokens());
    }

    @Test
    void absurd_max_tokens_end_at_the_context_limit() {
        for (MoiMode mode : MoiMode.values()) {
            GenerationRequest request = GenerationRequest.of("the quick brown fox", SamplingOptions.GREEDY,
                    new MoiOptions(mode, 1.0, 20), Integer.MAX_VALUE);
            GenerationResult result = engine.generate(request, null);
            assertThat(result.finishReason()).as("%s", mode).isEqualTo(FinishReason.LENGTH);
            // every position of the context is used; the last sampled token is never decoded
            assertThat(result.promptTokens() + result.outputTokens()).isEqualTo(engine.contextSize() + 1);
        }
    }

    @Test
    void a_context_that_fills_in_the_middle_of_generation_ends_with_length() {
        try (MoiEngine small = load(32)) {
            GenerationResult result = small.generate(request("hello world", 1000), null);
            assertThat(result.finishReason()).isEqualTo(FinishReason.LENGTH);
            assertThat(result.outputTokens()).isLessThan(32).isEqualTo(small.contextSize() - result.promptTokens() + 1);
            String longPrompt = "the quick brown fox jumps over the lazy dog ".repeat(10);
            assertThatThrownBy(() -> small.generate(request(longPrompt, 5), null)).isInstanceOf(ContextOverflowException.class);
            assertThat(small.generate(request("the fox", 5), null).outputTokens()).isEqualTo(5);
        }
    }

    @Test
    void invalid_parameter_values_are_rejected_by_the_records() {
        assertThatThrownBy(() -> new MoiOptions(MoiMode.MOI, -0.5, 20)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("beta");
        assertThatThrownBy(() -> new MoiOptions(MoiMode.MOI, Double.NaN, 20)).hasMessageContaining("beta");
        assertThatThrownBy(() -> new MoiOptions(MoiMode.MOI, Double.POSITIVE_INFINITY, 20)).hasMessageContaining("beta");
        assertThatThrownBy(() -> new MoiOptions(MoiMode.MOI, 1, 0)).hasMessageContaining("mixTopK");
        assertThatThrownBy(() -> SamplingOptions.DEFAULTS.withTemperature(-1)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("temperature");
        assertThatThrownBy(() -> SamplingOptions.DEFAULTS.withTemperature(Double.NaN)).hasMessageContaining("temperature");
        for (double topP : new double[]{0, -0.1, 1.0001, Double.NaN}) {
            assertThatThrownBy(() -> new SamplingOptions(0.7, 40, topP, 0.05, 1.0, 64, 1)).as("topP %s", topP)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("topP");
        }
        assertThatThrownBy(() -> new SamplingOptions(0.7, -1, 0.9, 0.05, 1.0, 64, 1)).hasMessageContaining("topK");
        assertThatThrownBy(() -> new SamplingOptions(0.7, 40, 0.9, 1.0, 1.0, 64, 1)).hasMessageContaining("minP");
        assertThatThrownBy(() -> new SamplingOptions(0.7, 40, 0.9, 0.05, 0, 64, 1)).hasMessageContaining("repeatPenalty");
        assertThatThrownBy(() -> request("x", 0)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxTokens");
        assertThatThrownBy(() -> new EngineConfig(MODEL, -1, 0, 512, 0, true)).hasMessageContaining("contextSize");
        assertThatThrownBy(() -> new EngineConfig(MODEL, 0, 0, 0, 0, true)).hasMessageContaining("batchSize");
        assertThatThrownBy(() -> engine.generate(request("", 3), null)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void values_that_would_crash_or_stall_native_code_are_bounded_in_java() {
        // --threads 10000 crashed the JVM in libgomp; --ctx-size 99999999 failed after 43 s with llama.cpp's log
        assertThatThrownBy(() -> EngineConfig.of(MODEL).withThreads(10_000)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("threads must be in 0..512");
        assertThatThrownBy(() -> EngineConfig.of(MODEL).withContextSize(99_999_999)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("contextSize must be in 0..1048576");
        assertThatThrownBy(() -> new EngineConfig(MODEL, 4096, 0, 2_000_000_000, 0, true)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("batchSize must be in 1..1048576");
        assertThatThrownBy(() -> EngineConfig.of(MODEL).withMaxSequences(65)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("maxSequences must be in 1..64");
        // each alone is allowed, together they are 64M KV-cache positions (and would overflow an int at 2^31)
        assertThatThrownBy(() -> EngineConfig.of(MODEL).withContextSize(1 << 20).withMaxSequences(64))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("times maxSequences");
        assertThat(EngineConfig.of(MODEL).withThreads(512).withContextSize(1 << 18).withMaxSequences(4).threads()).isEqualTo(512);
    }

    @Test
    void empty_or_null_stop_strings_and_nul_characters_are_rejected_by_the_request() {
        assertThatThrownBy(() -> new GenerationRequest("x", SamplingOptions.DEFAULTS, MoiOptions.DEFAULTS, 4, List.of(""), null, false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("stopSequences").hasMessageContaining("empty");
        assertThatThrownBy(() -> new GenerationRequest("x", SamplingOptions.DEFAULTS, MoiOptions.DEFAULTS, 4,
                java.util.Arrays.asList("ok", null), null, false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("stopSequences").hasMessageContaining("null");
        // llama.cpp reads the prompt as a C string: "secret" would be dropped without a word
        assertThatThrownBy(() -> request("the fox\0 secret", 4)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("NUL character").hasMessageContaining("index 7");
    }

    @Test
    void bad_native_arguments_are_refused_in_java() {
        NativeModel model = engine.nativeModel();
        int nVocab = model.vocabSize();
        // llama_decode throws a C++ exception across the C boundary for these; here they never reach it
        assertThatThrownBy(() -> model.decodeTokens(new int[]{nVocab}, 0, 1, 0)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("outside the vocabulary");
        assertThatThrownBy(() -> model.decodeTokens(new int[]{-1}, 0, 1, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> model.decodeTokens(new int[]{Integer.MIN_VALUE}, 0, 1, 0)).isInstanceOf(IllegalArgumentException.class);
        // n_tokens > n_batch aborts in llama_decode
        int[] tooMany = new int[model.batchSize() + 1];
        assertThatThrownBy(() -> model.decodeTokens(tooMany, 0, tooMany.length, 0)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("a batch holds");
        assertThatThrownBy(() -> model.decodeTokens(new int[]{5}, 0, 0, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> model.decodeTokens(new int[]{5}, 0, 2, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> model.decodeTokens(new int[]{5}, 0, 1, model.contextSize())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> model.decodeTokens(new int[]{5}, 0, 1, -1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> model.decodeEmbedding(new float[3], 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> model.embeddingRow(nVocab)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> model.isEndOfGeneration(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> model.tokenBytes(nVocab)).isInstanceOf(IllegalArgumentException.class);
        // b4916 has one cache for all sequences: no copies (llama.cpp's own would abort on a partial one)
        assertThatThrownBy(() -> model.copyCache(0, 0)).isInstanceOf(IllegalStateException.class);
        // still usable
        assertThat(engine.generate(request("the fox", 4), null).outputTokens()).isEqualTo(4);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
