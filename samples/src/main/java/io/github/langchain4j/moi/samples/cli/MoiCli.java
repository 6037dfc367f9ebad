package io.github.langchain4j.moi.samples.cli;

import io.github.langchain4j.moi.engine.MoiEngine;
import io.github.langchain4j.moi.engine.Engine;
import io.github.langchain4j.moi.MoiException;
import io.github.langchain4j.moi.engine.MoiEngineException;
import io.github.langchain4j.moi.engine.EngineConfig;
import io.github.langchain4j.moi.samples.eval.EvalCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.Spec;
import picocli.CommandLine.UnmatchedArgumentException;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.util.Arrays;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.function.Function;

/**
 * The {@code moi} command line: {@code moi chat "<message>"}, {@code moi generate --prompt P [options]} and
 * {@code moi eval [options]} (accuracy of the decoding modes on checkable tasks).
 *
 * <p>Exit codes: 0 success; 1 a runtime failure (model file, generation, trace file), with the message on stderr;
 * 2 invalid usage or an invalid option value, with the message naming the option and a usage hint. Stack traces
 * only with {@code --verbose} or {@code MOI_DEBUG=1}. Text goes to stdout (UTF-8), everything else to stderr.
 */
@Command(name = "moi", mixinStandardHelpOptions = true, versionProvider = MoiCli.Version.class,
        subcommands = {ChatCommand.class, GenerateCommand.class, EvalCommand.class, TraceCommand.class,
                io.github.langchain4j.moi.samples.examples.AgentCommand.class,
                io.github.langchain4j.moi.samples.examples.RagCommand.class,
                io.github.langchain4j.moi.samples.bench.BenchCommand.class,
                io.github.langchain4j.moi.samples.soak.SoakCommand.class},
        description = "Mixture-of-Inputs (MoI) decoding with a local GGUF model.",
        exitCodeListHeading = MoiCli.EXIT_CODES_HEADING,
        exitCodeList = {MoiCli.EXIT_OK, MoiCli.EXIT_FAILURE, MoiCli.EXIT_USAGE},
        footerHeading = "%nEnvironment:%n",
        footer = {"  MOI_MODEL   model file when --model is not given (or -Dmoi.model=PATH)",
                "  MOI_DEBUG   1: print stack traces of errors, like --verbose",
                "  JAVA_OPTS   JVM options, passed on by the ./moi script"})
public final class MoiCli implements Callable<Integer> {

    static final int EXIT_CODE_FAILURE = 1;
    static final int EXIT_CODE_USAGE = 2;
    static final String EXIT_CODES_HEADING = "%nExit codes:%n";
    static final String EXIT_OK = "0:Success.";
    static final String EXIT_FAILURE = "1:Runtime failure: model file, generation, trace file.";
    static final String EXIT_USAGE = "2:Invalid usage or option value.";

    private final Function<EngineConfig, Engine> engines;

    @Spec
    CommandSpec spec;

    public MoiCli() {
        this(MoiEngine::load);
    }

    MoiCli(Function<EngineConfig, Engine> engines) {
        this.engines = Objects.requireNonNull(engines, "engines");
    }

    Function<EngineConfig, Engine> engines() {
        return engines;
    }

    @Override
    public Integer call() {
        // what exists is listed from the registered commands, so a new command shows up without editing a list
        spec.commandLine().usage(spec.commandLine().getErr());
        throw new ParameterException(spec.commandLine(), "missing command: one of "
                + String.join(", ", spec.subcommands().keySet()));
    }

    public static void main(String... args) {
        quietLogsUnlessDebugging(args);
        System.exit(run(System.out, System.err, args));
    }

    /** Runs the command line in this JVM (no {@code System.exit}) and returns its exit code. */
    public static int run(PrintStream out, PrintStream err, String... args) {
        return run(MoiEngine::load, out, err, args);
    }

    static int run(Function<EngineConfig, Engine> engines, PrintStream out, PrintStream err, String... args) {
        PrintWriter outWriter = new StreamCheckingWriter(out);
        PrintWriter errWriter = new PrintWriter(new OutputStreamWriter(err, StandardCharsets.UTF_8));
        try {
            return newCommandLine(engines, outWriter, errWriter).execute(args);
        } finally {
            outWriter.flush();
            errWriter.flush();
        }
    }

    static CommandLine newCommandLine(Function<EngineConfig, Engine> engines, PrintWriter out, PrintWriter err) {
        return new CommandLine(new MoiCli(engines))
                // a prompt starting with @ is text: picocli would otherwise read the file it names as arguments
                .setExpandAtFiles(false)
                .setOut(out)
                .setErr(err)
                .setParameterExceptionHandler(MoiCli::usageError)
                .setExecutionExceptionHandler(MoiCli::failure);
    }

    /**
     * A UTF-8 writer on a {@link PrintStream} whose {@link #checkError()} also reports the stream's errors: a
     * PrintStream (like {@code System.out}) swallows write failures, so without this a closed pipe
     * ({@code moi generate ... | head -c 20}) would go unnoticed and every token would still be generated.
     */
    static final class StreamCheckingWriter extends PrintWriter {
        private final PrintStream stream;

        StreamCheckingWriter(PrintStream stream) {
            super(new OutputStreamWriter(stream, StandardCharsets.UTF_8));
            this.stream = stream;
        }

        @Override
        public boolean checkError() {
            return super.checkError() | stream.checkError();
        }
    }

    /** Bad usage: {@code moi: <message>}, a hint, exit code 2. */
    private static int usageError(ParameterException e, String[] args) {
        CommandLine command = e.getCommandLine();
        PrintWriter err = command.getErr();
        err.println("moi: " + e.getMessage());
        if (debugging(null)) {
            e.printStackTrace(err);
        }
        UnmatchedArgumentException.printSuggestions(e, err);
        err.println("Try '" + command.getCommandSpec().qualifiedName() + " --help' for more information.");
        err.flush();
        return EXIT_CODE_USAGE;
    }

    /** A failure while running: {@code moi: <message>}, exit code 1 (2 for a rejected value). */
    private static int failure(Exception e, CommandLine command, ParseResult parseResult) {
        if (e instanceof IllegalArgumentException) {
            // the library's records reject a value that the options did not catch: still bad usage
            return usageError(new ParameterException(command, String.valueOf(e.getMessage()), e), null);
        }
        PrintWriter err = command.getErr();
        // the engine's failures (chat, generate) and the chat model's (agent, rag) name their problem
        boolean expected = e instanceof MoiEngineException || e instanceof MoiException || e instanceof UncheckedIOException;
        String message = e.getMessage() == null ? e.getClass().getName() : e.getMessage();
        err.println("moi: " + (expected ? message : e.getClass().getSimpleName() + ": " + message));
        if (debugging(parseResult)) {
            e.printStackTrace(err);
        } else if (!expected) {
            err.println("(run with --verbose or MOI_DEBUG=1 for the stack trace)");
        }
        err.flush();
        return EXIT_CODE_FAILURE;
    }

    private static boolean debugging(ParseResult parseResult) {
        for (ParseResult result = parseResult; result != null; result = result.subcommand()) {
            if (result.hasMatchedOption("--verbose")) {
                return true;
            }
        }
        String env = System.getenv("MOI_DEBUG");
        return env != null && (env.equals("1") || env.equalsIgnoreCase("true"));
    }

    /** The engine logs through SLF4J (to stderr); only warnings unless debugging, so that stderr stays readable. */
    private static void quietLogsUnlessDebugging(String[] args) {
        String key = "org.slf4j.simpleLogger.defaultLogLevel";
        if (System.getProperty(key) == null) {
            boolean verbose = Arrays.asList(args).contains("--verbose") || Arrays.asList(args).contains("-v");
            System.setProperty(key, verbose || debugging(null) ? "debug" : "warn");
        }
    }

    /** A short reason for a failed file operation ("no such file", "permission denied", else the JDK's message). */
    static String reason(IOException e) {
        if (e instanceof NoSuchFileException) {
            return "no such file or directory";
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    /** The version from the jar's Maven metadata. */
    static final class Version implements IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {
                    "moi " + version() + " (langchain4j-moi, Mixture-of-Inputs decoding)",
                    "Java " + System.getProperty("java.version") + ", " + System.getProperty("java.vm.name")};
        }

        static String version() {
            String resource = "/META-INF/maven/io.github.langchain4j.moi/langchain4j-moi-samples/pom.properties";
            try (InputStream in = MoiCli.class.getResourceAsStream(resource)) {
                if (in != null) {
                    Properties properties = new Properties();
                    properties.load(in);
                    return properties.getProperty("version", "unknown");
                }
            } catch (IOException ignored) {
                // fall through
            }
            return "(development build)";
        }
    }
}
