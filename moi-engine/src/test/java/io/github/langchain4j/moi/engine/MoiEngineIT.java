package io.github.langchain4j.moi.engine;

import io.github.langchain4j.moi.testing.TestModels;
import io.github.langchain4j.moi.testing.TestRuntime;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** The decode loop on the real default model: MoI's effect, its trace, determinism, stops and bad input. */
class MoiEngineIT {

    private static final List<String> PROMPTS = List.of(
            "Write a Python function that returns the n-th Fibonacci number.",
            "Explain in two sentences why the sky is blue.",
            "List three prime numbers greater than 50 and explain how you checked them.");

    private static MoiEngine engine;

    @BeforeAll
    static void load() {
        engine = MoiEngine.load(TestRuntime.config(TestModels.defaultModel()).withContextSize(1024));
    }

    @AfterAll
    static void close() {
        engine.close();
    }

    private static PromptText chat(String user) {
        return engine.applyChatTemplate(List.of(new ChatTurn("user", user)), true);
    }

    @Test
    void moi_at_beta_1_changes_the_text_of_at_least_one_prompt() {
        int differing = 0;
        for (String prompt : PROMPTS) {
            String off = engine.generate(GenerationRequest.of(chat(prompt), SamplingOptions.GREEDY, MoiOptions.OFF, 48), null).text();
            String moi = engine.generate(GenerationRequest.of(chat(prompt), SamplingOptions.GREEDY, MoiOptions.DEFAULTS, 48), null).text();
            if (!off.equals(moi)) {
                differing++;
            }
        }
        assertThat(differing).isGreaterThanOrEqualTo(1);
    }

    @Test
    void every_trace_record_satisfies_the_moi_formula() {
        double beta = 1.0;
        List<MoiStep> streamed = new ArrayList<>();
        GenerationResult result = engine.generate(new GenerationRequest(chat(PROMPTS.get(0)), SamplingOptions.DEFAULTS,
                new MoiOptions(MoiMode.MOI, beta, 20), 40, List.of(), null, true), new GenerationListener() {
            @Override
            public void onStep(MoiStep step) {
                streamed.add(step);
            }
        });
        assertThat(result.trace()).hasSize(result.outputTokens()).isEqualTo(streamed);
        for (MoiStep step : result.trace()) {
            Mixture m = step.mixture();
            int n = m.support().length;
            assertThat(n).isBetween(20, 21);
            int y = -1;
            for (int i = 0; i < n; i++) {
                if (m.support()[i] == step.token()) {
                    y = i;
                }
            }
            assertThat(y).as("sampled token in the support").isNotNegative();
            assertThat(sum(m.prior())).isCloseTo(1.0, within(1e-9));
            double entropy = 0;
            for (double p : m.prior()) {
                entropy -= p > 0 ? p * Math.log(p) : 0;
            }
            double h = entropy / Math.log(n);
            assertThat(m.entropy()).isCloseTo(h, within(1e-9));
            for (int i = 0; i < n; i++) {
                double expected = (h * m.prior()[i] + (beta + 1 - h) * (i == y ? 1 : 0)) / (beta + 1);
                assertThat(m.weights()[i]).isCloseTo(expected, within(1e-9));
            }
            assertThat(sum(m.weights())).isCloseTo(1.0, within(1e-9));
            assertThat(step.mode()).isEqualTo(MoiMode.MOI);
            assertThat(step.beta()).isEqualTo(beta);
        }
    }

    @Test
    void same_seed_gives_the_same_output_and_other_seeds_differ() {
        SamplingOptions sampling = SamplingOptions.DEFAULTS.withTemperature(1.0);
        PromptText prompt = chat("Write a short poem about the sea.");
        String first = engine.generate(GenerationRequest.of(prompt, sampling.withSeed(1), MoiOptions.DEFAULTS, 24), null).text();
        String again = engine.generate(GenerationRequest.of(prompt, sampling.withSeed(1), MoiOptions.DEFAULTS, 24), null).text();
        assertThat(again).isEqualTo(first);
        Set<String> others = new HashSet<>();
        for (long seed = 2; seed <= 4; seed++) {
            others.add(engine.generate(GenerationRequest.of(prompt, sampling.withSeed(seed), MoiOptions.DEFAULTS, 24), null).text());
        }
        others.add(first);
        assertThat(others).hasSizeGreaterThan(1);
    }

    @Test
    void a_stop_string_ends_generation_and_is_not_part_of_the_text() {
        GenerationRequest request = new GenerationRequest(chat("Count from 1 to 10, separated by commas."),
                SamplingOptions.GREEDY, MoiOptions.DEFAULTS, 64, List.of("5"), null, false);
        StringBuilder streamed = new StringBuilder();
        GenerationResult result = engine.generate(request, new GenerationListener() {
            @Override
            public void onText(String text) {
                streamed.append(text);
            }
        });
        assertThat(result.finishReason()).isEqualTo(FinishReason.STOP);
        assertThat(result.text()).contains("4").doesNotContain("5").isEqualTo(streamed.toString());
    }

    @Test
    void a_prompt_that_extends_the_last_one_reuses_its_cached_blocks_with_the_same_result() {
        PromptText first = chat("Name a color. " + "Answer with one word only, please. ".repeat(20));
        GenerationResult answer = engine.generate(GenerationRequest.of(first, SamplingOptions.GREEDY, MoiOptions.DEFAULTS, 12), null);
        assertThat(answer.promptTokens()).isGreaterThan(2 * engine.prefillBlock());
        PromptText second = engine.applyChatTemplate(List.of(new ChatTurn("user", "Name a color. " + "Answer with one word only, please. ".repeat(20)),
                new ChatTurn("assistant", answer.text()), new ChatTurn("user", "And a fruit?")), true);

        GenerationResult warm = engine.generate(GenerationRequest.of(second, SamplingOptions.DEFAULTS, MoiOptions.DEFAULTS, 16), null);
        int reused = engine.lastReusedTokens();
        assertThat(reused).isPositive().isEqualTo((answer.promptTokens() - 1) / engine.prefillBlock() * engine.prefillBlock());

        // an unrelated request goes to another sequence and leaves this prompt cached
        engine.generate(GenerationRequest.of("Hello", SamplingOptions.GREEDY, MoiOptions.OFF, 2), null);
        engine.generate(GenerationRequest.of(second, SamplingOptions.DEFAULTS, MoiOptions.DEFAULTS, 2), null);
        assertThat(engine.lastReusedTokens()).isEqualTo((warm.promptTokens() - 1) / engine.prefillBlock() * engine.prefillBlock());

        // decoded cold, in a fresh engine, the same seed gives the same answer
        try (MoiEngine fresh = MoiEngine.load(TestRuntime.config(TestModels.defaultModel()).withContextSize(1024))) {
            GenerationResult cold = fresh.generate(GenerationRequest.of(second, SamplingOptions.DEFAULTS, MoiOptions.DEFAULTS, 16), null);
            assertThat(fresh.lastReusedTokens()).isZero();
            assertThat(cold.tokens()).containsExactly(warm.tokens());
        }
    }

    @Test
    void max_tokens_ends_generation_with_length() {
        GenerationResult result = engine.generate(GenerationRequest.of(chat(PROMPTS.get(1)), SamplingOptions.GREEDY, MoiOptions.DEFAULTS, 5), null);
        assertThat(result.outputTokens()).isEqualTo(5);
        assertThat(result.finishReason()).isEqualTo(FinishReason.LENGTH);
    }

    @Test
    void cancellation_stops_between_steps() {
        AtomicInteger steps = new AtomicInteger();
        GenerationResult result = engine.generate(GenerationRequest.of(chat(PROMPTS.get(1)), SamplingOptions.GREEDY, MoiOptions.DEFAULTS, 64),
                new GenerationListener() {
                    @Override
                    public void onText(String text) {
                        steps.incrementAndGet();
                    }

                    @Override
                    public boolean isCancelled() {
                        return steps.get() >= 3;
                    }
                });
        assertThat(result.finishReason()).isEqualTo(FinishReason.CANCELLED);
        assertThat(result.outputTokens()).isLessThan(10);
    }

    @Test
    void a_prompt_longer_than_the_context_is_refused_and_the_engine_stays_usable() {
        String longPrompt = "word ".repeat(2000);
        assertThatThrownBy(() -> engine.generate(GenerationRequest.of(longPrompt, SamplingOptions.GREEDY, MoiOptions.DEFAULTS, 8), null))
                .isInstanceOf(ContextOverflowException.class)
                .hasMessageContaining("context holds 1024");
        assertThat(engine.generate(GenerationRequest.of(chat("Hi"), SamplingOptions.GREEDY, MoiOptions.DEFAULTS, 4), null).outputTokens())
                .isPositive();
    }

    @Test
    void bad_model_files_give_clear_errors(@TempDir Path dir) throws IOException {
        Path missing = dir.resolve("missing.gguf");
        assertThatThrownBy(() -> MoiEngine.load(TestRuntime.config(missing)))
                .isInstanceOf(ModelFileException.class).hasMessageContaining("not found").hasMessageContaining(missing.toString());

        Path text = Files.writeString(dir.resolve("notes.gguf"), "this is not a model, just some text of reasonable length");
        assertThatThrownBy(() -> MoiEngine.load(TestRuntime.config(text)))
                .isInstanceOf(ModelFileException.class).hasMessageContaining("not a GGUF file");

        Path truncated = dir.resolve("truncated.gguf");
        copyPrefix(TestModels.defaultModel(), truncated, 40L << 20);
        assertThatThrownBy(() -> MoiEngine.load(TestRuntime.config(truncated)))
                .isInstanceOf(ModelFileException.class).hasMessageContaining("truncated");

        Path headerOnly = dir.resolve("header-only.gguf");
        copyPrefix(TestModels.defaultModel(), headerOnly, 4096);
        assertThatThrownBy(() -> MoiEngine.load(TestRuntime.config(headerOnly)))
                .isInstanceOf(ModelFileException.class).hasMessageContaining(headerOnly.toString());
    }

    @Test
    void a_closed_engine_refuses_work() {
        MoiEngine other = MoiEngine.load(TestRuntime.config(TestModels.defaultModel()).withContextSize(128));
        other.close();
        other.close(); // twice is fine
        assertThatThrownBy(() -> other.generate(GenerationRequest.of("Hi", SamplingOptions.GREEDY, MoiOptions.DEFAULTS, 4), null))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    }

    private static void copyPrefix(Path from, Path to, long bytes) throws IOException {
        try (InputStream in = Files.newInputStream(from); OutputStream out = Files.newOutputStream(to)) {
            out.write(in.readNBytes((int) bytes));
        }
    }

    private static double sum(double[] values) {
        double s = 0;
        for (double v : values) {
            s += v;
        }
        return s;
    }
}
