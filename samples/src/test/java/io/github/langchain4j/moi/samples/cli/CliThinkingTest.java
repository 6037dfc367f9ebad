package io.github.langchain4j.moi.samples.cli;

import io.github.langchain4j.moi.engine.MoiScope;
import io.github.langchain4j.moi.engine.ThinkThenAnswer;
import io.github.langchain4j.moi.engine.ThinkingOptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static io.github.langchain4j.moi.samples.cli.FakeEngine.THOUGHT;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code ./moi chat --think --show-thinking --scope ...}: what reaches the engine, and what is printed. */
class CliThinkingTest {

    @TempDir
    Path dir;
    private Path model;

    @BeforeEach
    void createModelFile() throws IOException {
        model = Files.writeString(dir.resolve("model.gguf"), "GGUF, not read by the fake engine");
    }

    @Test
    void think_opens_the_segment_in_the_prompt_and_show_thinking_prints_it_before_the_answer() {
        FakeEngine engine = new FakeEngine(THOUGHT + "2+2", THOUGHT + " is 4", "Answer: 4");

        CliRun run = CliRun.run(engine::load, "chat", "--model", model.toString(), "--think", "--show-thinking",
                "--thinking-budget", "100", "--scope", "thinking", "What is 2+2?");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).isEqualTo("<think>\n2+2 is 4\n</think>\n\nAnswer: 4\n");
        assertThat(engine.request.thinking()).isEqualTo(ThinkingOptions.think(100));
        assertThat(engine.request.moi().scope()).isEqualTo(MoiScope.THINKING);
        assertThat(engine.request.prompt().asString()).endsWith("<|assistant|><think>\n");
        assertThat(engine.turns.get(0).content()).endsWith(ThinkThenAnswer.INSTRUCTION);
    }

    @Test
    void without_show_thinking_only_the_answer_is_printed() {
        FakeEngine engine = new FakeEngine(THOUGHT + "secret", "Answer: 4");

        CliRun run = CliRun.run(engine::load, "chat", "--model", model.toString(), "--think", "What is 2+2?");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).isEqualTo("Answer: 4\n");
    }

    @Test
    void without_think_a_model_without_a_thinking_template_gets_no_segment() {
        FakeEngine engine = new FakeEngine("Answer: 4");

        CliRun run = CliRun.run(engine::load, "chat", "--model", model.toString(), "What is 2+2?");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(engine.request.thinking()).isNull();
        assertThat(engine.request.moi().scope()).isEqualTo(MoiScope.ALL);
        assertThat(engine.request.prompt().asString()).doesNotContain("<think>");
    }

    @Test
    void think_with_a_raw_prompt_and_a_bad_scope_or_budget_are_usage_errors() {
        CliRun raw = CliRun.run("generate", "--raw", "--think", "--prompt", "p", "--model", model.toString());
        assertThat(raw.exitCode()).as(raw.err()).isEqualTo(2);
        assertThat(raw.err()).contains("--think needs the chat template");

        CliRun scope = CliRun.run("chat", "--scope", "middle", "--model", model.toString(), "hi");
        assertThat(scope.exitCode()).isEqualTo(2);
        assertThat(scope.err()).contains("unknown MoI scope 'middle'");

        CliRun budget = CliRun.run("chat", "--thinking-budget", "0", "--model", model.toString(), "hi");
        assertThat(budget.exitCode()).isEqualTo(2);
        assertThat(budget.err()).contains("'--thinking-budget'").contains("thinkingBudget must be >= 1");
    }
}
