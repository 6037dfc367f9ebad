package io.github.langchain4j.moi.samples.cli;

import io.github.langchain4j.moi.engine.PromptText;
import io.github.langchain4j.moi.engine.MoiMode;
import io.github.langchain4j.moi.engine.MoiSupport;
import io.github.langchain4j.moi.engine.EngineConfig;
import io.github.langchain4j.moi.engine.GenerationRequest;
import io.github.langchain4j.moi.engine.MoiOptions;
import io.github.langchain4j.moi.engine.SamplingOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Every option of chat and generate reaches the request or the engine configuration, and the defaults are the library's. */
class CliOptionMappingTest {

    private static final Path MODEL = Path.of("model.gguf");

    @TempDir
    static Path dir;

    /** An option, the value given, where it lands, and what must be found there. */
    record Case(String option, List<String> values, Function<GenerationOptions, Object> landing, Object expected) {
        Case(String option, String value, Function<GenerationOptions, Object> landing, Object expected) {
            this(option, List.of(value), landing, expected);
        }

        @Override
        public String toString() {
            return option + " " + values;
        }
    }

    static Function<GenerationOptions, Object> request(Function<GenerationRequest, Object> field) {
        return options -> field.apply(options.toRequest(PromptText.text("prompt")));
    }

    static Function<GenerationOptions, Object> engine(Function<EngineConfig, Object> field) {
        return options -> field.apply(options.toEngineConfig(MODEL));
    }

    static Stream<Case> cases() throws IOException {
        Path grammar = Files.writeString(dir.resolve("answer.gbnf"), "root ::= \"yes\" | \"no\"");
        Path model = Files.writeString(dir.resolve("tiny.gguf"), "GGUF");
        return Stream.of(
                new Case("--mode", "direct", request(r -> r.moi().mode()), MoiMode.DIRECT),
                new Case("--mode", "OFF", request(r -> r.moi().mode()), MoiMode.OFF),
                new Case("--beta", "2.5", request(r -> r.moi().beta()), 2.5),
                new Case("--beta", "0", request(r -> r.moi().beta()), 0.0),
                new Case("--mix-top-k", "7", request(r -> r.moi().mixTopK()), 7),
                new Case("--support", "reference", request(r -> r.moi().support()), MoiSupport.REFERENCE),
                new Case("--scope", "thinking", request(r -> r.moi().scope()), io.github.langchain4j.moi.engine.MoiScope.THINKING),
                new Case("--scope", "ANSWER", request(r -> r.moi().scope()), io.github.langchain4j.moi.engine.MoiScope.ANSWER),
                new Case("--temperature-first", "true", request(r -> r.sampling().temperatureFirst()), true),
                new Case("--temperature", "0", request(r -> r.sampling().temperature()), 0.0),
                new Case("--top-k", "5", request(r -> r.sampling().topK()), 5),
                new Case("--top-p", "0.5", request(r -> r.sampling().topP()), 0.5),
                new Case("--min-p", "0.2", request(r -> r.sampling().minP()), 0.2),
                new Case("--repeat-penalty", "1.3", request(r -> r.sampling().repeatPenalty()), 1.3),
                new Case("--repeat-last-n", "128", request(r -> r.sampling().repeatLastN()), 128),
                new Case("--seed", "1234567890123", request(r -> r.sampling().seed()), 1234567890123L),
                new Case("--frequency-penalty", "0.4", request(r -> r.sampling().frequencyPenalty()), 0.4),
                new Case("--presence-penalty", "-0.5", request(r -> r.sampling().presencePenalty()), -0.5),
                new Case("--max-tokens", "33", request(GenerationRequest::maxTokens), 33),
                new Case("--stop", "</s>", request(GenerationRequest::stopStrings), List.of("</s>")),
                new Case("--stop", List.of("\n\n", "END"), request(GenerationRequest::stopStrings),
                        List.of("\n\n", "END")),
                new Case("--grammar", grammar.toString(), request(GenerationRequest::grammar),
                        "root ::= \"yes\" | \"no\""),
                new Case("--trace", dir.resolve("t.jsonl").toString(), request(GenerationRequest::trace), true),
                new Case("--ctx-size", "1024", engine(EngineConfig::contextSize), 1024),
                new Case("--threads", "2", engine(EngineConfig::threads), 2),
                new Case("--gpu-layers", "-1", engine(EngineConfig::gpuLayers), -1),
                new Case("--llama-cpp", dir.toString(), engine(EngineConfig::llamaCppPath), dir),
                new Case("--allow-unverified-architecture", "true", engine(EngineConfig::allowUnverifiedArchitecture), true),
                new Case("--model", model.toString(), GenerationOptions::modelPath, model));
    }

    /**
     * Options whose effect is checked in {@link MoiCliGenerationTest}, {@link MoiCliTest} or {@link CliThinkingTest}
     * (the thinking options need a thinking segment), not here.
     */
    private static final Set<String> COVERED_ELSEWHERE = Set.of("--prompt", "--prompt-file", "--raw", "--system", "--verbose",
            "--help", "--version", "--think", "--thinking-budget", "--show-thinking");

    static GenerationOptions parse(String command, List<String> args) {
        List<String> all = new ArrayList<>(args);
        if (command.equals("generate")) {
            GenerateCommand generate = new GenerateCommand();
            all.addAll(List.of("--prompt", "p"));
            new CommandLine(generate).parseArgs(all.toArray(String[]::new));
            return generate.options;
        }
        ChatCommand chat = new ChatCommand();
        all.add("message");
        new CommandLine(chat).parseArgs(all.toArray(String[]::new));
        return chat.options;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void eachOptionReachesTheRequestOrTheEngine(Case option) {
        for (String command : List.of("generate", "chat")) {
            List<String> args = new ArrayList<>();
            for (String value : option.values()) {
                args.add(option.option());
                args.add(value);
            }

            Object landed = option.landing().apply(parse(command, args));

            assertThat(landed).as(command + " " + option).isEqualTo(option.expected());
            if (!option.option().equals("--model")) {
                assertThat(option.landing().apply(parse(command, List.of())))
                        .as("the default differs from the value tested, so the test shows the option's effect")
                        .isNotEqualTo(option.expected());
            }
        }
    }

    @Test
    void everyOptionOfBothCommandsIsCovered() throws IOException {
        Set<String> tested = new TreeSet<>(COVERED_ELSEWHERE);
        cases().forEach(c -> tested.add(c.option()));

        for (Object command : List.of(new GenerateCommand(), new ChatCommand())) {
            Set<String> options = new TreeSet<>();
            for (OptionSpec option : new CommandLine(command).getCommandSpec().options()) {
                options.add(option.longestName());
            }
            assertThat(tested).as("options with a test").containsAll(options);
        }
    }

    @Test
    void allOptionsTogetherGiveTheExpectedRequest() {
        GenerationOptions options = parse("generate", List.of("--mode", "direct", "--beta", "0.5", "--mix-top-k", "8",
                "--temperature", "0.7", "--top-k", "30", "--top-p", "0.8", "--min-p", "0.1", "--repeat-penalty", "1.1",
                "--repeat-last-n", "32", "--seed", "9", "--max-tokens", "64", "--stop", "###",
                "--ctx-size", "512", "--threads", "4", "--gpu-layers", "10"));

        assertThat(options.toRequest(PromptText.text("the prompt"))).isEqualTo(new GenerationRequest("the prompt",
                new SamplingOptions(0.7, 30, 0.8, 0.1, 1.1, 32, 9), new MoiOptions(MoiMode.DIRECT, 0.5, 8), 64,
                List.of("###"), null, false));
        assertThat(options.toEngineConfig(MODEL)).isEqualTo(new EngineConfig(MODEL, 512, 4,
                EngineConfig.DEFAULT_BATCH_SIZE, 10, true, 1));
    }

    @Test
    void withoutOptionsTheRequestHasTheLibraryDefaults() {
        for (String command : List.of("generate", "chat")) {
            GenerationOptions options = parse(command, List.of());

            GenerationRequest request = options.toRequest(PromptText.text("p"));

            assertThat(request.sampling()).isEqualTo(SamplingOptions.DEFAULTS);
            assertThat(request.moi()).isEqualTo(MoiOptions.DEFAULTS);
            assertThat(request.maxTokens()).isEqualTo(GenerationOptions.DEFAULT_MAX_TOKENS);
            assertThat(request.stopStrings()).isEmpty();
            assertThat(request.grammar()).isNull();
            assertThat(request.trace()).isFalse();
            assertThat(options.toEngineConfig(MODEL)).isEqualTo(EngineConfig.of(MODEL).withMaxSequences(1));
        }
    }
}
