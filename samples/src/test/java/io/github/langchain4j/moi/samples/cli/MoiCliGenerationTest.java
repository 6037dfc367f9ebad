package io.github.langchain4j.moi.samples.cli;

import io.github.langchain4j.moi.engine.Engine;
import io.github.langchain4j.moi.engine.PromptText;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.langchain4j.moi.engine.ModelFileException;
import io.github.langchain4j.moi.engine.MoiMode;
import io.github.langchain4j.moi.engine.ChatTurn;
import io.github.langchain4j.moi.engine.EngineConfig;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The commands end to end with a fake engine: streaming, prompt formatting, trace, summary and failures. */
class MoiCliGenerationTest {

    @TempDir
    Path dir;

    Path model;

    @BeforeEach
    void createModelFile() throws IOException {
        model = Files.writeString(dir.resolve("model.gguf"), "not read by the fake engine");
    }

    @Test
    void generateStreamsTheTextThenANewlineAndSummarizesOnStderr() {
        FakeEngine engine = new FakeEngine("Hello", ", ", "wörld");

        CliRun run = CliRun.run(engine::load, "generate", "--prompt", "Say hello", "--model", model.toString());

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).isEqualTo("Hello, wörld" + System.lineSeparator());
        assertThat(run.err()).contains("3 tokens", "tokens/s", "finish: stop", "prompt: 7 tokens");
        assertThat(engine.config.modelPath()).isEqualTo(model);
        assertThat(engine.closed).isTrue();
    }

    @Test
    void generateWrapsThePromptAsOneUserTurnOfTheChatTemplate() {
        FakeEngine engine = new FakeEngine("ok");

        CliRun run = CliRun.run(engine::load, "generate", "--prompt", "What is 2+2?", "--model", model.toString());

        assertThat(run.exitCode()).isZero();
        assertThat(engine.turns).containsExactly(new ChatTurn("user", "What is 2+2?"));
        assertThat(engine.request.prompt().asString()).isEqualTo("<|user|>What is 2+2?\n<|assistant|>");
    }

    @Test
    void rawFeedsThePromptAsItIs() {
        FakeEngine engine = new FakeEngine("4");

        CliRun run = CliRun.run(engine::load, "generate", "--raw", "--prompt", "2+2=", "--model", model.toString());

        assertThat(run.exitCode()).isZero();
        assertThat(engine.turns).isNull();
        assertThat(engine.request.prompt()).isEqualTo(PromptText.markup("2+2="));
    }

    @Test
    void chatSendsTheSystemAndUserTurnsWithMoiDefaults() {
        FakeEngine engine = new FakeEngine("Because", " of Rayleigh scattering.");

        CliRun run = CliRun.run(engine::load, "chat", "--system", "Be brief.", "--model", model.toString(),
                "Why", "is the sky blue?");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).isEqualTo("Because of Rayleigh scattering." + System.lineSeparator());
        assertThat(engine.turns).containsExactly(new ChatTurn("system", "Be brief."),
                new ChatTurn("user", "Why is the sky blue?"));
        assertThat(engine.request.moi().mode()).isEqualTo(MoiMode.MOI);
        assertThat(engine.request.trace()).isFalse();
    }

    @Test
    void chatWithoutSystemSendsOnlyTheUserTurn() {
        FakeEngine engine = new FakeEngine("Hi!");

        CliRun run = CliRun.run(engine::load, "chat", "--model", model.toString(), "Hello");

        assertThat(run.exitCode()).isZero();
        assertThat(engine.turns).containsExactly(new ChatTurn("user", "Hello"));
    }

    @Test
    void traceWritesOneJsonLinePerGeneratedToken() throws IOException {
        FakeEngine engine = new FakeEngine("a", "b", "c");
        Path trace = dir.resolve("trace.jsonl");

        CliRun run = CliRun.run(engine::load, "generate", "--prompt", "abc", "--mode", "direct", "--beta", "2",
                "--trace", trace.toString(), "--model", model.toString());

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(engine.request.trace()).isTrue();
        List<String> lines = Files.readAllLines(trace);
        assertThat(lines).hasSize(3);
        JsonNode last = new ObjectMapper().readTree(lines.get(2));
        assertThat(last.get("step").asInt()).isEqualTo(2);
        assertThat(last.get("token").asInt()).isEqualTo(102);
        assertThat(last.get("text").asText()).isEqualTo("c");
        assertThat(last.get("mode").asText()).isEqualTo("direct");
        assertThat(last.get("beta").asDouble()).isEqualTo(2.0);
    }

    @Test
    void engineFailureExitsOneWithItsMessageAndNoStackTrace() {
        CliRun run = CliRun.run(config -> {
            throw new ModelFileException("not a GGUF file: " + config.modelPath());
        }, "generate", "--prompt", "hi", "--model", model.toString());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).isEqualTo("moi: not a GGUF file: " + model + System.lineSeparator());
        assertThat(run.out()).isEmpty();
    }

    @Test
    void verbosePrintsTheStackTrace() {
        CliRun run = CliRun.run(config -> {
            throw new ModelFileException("not a GGUF file: " + config.modelPath());
        }, "generate", "--verbose", "--prompt", "hi", "--model", model.toString());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains("moi: not a GGUF file", "ModelFileException", "\tat ");
    }

    @Test
    void unexpectedFailureExitsOneNamingTheExceptionAndHowToSeeMore() {
        CliRun run = CliRun.run(config -> {
            throw new IllegalStateException("boom");
        }, "chat", "--model", model.toString(), "hi");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains("moi: IllegalStateException: boom", "--verbose").doesNotContain("\tat ");
    }

    @Test
    void failureDuringGenerationEndsThePartialAnswerWithANewline() {
        Engine failing = new FakeEngine() {
            @Override
            public io.github.langchain4j.moi.engine.GenerationResult generate(
                    io.github.langchain4j.moi.engine.GenerationRequest request,
                    io.github.langchain4j.moi.engine.GenerationListener listener) {
                listener.onText("partial");
                throw new io.github.langchain4j.moi.engine.ContextOverflowException("the context window is full");
            }
        };

        CliRun run = CliRun.run(config -> failing, "generate", "--prompt", "hi", "--model", model.toString());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.out()).isEqualTo("partial" + System.lineSeparator());
        assertThat(run.err()).isEqualTo("moi: the context window is full" + System.lineSeparator());
    }

    @Test
    void unwritableTraceFileExitsOneBeforeLoadingTheModel() {
        FakeEngine engine = new FakeEngine("x");
        Path trace = dir.resolve("no-such-dir").resolve("trace.jsonl");

        CliRun run = CliRun.run(engine::load, "generate", "--prompt", "hi", "--trace", trace.toString(),
                "--model", model.toString());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains("moi: cannot write trace file", trace.toString());
        assertThat(engine.config).isNull();
    }

    @Test
    void theEngineGetsTheConfigurationFromTheOptions() {
        FakeEngine engine = new FakeEngine("x");

        CliRun run = CliRun.run(engine::load, "generate", "--prompt", "hi", "--model", model.toString(),
                "--ctx-size", "2048", "--threads", "3", "--gpu-layers", "-1");

        assertThat(run.exitCode()).isZero();
        assertThat(engine.config).isEqualTo(new EngineConfig(model, 2048, 3, EngineConfig.DEFAULT_BATCH_SIZE, -1,
                EngineConfig.of(model).useMmap(), 1));
    }
}
