package io.github.langchain4j.moi.samples.cli;

import io.github.langchain4j.moi.engine.Engine;
import io.github.langchain4j.moi.engine.PromptText;
import io.github.langchain4j.moi.engine.ChatTurn;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.util.List;
import java.util.concurrent.Callable;

/** {@code moi generate --prompt P}: full control of the sampler and MoI, optionally a raw prompt and a trace. */
@Command(name = "generate", sortOptions = false, mixinStandardHelpOptions = true,
        defaultValueProvider = GenerationOptions.Defaults.class,
        description = "Generates from a prompt, streaming the text to stdout. The prompt is one user turn in the "
                + "model's chat template unless --raw is given.",
        exitCodeListHeading = MoiCli.EXIT_CODES_HEADING, exitCodeList = {MoiCli.EXIT_OK, MoiCli.EXIT_FAILURE,
                MoiCli.EXIT_USAGE})
final class GenerateCommand implements Callable<Integer> {

    @ParentCommand
    MoiCli parent;

    @Spec
    CommandSpec spec;

    @Option(names = {"-p", "--prompt"}, paramLabel = "TEXT", order = -2,
            description = "The prompt (or --prompt-file).")
    String prompt;

    @Option(names = "--raw", order = -1,
            description = "Feed the prompt as it is (special tokens parsed), without the chat template.")
    boolean raw;

    @Mixin
    GenerationOptions options;

    /** The prompt as the model sees it: with --raw, the user wrote the model's markup (special tokens count). */
    PromptText formatPrompt(Engine engine, String text) {
        return raw ? PromptText.markup(text) : options.chatPrompt(engine, List.of(new ChatTurn("user", text)));
    }

    @Override
    public Integer call() {
        if (raw && options.think) {
            // think-then-answer writes into the chat template's prompt; a raw prompt opens its own segment
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--think needs the chat template: "
                    + "not with --raw (end a raw prompt with <think> to open the segment yourself)");
        }
        String text = options.promptText(prompt, "--prompt");
        return GenerationRunner.run(options, parent.engines(), engine -> formatPrompt(engine, text),
                spec.commandLine().getOut(), spec.commandLine().getErr());
    }
}
