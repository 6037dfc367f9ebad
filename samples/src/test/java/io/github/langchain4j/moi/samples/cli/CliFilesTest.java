package io.github.langchain4j.moi.samples.cli;

import io.github.langchain4j.moi.engine.PromptText;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;

import static org.assertj.core.api.Assertions.assertThat;

/** Input and output files of chat and generate: outputs never overwrite inputs, odd files are refused by name. */
class CliFilesTest {

    @TempDir
    Path dir;

    Path model;

    @BeforeEach
    void createModelFile() throws IOException {
        model = Files.writeString(dir.resolve("model.gguf"), "the model's bytes");
    }

    @Test
    void aTraceNamingTheModelLeavesTheModelIntact() throws IOException {
        FakeEngine engine = new FakeEngine("x");

        CliRun run = CliRun.run(engine::load, "generate", "--prompt", "hi", "--model", model.toString(),
                "--trace", model.toString());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains("trace file", "is the model file", "refusing to overwrite");
        assertThat(Files.readString(model)).isEqualTo("the model's bytes");
        assertThat(engine.config).isNull();
    }

    @Test
    void aTraceNamingTheGrammarThroughALinkLeavesTheGrammarIntact() throws IOException {
        Path grammar = Files.writeString(dir.resolve("g.gbnf"), "root ::= \"a\"\n");
        Path link = Files.createSymbolicLink(dir.resolve("link.jsonl"), grammar);
        FakeEngine engine = new FakeEngine("a");

        CliRun run = CliRun.run(engine::load, "generate", "--prompt", "hi", "--model", model.toString(),
                "--grammar", grammar.toString(), "--trace", link.toString());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains("is the grammar file");
        assertThat(Files.readString(grammar)).isEqualTo("root ::= \"a\"\n");
    }

    @Test
    void aTraceNamingThePromptFileLeavesItIntact() throws IOException {
        Path prompt = Files.writeString(dir.resolve("prompt.txt"), "Say hi");

        CliRun run = CliRun.run(new FakeEngine("x")::load, "generate", "--prompt-file", prompt.toString(),
                "--model", model.toString(), "--trace", prompt.toString());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(Files.readString(prompt)).isEqualTo("Say hi");
    }

    @Test
    @EnabledOnOs({OS.LINUX, OS.MAC})
    void aDeviceAsModelIsNotAFileNotAMissingOne() {
        CliRun run = CliRun.run("chat", "--model", "/dev/zero", "hi");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains("/dev/zero", "not a regular file").doesNotContain("not found");
    }

    @Test
    void anEmptyModelPathIsNamedAsSuch() {
        CliRun run = CliRun.run("chat", "--model", "", "hi");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains("model path is empty");
    }

    @Test
    @EnabledOnOs({OS.LINUX, OS.MAC})
    void aDeviceAsGrammarOrPromptFileIsRefusedByName() {
        CliRun grammar = CliRun.run(new FakeEngine("x")::load, "generate", "--prompt", "hi", "--model",
                model.toString(), "--grammar", "/dev/zero");
        CliRun prompt = CliRun.run(new FakeEngine("x")::load, "generate", "--prompt-file", "/dev/zero", "--model",
                model.toString());

        assertThat(grammar.exitCode()).isEqualTo(1);
        assertThat(grammar.err()).contains("grammar file /dev/zero", "not a regular file");
        assertThat(prompt.exitCode()).isEqualTo(1);
        assertThat(prompt.err()).contains("prompt file /dev/zero", "not a regular file");
    }

    @Test
    void aNonUtf8FileIsReportedWithItsName() throws IOException {
        Path prompt = Files.write(dir.resolve("latin1.txt"), new byte[] {'c', 'a', 'f', (byte) 0xE9});

        CliRun run = CliRun.run(new FakeEngine("x")::load, "chat", "--prompt-file", prompt.toString(), "--model",
                model.toString());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains(prompt.toString(), "not valid UTF-8", "byte offset 3")
                .doesNotContain("Input length");
    }

    @Test
    void promptFileGivesTheMessageAndThePrompt() throws IOException {
        Path prompt = Files.writeString(dir.resolve("prompt.txt"), "Why is the sky blue?\nBe brief.");
        FakeEngine chat = new FakeEngine("ok");
        FakeEngine generate = new FakeEngine("ok");

        CliRun chatRun = CliRun.run(chat::load, "chat", "--prompt-file", prompt.toString(), "--model", model.toString());
        CliRun generateRun = CliRun.run(generate::load, "generate", "--raw", "--prompt-file", prompt.toString(),
                "--model", model.toString());

        assertThat(chatRun.exitCode()).as(chatRun.err()).isZero();
        assertThat(chat.turns.get(0).content()).isEqualTo("Why is the sky blue?\nBe brief.");
        assertThat(generateRun.exitCode()).as(generateRun.err()).isZero();
        assertThat(generate.request.prompt()).isEqualTo(PromptText.markup("Why is the sky blue?\nBe brief."));
    }

    @Test
    void aDashReadsThePromptFromStdin() {
        FakeEngine engine = new FakeEngine("ok");
        InputStream stdin = System.in;
        System.setIn(new ByteArrayInputStream("héllo from stdin".getBytes(StandardCharsets.UTF_8)));
        try {
            CliRun run = CliRun.run(engine::load, "generate", "--raw", "--prompt-file", "-", "--model",
                    model.toString());

            assertThat(run.exitCode()).as(run.err()).isZero();
        } finally {
            System.setIn(stdin);
        }
        assertThat(engine.request.prompt()).isEqualTo(PromptText.markup("héllo from stdin"));
    }

    @Test
    void promptAndPromptFileTogetherOrNeitherAreUsageErrors() throws IOException {
        Path prompt = Files.writeString(dir.resolve("prompt.txt"), "x");

        assertThat(CliRun.run("generate", "--prompt", "a", "--prompt-file", prompt.toString()).exitCode()).isEqualTo(2);
        assertThat(CliRun.run("chat", "--prompt-file", prompt.toString(), "hello").exitCode()).isEqualTo(2);
        CliRun neither = CliRun.run("generate", "--model", model.toString());
        assertThat(neither.exitCode()).isEqualTo(2);
        assertThat(neither.err()).contains("--prompt-file");
    }

    @Test
    void aPromptStartingWithAtIsTextNotAFileToExpand() throws IOException {
        Path secret = Files.writeString(dir.resolve("secret.txt"), "--raw");
        FakeEngine engine = new FakeEngine("ok");

        CliRun run = CliRun.run(engine::load, "chat", "--model", model.toString(), "@" + secret);

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(engine.turns.get(0).content()).isEqualTo("@" + secret);
    }

    @Test
    void aClosedStdoutStopsTheGeneration() {
        FakeEngine engine = new FakeEngine(Collections.nCopies(10_000, "token ").toArray(String[]::new));
        OutputStream closedPipe = new OutputStream() {
            private int written;

            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                written += len;
                if (written > 20) {
                    throw new IOException("Broken pipe");
                }
            }
        };
        ByteArrayOutputStream err = new ByteArrayOutputStream();

        int exitCode = MoiCli.run(engine::load, new PrintStream(closedPipe, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), "generate", "--prompt", "hi", "--model",
                model.toString(), "--max-tokens", "10000");

        assertThat(engine.generatedTokens).isLessThan(10);
        assertThat(exitCode).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("stdout was closed");
    }
}
