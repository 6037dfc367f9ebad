package io.github.langchain4j.moi.samples.cli;

import io.github.langchain4j.moi.testing.AllOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every engine option (listed from the engine's records by {@link AllOptions}) has a flag in {@code generate} and
 * {@code chat}, and a value given with it reaches the engine; a rejected value is reported under its flag, found from
 * the option's name, not from the message.
 */
class CliFlagsReachTheEngineTest {

    /**
     * Load-time tuning that the one-shot commands leave at the library's defaults: one generation per run needs one
     * KV-cache sequence, and batch size, mmap and the prefill chunk (prompts read next to other generations) only
     * matter to servers.
     */
    private static final Set<String> NO_FLAG = Set.of("maxSequences", "batchSize", "useMmap", "prefillChunk");

    @TempDir
    Path dir;

    @Test
    void everyEngineOptionHasAFlagInBothCommands() {
        for (Object command : List.of(new GenerateCommand(), new ChatCommand())) {
            CommandSpec spec = new CommandLine(command).getCommandSpec();
            for (String option : options()) {
                assertThat(spec.findOption(OptionFlags.of(option))).as("%s: flag %s of the engine option %s",
                        spec.name(), OptionFlags.of(option), option).isNotNull();
            }
        }
    }

    @Test
    void everyFlagReachesTheEngine() throws IOException {
        for (String command : List.of("generate", "chat")) {
            FakeEngine engine = new FakeEngine("ok");
            List<String> args = new ArrayList<>(command.equals("generate") ? List.of("generate", "--prompt", "p")
                    : List.of("chat"));
            for (String option : options()) {
                for (String value : values(option)) {
                    args.add(OptionFlags.of(option));
                    args.add(value);
                }
            }
            args.add("--think"); // a thinking segment, for the thinking budget to bound
            if (command.equals("chat")) {
                args.add("the message");
            }

            CliRun run = CliRun.run(engine::load, args.toArray(String[]::new));

            assertThat(run.exitCode()).as(run.err()).isZero();
            for (String option : options()) {
                assertThat(AllOptions.read(option, engine.request, engine.config)).as("%s %s", command, option)
                        .isEqualTo(expected(option));
            }
        }
    }

    @Test
    void aRejectedValueIsReportedUnderItsFlag() {
        CliRun run = CliRun.run("generate", "--prompt", "hi", "--presence-penalty", "NaN");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("Invalid value for option '--presence-penalty': presencePenalty must be");

        CliRun stop = CliRun.run("generate", "--prompt", "hi", "--stop", "");

        assertThat(stop.exitCode()).isEqualTo(2);
        assertThat(stop.err()).contains("Invalid value for option '--stop': stopSequences must not contain");
    }

    private static List<String> options() {
        List<String> options = new ArrayList<>(AllOptions.names());
        options.removeAll(NO_FLAG);
        return options;
    }

    /** The command-line words for an option's sample value: files for the grammar, the model and the trace. */
    private List<String> values(String option) throws IOException {
        Object sample = AllOptions.sample(option);
        return switch (option) {
            case "grammar" -> List.of(Files.writeString(dir.resolve("g.gbnf"), (String) sample).toString());
            case "modelPath" -> List.of(model().toString());
            case "trace" -> List.of(dir.resolve("trace.jsonl").toString());
            default -> sample instanceof List<?> list ? list.stream().map(String::valueOf).toList()
                    : List.of(String.valueOf(sample));
        };
    }

    private Object expected(String option) throws IOException {
        return option.equals("modelPath") ? model() : AllOptions.sample(option);
    }

    private Path model() throws IOException {
        Path model = dir.resolve("model.gguf");
        if (!Files.exists(model)) {
            Files.writeString(model, "GGUF, not read by the fake engine");
        }
        return model;
    }
}
