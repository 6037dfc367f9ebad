package io.github.langchain4j.moi.samples.cli;

import io.github.langchain4j.moi.engine.InvalidOptionException;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

import java.util.Locale;
import java.util.Map;

/**
 * The command line's flag for each engine option: the option's name (as {@code InvalidOptionException.optionName()}
 * gives it) in kebab case, except for the few below. Lets the commands name the flag of a rejected value without
 * reading the library's message.
 */
public final class OptionFlags {

    /** Flags that are not the option's name in kebab case. */
    private static final Map<String, String> FLAG_OF_OPTION = Map.of(
            "modelPath", "--model",
            "contextSize", "--ctx-size",
            "stopStrings", "--stop",
            "llamaCppPath", "--llama-cpp");

    private OptionFlags() {
    }

    /** The flag of an engine option, e.g. {@code --top-p} for {@code topP}. */
    public static String of(String optionName) {
        String flag = FLAG_OF_OPTION.get(optionName);
        return flag != null ? flag : "--" + optionName.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
    }

    /**
     * The usage error for a value the library rejected: for an {@link InvalidOptionException}, naming the flag (when
     * the command has it) as picocli's own errors do.
     */
    public static ParameterException usageError(CommandSpec command, IllegalArgumentException e) {
        String message = String.valueOf(e.getMessage());
        if (e instanceof InvalidOptionException invalid) {
            String flag = of(invalid.optionName());
            if (command.findOption(flag) != null) {
                message = "Invalid value for option '" + flag + "': " + message;
            }
        }
        return new ParameterException(command.commandLine(), message, e);
    }
}
