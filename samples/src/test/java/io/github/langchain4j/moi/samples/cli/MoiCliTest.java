package io.github.langchain4j.moi.samples.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** Usage, validation and exit codes, in-process and without a model. */
class MoiCliTest {

    @Test
    void publicRunReturnsTheExitCodeWithoutExitingTheJvm() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();

        int exitCode = MoiCli.run(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), "--help");

        assertThat(exitCode).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("Usage: moi", "chat", "generate");
        assertThat(err.toString(StandardCharsets.UTF_8)).isEmpty();
    }

    @Test
    void helpOfEachCommandExitsZeroAndListsItsOptions() {
        CliRun generate = CliRun.run("generate", "--help");
        CliRun chat = CliRun.run("chat", "--help");

        assertThat(generate.exitCode()).isZero();
        assertThat(generate.out()).contains("--prompt", "--raw", "--mode", "--beta", "--mix-top-k", "--temperature",
                "--top-k", "--top-p", "--min-p", "--repeat-penalty", "--seed", "--max-tokens", "--model", "--trace",
                "--stop", "--ctx-size", "--threads", "--gpu-layers", "(default: moi)", "(default: 1.0)");
        assertThat(chat.exitCode()).isZero();
        assertThat(chat.out()).contains("MESSAGE", "--system", "--mode", "--trace");
    }

    @Test
    void versionExitsZero() {
        CliRun run = CliRun.run("--version");

        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).startsWith("moi ");
    }

    @Test
    void unknownModeExitsTwoNamingTheModeAndTheValidValues() {
        CliRun run = CliRun.run("generate", "--prompt", "hi", "--mode", "bogus");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).startsWith("moi: ").contains("--mode", "'bogus'", "moi, direct, off")
                .contains("Try 'moi generate --help'");
        assertThat(run.out()).isEmpty();
    }

    @Test
    void unknownSupportExitsTwoNamingTheSupportAndTheValidValues() {
        CliRun run = CliRun.run("generate", "--prompt", "hi", "--support", "bogus");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).startsWith("moi: ").contains("--support", "'bogus'", "extended, reference");
        assertThat(run.out()).isEmpty();
    }

    @Test
    void modeIsCaseInsensitive() {
        CliRun run = CliRun.run("generate", "--prompt", "hi", "--mode", "DIRECT", "--model", "/no/such/model.gguf");

        assertThat(run.exitCode()).as(run.err()).isEqualTo(1); // got past parsing, to the model check
    }

    @Test
    void negativeBetaExitsTwoNamingBeta() {
        CliRun run = CliRun.run("generate", "--prompt", "hi", "--beta", "-1");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("moi: ", "'--beta'", "beta must be", "-1.0");
    }

    @Test
    void topPAboveOneExitsTwoNamingTopP() {
        CliRun run = CliRun.run("generate", "--prompt", "hi", "--top-p", "1.5");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("'--top-p'", "1.5");
    }

    @Test
    void negativeTemperatureExitsTwoNamingTemperature() {
        CliRun run = CliRun.run("chat", "--temperature", "-0.5", "hello");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("'--temperature'", "-0.5").contains("Try 'moi chat --help'");
    }

    @Test
    void maxTokensBelowOneExitsTwoNamingMaxTokens() {
        CliRun run = CliRun.run("generate", "--prompt", "hi", "--max-tokens", "0");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("'--max-tokens'");
    }

    @Test
    void engineOptionsAreValidatedBeforeTheModelIsLookedFor() {
        CliRun run = CliRun.run("generate", "--prompt", "hi", "--ctx-size", "-3", "--model", "/no/such/model.gguf");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("'--ctx-size'");
    }

    @Test
    void emptyStopStringExitsTwo() {
        CliRun run = CliRun.run("generate", "--prompt", "hi", "--stop", "");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("'--stop'");
    }

    @Test
    void notANumberExitsTwo() {
        CliRun run = CliRun.run("generate", "--prompt", "hi", "--top-k", "many");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("--top-k", "'many'");
    }

    @Test
    void missingPromptUnknownOptionAndMissingCommandExitTwo() {
        assertThat(CliRun.run("generate").exitCode()).isEqualTo(2);
        assertThat(CliRun.run("generate", "--prompt", "hi", "--no-such-option").exitCode()).isEqualTo(2);
        assertThat(CliRun.run("chat").exitCode()).isEqualTo(2);
        CliRun none = CliRun.run();
        assertThat(none.exitCode()).isEqualTo(2);
        assertThat(none.err()).contains("missing command");
    }

    @Test
    void misspelledCommandSuggestsTheRightOne() {
        CliRun run = CliRun.run("generat");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("moi generate");
    }

    @Test
    void missingModelFileExitsOneNamingTheFileWithoutAStackTrace(@TempDir Path dir) {
        Path missing = dir.resolve("missing-model.gguf");

        CliRun run = CliRun.run("generate", "--prompt", "hi", "--model", missing.toString());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).startsWith("moi: ").contains(missing.toString()).doesNotContain("\tat ");
        assertThat(run.out()).isEmpty();
    }

    @Test
    void modelPathThatIsADirectoryExitsOne(@TempDir Path dir) {
        CliRun run = CliRun.run("chat", "--model", dir.toString(), "hello");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains(dir.toString(), "directory");
    }

    @Test
    void modelSystemPropertyIsTheDefaultForModel(@TempDir Path dir) {
        Path missing = dir.resolve("from-property.gguf");
        String before = System.getProperty(DefaultModelLocator.PROPERTY);
        System.setProperty(DefaultModelLocator.PROPERTY, missing.toString());
        try {
            CliRun run = CliRun.run("chat", "hello");

            assertThat(run.exitCode()).isEqualTo(1);
            assertThat(run.err()).contains(missing.toString());
        } finally {
            if (before == null) {
                System.clearProperty(DefaultModelLocator.PROPERTY);
            } else {
                System.setProperty(DefaultModelLocator.PROPERTY, before);
            }
        }
    }

    @Test
    void helpAndNoCommandListEveryRegisteredCommandAndEachCommandsHelpEveryOption() {
        picocli.CommandLine moi = MoiCli.newCommandLine(new FakeEngine()::load,
                new java.io.PrintWriter(new java.io.StringWriter()), new java.io.PrintWriter(new java.io.StringWriter()));
        CliRun help = CliRun.run("--help");
        CliRun none = CliRun.run();

        assertThat(moi.getSubcommands()).hasSizeGreaterThanOrEqualTo(7);
        for (var entry : moi.getSubcommands().entrySet()) {
            String name = entry.getKey();
            assertThat(help.out()).as("moi --help").containsPattern("(?m)^\\s+" + name + "\\s+\\S");
            assertThat(none.err()).as("moi without a command").containsPattern("(?m)^\\s+" + name + "\\s+\\S");
            CliRun commandHelp = CliRun.run(name, "--help");
            assertThat(commandHelp.exitCode()).as(name + " --help").isZero();
            for (picocli.CommandLine.Model.OptionSpec option : entry.getValue().getCommandSpec().options()) {
                assertThat(commandHelp.out()).as(name + " --help").contains(option.longestName());
            }
        }
    }
}
