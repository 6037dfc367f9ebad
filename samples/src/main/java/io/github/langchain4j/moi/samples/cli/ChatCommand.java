package io.github.langchain4j.moi.samples.cli;

import io.github.langchain4j.moi.engine.ChatTurn;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code moi chat "<message>"}: one message through the model's chat template, the answer streamed to stdout. */
@Command(name = "chat", sortOptions = false, mixinStandardHelpOptions = true,
        defaultValueProvider = GenerationOptions.Defaults.class,
        description = "Answers one message with the model's chat template, streaming the answer to stdout "
                + "(MoI decoding by default).",
        exitCodeListHeading = MoiCli.EXIT_CODES_HEADING, exitCodeList = {MoiCli.EXIT_OK, MoiCli.EXIT_FAILURE,
                MoiCli.EXIT_USAGE})
final class ChatCommand implements Callable<Integer> {

    @ParentCommand
    MoiCli parent;

    @Spec
    CommandSpec spec;

    @Parameters(arity = "0..*", paramLabel = "MESSAGE",
            description = "The message (several words are joined by spaces), unless --prompt-file is given.")
    List<String> message;

    @Option(names = "--system", paramLabel = "TEXT", order = 0, description = "A system message before the user's.")
    String system;

    @Mixin
    GenerationOptions options;

    /** The turns given to the chat template: the optional system message, then the user's. */
    List<ChatTurn> turns() {
        String text = options.promptText(message == null || message.isEmpty() ? null : String.join(" ", message),
                "MESSAGE");
        if (text.isBlank()) {
            throw new ParameterException(spec.commandLine(), "the message must not be empty");
        }
        List<ChatTurn> turns = new ArrayList<>(2);
        if (system != null) {
            turns.add(new ChatTurn("system", system));
        }
        turns.add(new ChatTurn("user", text));
        return turns;
    }

    @Override
    public Integer call() {
        List<ChatTurn> turns = turns();
        return GenerationRunner.run(options, parent.engines(), engine -> options.chatPrompt(engine, turns),
                spec.commandLine().getOut(), spec.commandLine().getErr());
    }
}
