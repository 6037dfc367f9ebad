package io.github.langchain4j.moi.samples.cli;

import io.github.langchain4j.moi.engine.MoiEngine;
import io.github.langchain4j.moi.engine.PromptText;
import io.github.langchain4j.moi.engine.MoiMode;
import io.github.langchain4j.moi.engine.EngineConfig;
import io.github.langchain4j.moi.engine.GbnfValidator;
import io.github.langchain4j.moi.engine.GenerationRequest;
import io.github.langchain4j.moi.engine.InvalidOptionException;
import io.github.langchain4j.moi.engine.MoiOptions;
import io.github.langchain4j.moi.engine.MoiSupport;
import io.github.langchain4j.moi.engine.MoiScope;
import io.github.langchain4j.moi.engine.ThinkThenAnswer;
import io.github.langchain4j.moi.engine.ThinkingOptions;
import io.github.langchain4j.moi.engine.SamplingOptions;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

import static java.util.Map.entry;

/**
 * The options that {@code chat} and {@code generate} share (a picocli mixin). Each option maps onto one field of the
 * library's records ({@link SamplingOptions}, {@link MoiOptions}, {@link GenerationRequest}, {@link EngineConfig});
 * their defaults come from those records ({@link Defaults}) and their constructors do the validation.
 */
final class GenerationOptions {

    /** The CLI's own default for {@code --max-tokens} (the library has none: a request always says). */
    static final int DEFAULT_MAX_TOKENS = 512;

    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    @Option(names = "--prompt-file", paramLabel = "FILE", order = 0,
            description = "Read the prompt (chat: the message) from a UTF-8 file, or from stdin with '-'.")
    Path promptFile;

    @Option(names = "--model", paramLabel = "PATH", order = 1,
            description = "GGUF model file (default: -D" + DefaultModelLocator.PROPERTY + ", $" + DefaultModelLocator.ENV
                    + ", else the library's default model).")
    Path model;

    @Option(names = "--mode", paramLabel = "MODE", converter = EngineValueConverters.Mode.class, order = 2,
            description = "How generated tokens are fed back: moi, direct or off (default: ${DEFAULT-VALUE}).")
    MoiMode mode;

    @Option(names = "--beta", paramLabel = "B", order = 3,
            description = "MoI concentration of the sampled token, >= 0; larger keeps more of it (default: ${DEFAULT-VALUE}).")
    double beta;

    @Option(names = "--mix-top-k", paramLabel = "K", order = 4,
            description = "Tokens of the raw distribution in the mixture's support (default: ${DEFAULT-VALUE}).")
    int mixTopK;

    @Option(names = "--support", paramLabel = "S", converter = EngineValueConverters.Support.class, order = 4,
            description = "A sampled token outside the top --mix-top-k: extended adds it to the mixture, reference "
                    + "keeps the top k only, as the MoI authors' code (default: ${DEFAULT-VALUE}).")
    MoiSupport support;

    @Option(names = "--scope", paramLabel = "SCOPE", converter = EngineValueConverters.Scope.class, order = 4,
            description = "Where MoI's mixture is fed: all generated tokens, only the thinking segment's, or only "
                    + "the answer's (default: ${DEFAULT-VALUE}).")
    MoiScope scope;

    @Option(names = "--think", order = 4,
            description = "Think-then-answer: ask the model to reason inside <think>...</think> first (the prompt "
                    + "opens the segment), then answer.")
    boolean think;

    @Option(names = "--thinking-budget", paramLabel = "N", order = 4,
            description = "Most tokens of thinking; then the segment is closed and the answer follows (default: "
                    + "none, the context bounds it). --max-tokens counts the answer only.")
    Integer thinkingBudget;

    @Option(names = "--show-thinking", order = 4,
            description = "Print the thinking, between <think> and </think>, before the answer (default: only the answer).")
    boolean showThinking;

    @Option(names = "--temperature", paramLabel = "T", order = 5,
            description = "Sampling temperature, 0 for greedy (default: ${DEFAULT-VALUE}).")
    double temperature;

    @Option(names = "--top-k", paramLabel = "K", order = 6,
            description = "Keep the K most likely tokens, 0 to disable (default: ${DEFAULT-VALUE}).")
    int topK;

    @Option(names = "--top-p", paramLabel = "P", order = 7,
            description = "Nucleus sampling threshold in (0, 1], 1 to disable (default: ${DEFAULT-VALUE}).")
    double topP;

    @Option(names = "--temperature-first", arity = "0..1", order = 7,
            description = "Apply the temperature before top-k, top-p and min-p, as vLLM does (default: last).")
    boolean temperatureFirst;

    @Option(names = "--min-p", paramLabel = "P", order = 8,
            description = "Drop tokens below P times the top probability, in [0, 1) (default: ${DEFAULT-VALUE}).")
    double minP;

    @Option(names = "--repeat-penalty", paramLabel = "R", order = 9,
            description = "Penalty for recently seen tokens, 1 to disable (default: ${DEFAULT-VALUE}).")
    double repeatPenalty;

    @Option(names = "--repeat-last-n", paramLabel = "N", order = 10,
            description = "Window of the repeat penalty in tokens (default: ${DEFAULT-VALUE}).")
    int repeatLastN;

    @Option(names = "--seed", paramLabel = "S", order = 11,
            description = "Random seed; the same seed gives the same output (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--frequency-penalty", paramLabel = "F", order = 12,
            description = "Subtracted from a token's logit once per time it was generated in the last "
                    + "--repeat-last-n tokens (default: ${DEFAULT-VALUE}).")
    double frequencyPenalty;

    @Option(names = "--presence-penalty", paramLabel = "F", order = 13,
            description = "Subtracted from a token's logit if it was generated in the last --repeat-last-n tokens "
                    + "(default: ${DEFAULT-VALUE}).")
    double presencePenalty;

    @Option(names = "--max-tokens", paramLabel = "N", order = 14,
            description = "Most tokens to generate, >= 1 (default: ${DEFAULT-VALUE}).")
    int maxTokens;

    @Option(names = "--stop", paramLabel = "STR", order = 15,
            description = "Stop before this string (repeatable); it is not printed.")
    List<String> stop = new ArrayList<>();

    @Option(names = "--grammar", paramLabel = "FILE", order = 16,
            description = "GBNF grammar file (root rule 'root') constraining the output.")
    Path grammar;

    @Option(names = "--trace", paramLabel = "FILE", order = 17,
            description = "Write one JSON line per generated token: step, token, text, mode, beta, support, prior, "
                    + "entropy, weights.")
    Path trace;

    @Option(names = "--ctx-size", paramLabel = "N", order = 18,
            description = "Context window in tokens, 0 for the model's own (default: ${DEFAULT-VALUE}).")
    int contextSize;

    @Option(names = "--threads", paramLabel = "N", order = 19,
            description = "CPU threads, 0 for one per core not busy with other work (default: ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--gpu-layers", paramLabel = "N", order = 20,
            description = "Layers offloaded to the GPU, -1 for all (default: ${DEFAULT-VALUE}).")
    int gpuLayers;

    @Option(names = "--llama-cpp", paramLabel = "FOLDER", order = 20,
            description = "Run on the current llama.cpp built in FOLDER (./moi native build prints it), for models the "
                    + "bundled llama.cpp b4916 cannot load (default: the system property moi.llama.lib.path, else b4916).")
    Path llamaCpp;

    @Option(names = "--allow-unverified-architecture", arity = "0..1", order = 20,
            description = "Run MoI on an architecture not verified for the loaded llama.cpp (default: only --mode off runs there).")
    boolean allowUnverifiedArchitecture;

    @Option(names = {"-v", "--verbose"}, order = 21,
            description = "Print stack traces of errors and debug logs (also: MOI_DEBUG=1).")
    boolean verbose;

    /** Checks every option with the library's own validation, so that bad usage fails before any model is touched. */
    void validate() {
        toRequest(PromptText.text(""), null);
        toEngineConfig(Path.of("model.gguf"));
    }

    /**
     * The prompt: the text given as arguments ({@code argText}, null when none) or the content of
     * {@code --prompt-file}, exactly one of them.
     */
    String promptText(String argText, String argName) {
        if (argText != null && promptFile != null) {
            throw new ParameterException(command.commandLine(), "give " + argName + " or --prompt-file, not both");
        }
        if (promptFile == null) {
            if (argText == null) {
                throw new ParameterException(command.commandLine(), "missing " + argName + " (or --prompt-file FILE)");
            }
            return argText;
        }
        if (promptFile.toString().equals("-")) {
            try {
                return SafeFiles.readText(System.in, "the prompt on stdin", SafeFiles.MAX_TEXT_BYTES);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the prompt from stdin: " + MoiCli.reason(e), e);
            }
        }
        return SafeFiles.readText(promptFile, "prompt file", SafeFiles.MAX_TEXT_BYTES);
    }

    /** The files that the command reads: an output must be none of them. */
    SafeFiles.Input[] inputs(Path modelPath) {
        return new SafeFiles.Input[] {new SafeFiles.Input("model file", modelPath),
                new SafeFiles.Input("grammar file", grammar),
                promptFile == null || promptFile.toString().equals("-") ? null
                        : new SafeFiles.Input("prompt file", promptFile)};
    }

    SamplingOptions toSampling() {
        return usage(() -> new SamplingOptions(temperature, topK, topP, minP, repeatPenalty, repeatLastN, seed,
                frequencyPenalty, presencePenalty, temperatureFirst));
    }

    MoiOptions toMoi() {
        return usage(() -> new MoiOptions(mode, beta, mixTopK, support, scope));
    }

    /** The request for a prompt that is already in the model's format, for a model without a thinking template. */
    GenerationRequest toRequest(PromptText prompt) {
        return toRequest(prompt, null);
    }

    /**
     * The request for a prompt that is already in the model's format; its thinking segment is think-then-answer's,
     * or the one of a reasoning model's template ({@code templateSource}, null for none).
     */
    GenerationRequest toRequest(PromptText prompt, String templateSource) {
        SamplingOptions sampling = toSampling();
        MoiOptions moi = toMoi();
        String grammarText = readGrammar();
        int budget = thinkingBudget == null ? ThinkingOptions.NO_BUDGET : thinkingBudget;
        ThinkingOptions checked = usage(() -> ThinkingOptions.think(budget)); // checked for every model
        ThinkingOptions thinking = think ? checked : ThinkingOptions.detect(templateSource, budget);
        return usage(() -> new GenerationRequest(prompt, sampling, moi, maxTokens, stop, grammarText, trace != null,
                thinking));
    }

    /** The chat prompt of these turns: with think-then-answer's instruction and opened segment when asked. */
    PromptText chatPrompt(io.github.langchain4j.moi.engine.Engine engine,
                          java.util.List<io.github.langchain4j.moi.engine.ChatTurn> turns) {
        return think ? ThinkThenAnswer.openSegment(engine.applyChatTemplate(ThinkThenAnswer.turns(turns), true))
                : engine.applyChatTemplate(turns, true);
    }

    EngineConfig toEngineConfig(Path modelPath) {
        EngineConfig defaults = EngineConfig.of(modelPath);
        // one generation per run: a single KV-cache sequence is all the command line needs
        return usage(() -> new EngineConfig(modelPath, contextSize, threads, defaults.batchSize(), gpuLayers,
                defaults.useMmap(), 1, llamaCpp, allowUnverifiedArchitecture));
    }

    /** {@code --model}, else the default model; a missing file is reported here, naming the path. */
    Path modelPath() {
        Path path = model != null ? model : DefaultModelLocator.defaultModelPath();
        MoiEngine.checkModelFile(path);
        return path;
    }

    private String readGrammar() {
        if (grammar == null) {
            return null;
        }
        String text = SafeFiles.readText(grammar, "grammar file", SafeFiles.MAX_TEXT_BYTES);
        // checked here too, so that the message names the file (an empty file is an error, not "no grammar")
        return usage(() -> {
            try {
                GbnfValidator.validate(text);
            } catch (IllegalArgumentException e) {
                throw new InvalidOptionException("grammar", grammar, "grammar file " + grammar + ": " + e.getMessage(), e);
            }
            return text;
        });
    }

    private <T> T usage(Supplier<T> build) {
        try {
            return build.get();
        } catch (IllegalArgumentException e) {
            if (command == null) {
                throw e;
            }
            throw OptionFlags.usageError(command, e);
        }
    }

    /** The defaults of the options, read from the library's records so that there is one source of truth. */
    static final class Defaults implements IDefaultValueProvider {

        private static final SamplingOptions SAMPLING = SamplingOptions.DEFAULTS;
        private static final MoiOptions MOI = MoiOptions.DEFAULTS;
        private static final EngineConfig ENGINE = EngineConfig.of(Path.of("model.gguf"));

        static final Map<String, Object> VALUES = Map.ofEntries(
                entry("--mode", MOI.mode().name().toLowerCase(Locale.ROOT)),
                entry("--beta", MOI.beta()),
                entry("--mix-top-k", MOI.mixTopK()),
                entry("--support", MOI.support().name().toLowerCase(Locale.ROOT)),
                entry("--scope", MOI.scope().name().toLowerCase(Locale.ROOT)),
                entry("--temperature-first", SAMPLING.temperatureFirst()),
                entry("--temperature", SAMPLING.temperature()),
                entry("--top-k", SAMPLING.topK()),
                entry("--top-p", SAMPLING.topP()),
                entry("--min-p", SAMPLING.minP()),
                entry("--repeat-penalty", SAMPLING.repeatPenalty()),
                entry("--repeat-last-n", SAMPLING.repeatLastN()),
                entry("--seed", SAMPLING.seed()),
                entry("--frequency-penalty", SAMPLING.frequencyPenalty()),
                entry("--presence-penalty", SAMPLING.presencePenalty()),
                entry("--max-tokens", DEFAULT_MAX_TOKENS),
                entry("--ctx-size", ENGINE.contextSize()),
                entry("--threads", ENGINE.threads()),
                entry("--gpu-layers", ENGINE.gpuLayers()));

        @Override
        public String defaultValue(ArgSpec argument) {
            if (argument instanceof OptionSpec option) {
                Object value = VALUES.get(option.longestName());
                return value == null ? null : String.valueOf(value);
            }
            return null;
        }
    }
}
