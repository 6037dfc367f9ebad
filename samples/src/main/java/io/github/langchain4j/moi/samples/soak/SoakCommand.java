package io.github.langchain4j.moi.samples.soak;

import io.github.langchain4j.moi.engine.EngineConfig;
import io.github.langchain4j.moi.samples.cli.DefaultModelLocator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code moi soak}: cycles of concurrent requests (mixed modes, some cancelled) with the process's resident memory
 * measured after each cycle; exit code 0 when no request failed and memory did not keep growing, else 1.
 */
@Command(name = "soak", mixinStandardHelpOptions = true,
        description = "Run cycles of concurrent requests and watch for failures and memory growth.")
public final class SoakCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--model", description = "GGUF file (default: MOI_MODEL, else the library's default model)")
    Path model;

    @Option(names = "--cycles", description = "cycles, >= 2: the first is the warm-up (default: ${DEFAULT-VALUE})")
    int cycles = 5;

    @Option(names = "--requests", description = "requests per cycle (default: ${DEFAULT-VALUE})")
    int requests = 50;

    @Option(names = "--concurrency", description = "client threads and engine sequences (default: ${DEFAULT-VALUE})")
    int concurrency = 4;

    @Option(names = "--max-tokens", description = "the most tokens per request (default: ${DEFAULT-VALUE})")
    int maxTokens = 16;

    @Option(names = "--reload", description = "close the engine and load it again every cycle")
    boolean reload;

    @Option(names = "--threads", description = "CPU threads for decoding (default: all cores)")
    int threads = Runtime.getRuntime().availableProcessors();

    @Option(names = "--context", description = "context size per sequence, in tokens (default: ${DEFAULT-VALUE})")
    int contextSize = 1024;

    @Option(names = "--max-growth-mib", description = "median RSS growth per cycle, after the first, above which "
            + "the soak fails (default: ${DEFAULT-VALUE})")
    double maxGrowthMib = 8;

    @Option(names = {"-v", "--verbose"}, description = "debug logs and stack traces")
    boolean verbose;

    @Override
    public Integer call() throws Exception {
        SoakRunner.Settings settings = new SoakRunner.Settings(cycles, requests, concurrency, maxTokens, reload, maxGrowthMib);
        Path path = model != null ? model : DefaultModelLocator.defaultModelPath();
        EngineConfig config = EngineConfig.of(path).withContextSize(contextSize).withThreads(threads);
        SoakRunner.Report report = new SoakRunner(config, settings, spec.commandLine().getOut()).run();
        return report.passed() ? 0 : 1;
    }
}
