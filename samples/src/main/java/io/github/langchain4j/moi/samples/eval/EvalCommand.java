package io.github.langchain4j.moi.samples.eval;

import io.github.langchain4j.moi.engine.EngineConfig;
import io.github.langchain4j.moi.engine.MoiEngine;
import io.github.langchain4j.moi.engine.MoiOptions;
import io.github.langchain4j.moi.engine.MoiScope;
import io.github.langchain4j.moi.engine.ThinkingOptions;
import io.github.langchain4j.moi.engine.SamplingOptions;
import io.github.langchain4j.moi.model.KnownModel;
import io.github.langchain4j.moi.samples.cli.DefaultModelLocator;
import io.github.langchain4j.moi.samples.cli.EngineValueConverters;
import io.github.langchain4j.moi.samples.cli.OptionFlags;
import io.github.langchain4j.moi.samples.cli.SafeFiles;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * {@code moi eval}: accuracy of standard decoding, MoI over a beta grid and the direct mixture on problems that the
 * program checks exactly, with paired statistics. Results go to a JSON Lines file as each answer finishes, so that an
 * interrupted run resumes where it stopped; the report (Markdown, JSON, PNG) is written at the end.
 */
@Command(name = "eval", sortOptions = false,
        description = {"Compares decoding modes on checkable problems: CountDown (3 or 4 numbers), multi-step "
                + "arithmetic, or your own JSON Lines file. Writes NAME-results.jsonl as it goes (a rerun resumes), "
                + "then NAME.md, NAME.json and NAME.png."},
        exitCodeListHeading = "%nExit codes:%n", exitCodeList = {"0:Success.", "1:Runtime failure: model, files.",
                "2:Invalid usage or option value."})
public final class EvalCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = {"-h", "--help"}, usageHelp = true, order = 0, description = "Show this help and exit.")
    boolean help;

    @Option(names = "--task", paramLabel = "TASK", order = 1,
            description = "countdown3, countdown4 or arithmetic (default: countdown4); not with --dataset.")
    String task;

    @Option(names = "--dataset", paramLabel = "FILE.jsonl", order = 2,
            description = "Your own problems instead of --task: one JSON object per line, {\"id\", \"prompt\", "
                    + "\"answer\", \"check\"}, check one of exact, number, contains, countdown (answer "
                    + "{\"target\": T, \"numbers\": [...]}).")
    Path dataset;

    @Option(names = "--limit", paramLabel = "N", order = 3,
            description = "Number of problems (default: 50 generated, or all of the dataset).")
    Integer limit;

    @Option(names = "--seeds", paramLabel = "N", order = 4,
            description = "Sampler seeds per problem and mode: 42, 43, ... (default: ${DEFAULT-VALUE}).")
    int seeds = 1;

    @Option(names = "--modes", paramLabel = "LIST", order = 5,
            description = "Comma-separated: off, direct, moi:B, or moi for every beta of --betas "
                    + "(default: ${DEFAULT-VALUE}).")
    String modes = "off,moi,direct";

    @Option(names = "--betas", paramLabel = "LIST", split = ",", order = 6,
            description = "The beta grid of 'moi' (default: the paper's ${DEFAULT-VALUE}).")
    List<Double> betas = new ArrayList<>(EvalMode.PAPER_BETAS);

    @Option(names = "--max-tokens", paramLabel = "N", order = 7,
            description = "Most tokens per answer (default: ${DEFAULT-VALUE}).")
    int maxTokens = 512;

    @Option(names = "--model", paramLabel = "PATH", order = 8,
            description = "GGUF model file (default: -Dmoi.model, $MOI_MODEL, else the library's default model).")
    Path model;

    @Option(names = "--known-model", paramLabel = "NAME", order = 8,
            description = "A model the library knows, fetched into the cache on first use: qwen2.5-coder-0.5b (the "
                    + "default), qwen2.5-coder-1.5b (about 1.1 GB) or gemma-3-270m; not with --model.")
    String knownModel;

    @Option(names = "--temperature", paramLabel = "T", order = 9,
            description = "Sampling temperature (default: the paper's ${DEFAULT-VALUE}).")
    double temperature = SamplingOptions.DEFAULTS.temperature();

    @Option(names = "--top-p", paramLabel = "P", order = 10,
            description = "Nucleus sampling threshold (default: the paper's ${DEFAULT-VALUE}).")
    double topP = SamplingOptions.DEFAULTS.topP();

    @Option(names = "--top-k", paramLabel = "K", order = 11,
            description = "Keep the K most likely tokens, 0 to disable (default: ${DEFAULT-VALUE}).")
    int topK = SamplingOptions.DEFAULTS.topK();

    @Option(names = "--min-p", paramLabel = "P", order = 12,
            description = "Min-p threshold, 0 to disable (default: ${DEFAULT-VALUE}).")
    double minP = SamplingOptions.DEFAULTS.minP();

    @Option(names = "--mix-top-k", paramLabel = "K", order = 13,
            description = "MoI support size (default: ${DEFAULT-VALUE}).")
    int mixTopK = MoiOptions.DEFAULT_MIX_TOP_K;

    @Option(names = "--scope", paramLabel = "SCOPE", order = 13,
            converter = EngineValueConverters.Scope.class,
            description = "Where MoI's mixture is fed: all, thinking or answer (default: all).")
    MoiScope scope = MoiScope.ALL;

    @Option(names = "--think", order = 13,
            description = "Think-then-answer: the model reasons inside <think>...</think> first; the checker reads "
                    + "only the answer after it.")
    boolean think;

    @Option(names = "--thinking-budget", paramLabel = "N", order = 13,
            description = "Most tokens of thinking before the answer is forced (default: none). --max-tokens counts "
                    + "the answer only.")
    Integer thinkingBudget;

    @Option(names = "--temperature-first", order = 13,
            description = "Apply the temperature before top-k/top-p/min-p, as vLLM (the MoI reference) does.")
    boolean temperatureFirst;

    @Option(names = "--preset", paramLabel = "NAME", order = 13,
            description = "paper: the MoI reference scripts' settings where not given: temperature 0.6 applied "
                    + "first, no top-k, no min-p, top-p 0.4 and beta 2 for countdown (0.8 and beta 1 otherwise), "
                    + "modes off,moi-ref,direct-ref.")
    String preset;

    @Option(names = "--concurrency", paramLabel = "N", order = 17,
            description = "Answers generated at once, in one batch of the engine (default: ${DEFAULT-VALUE}).")
    int concurrency = 1;

    @Option(names = "--problem-seed", paramLabel = "S", order = 14,
            description = "Seed of the generated problems (default: ${DEFAULT-VALUE}).")
    long problemSeed = 2025;

    @Option(names = "--out", paramLabel = "DIR", order = 15,
            description = "Folder of the output files (default: ${DEFAULT-VALUE}).")
    Path out = Path.of("eval-out");

    @Option(names = "--name", paramLabel = "NAME", order = 16,
            description = "Base name of the output files (default: the task, or the dataset file's name).")
    String name;

    @Option(names = "--threads", paramLabel = "N", order = 17,
            description = "CPU threads, 0 for one per core not busy with other work (default: ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--no-progress", order = 18, description = "No progress bar.")
    boolean noProgress;

    @Option(names = "--report-only", order = 18,
            description = "Generate nothing: write the report from the answers already in the results file.")
    boolean reportOnly;

    @Option(names = "--recheck", order = 18,
            description = "Generate nothing: judge the answers in the results file again with this version's checks "
                    + "(results of an older one) and write the report as NAME-rechecked.md/.json/.png; the results "
                    + "file and the report as run stay as they are.")
    boolean recheck;

    @Option(names = {"-v", "--verbose"}, order = 19, description = "Print stack traces of errors.")
    boolean verbose;

    private final Function<EngineConfig, Solver.Loaded> loader;

    public EvalCommand() {
        this.loader = this::loadModel;
    }

    /** With another model loader (tests). */
    public EvalCommand(Function<EngineConfig, Solver.Loaded> loader) {
        this.loader = loader;
    }

    @Override
    public Integer call() {
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter stderr = spec.commandLine().getErr();
        if (preset != null) {
            applyPreset();
        }
        if (concurrency < 1) {
            throw usageError("--concurrency must be >= 1, was " + concurrency);
        }
        SamplingOptions sampling = usage(() -> new SamplingOptions(temperature, topK, topP, minP,
                SamplingOptions.DEFAULTS.repeatPenalty(), SamplingOptions.DEFAULTS.repeatLastN(),
                SamplingOptions.DEFAULT_SEED, 0, 0, temperatureFirst));
        usage(() -> new MoiOptions(MoiOptions.DEFAULTS.mode(), MoiOptions.DEFAULT_BETA, mixTopK));
        if (thinkingBudget != null) {
            usage(() -> ThinkingOptions.think(thinkingBudget));
        }
        usage(() -> EngineConfig.of(Path.of("model.gguf")).withThreads(threads));
        if (seeds < 1) {
            throw usageError("--seeds must be >= 1, was " + seeds);
        }
        if (maxTokens < 1) {
            throw usageError("--max-tokens must be >= 1, was " + maxTokens);
        }
        if (limit != null && limit < 1) {
            throw usageError("--limit must be >= 1, was " + limit);
        }
        if (dataset != null && task != null) {
            throw usageError("--task and --dataset exclude each other: the problems come from one of them");
        }
        List<EvalMode> modeList = usage(() -> EvalMode.parseList(modes, betas));
        String taskLabel = dataset != null ? "dataset:" + dataset.getFileName() : usage(() -> Tasks.parse(task())).label();
        List<Problem> problems = problems();
        List<Long> seedList = new ArrayList<>();
        for (int i = 0; i < seeds; i++) {
            seedList.add(SamplingOptions.DEFAULT_SEED + i);
        }
        KnownModel known = knownModel == null ? null : usage(() -> KnownModel.named(knownModel));
        if (model != null && known != null) {
            throw usageError("--model and --known-model exclude each other: the model comes from one of them");
        }
        Path modelPath = model != null ? model : known != null ? DefaultModelLocator.knownModelPath(known)
                : DefaultModelLocator.defaultModelPath();
        MoiEngine.checkModelFile(modelPath);
        EvalSettings settings = new EvalSettings(commandLine(), taskLabel, problemSeed,
                modelPath.getFileName().toString(), sampling, maxTokens, mixTopK, seedList, modeList, scope, think,
                thinkingBudget);
        String base = name != null ? name
                : dataset != null ? dataset.getFileName().toString().replaceFirst("\\.jsonl?$", "") : taskLabel;

        Path resultsPath = out.resolve(base + "-results.jsonl");
        String reportBase = recheck ? base + "-rechecked" : base;
        Path md = out.resolve(reportBase + ".md");
        Path json = out.resolve(reportBase + ".json");
        Path png = out.resolve(reportBase + ".png");
        // every output is checked against the inputs before the first one is opened
        SafeFiles.Input[] inputs = {new SafeFiles.Input("model file", modelPath),
                dataset == null ? null : new SafeFiles.Input("dataset", dataset)};
        for (Path output : List.of(resultsPath, md, json, png)) {
            SafeFiles.requireNotAnInput(output, "output file", inputs);
        }
        boolean generate = !reportOnly && !recheck;
        String nothingToReport = "no answers to report in " + resultsPath + ": run the command without "
                + (recheck ? "--recheck" : "--report-only") + " first, with the same options";
        if (!generate && !Files.exists(resultsPath)) {
            throw usageError(nothingToReport); // before ResultsFile.open, which would create it
        }
        try (ResultsFile results = ResultsFile.open(resultsPath, settings.fingerprint())) {
            if (!generate && results.records().isEmpty()) {
                throw usageError(nothingToReport);
            }
            EvalRunner.checkSameProblems(problems, results);
            long total = (long) problems.size() * seedList.size() * modeList.size();
            long remaining = EvalRunner.remaining(problems, modeList, seedList, results);
            stderr.printf(Locale.ROOT, "eval: %d problems x %d modes (%s) x %d seeds = %d answers; %d already in %s%n",
                    problems.size(), modeList.size(), modeList.stream().map(EvalMode::label)
                            .collect(Collectors.joining(", ")), seedList.size(), total, total - remaining, resultsPath);
            stderr.flush();
            if (remaining > 0 && generate) {
                runRemaining(modelPath, sampling, settings, problems, modeList, seedList, results, total, remaining,
                        stderr);
            }
            List<ResultRecord> records = recheck ? rejudge(problems, results.records(), stderr) : results.records();
            EvalReport.Summary summary = EvalReport.summarize(settings, problems, records,
                    ZonedDateTime.now().truncatedTo(ChronoUnit.SECONDS));
            AccuracyChart.write(summary, png);
            EvalReport.writeJson(summary, json);
            EvalReport.writeMarkdown(summary, md, png.getFileName().toString(), recheck);
            for (EvalReport.ModeSummary m : summary.modes()) {
                stdout.printf(Locale.ROOT, "%-10s %4d/%-4d accuracy %.3f [%.3f, %.3f]%s  %.1f tokens/answer%n",
                        m.mode(), m.correct(), m.n(), m.accuracy(), m.ciLow(), m.ciHigh(),
                        m.pValue() == null ? "" : String.format(Locale.ROOT, "  vs off: b=%d c=%d p=%.4f", m.b(),
                                m.c(), m.pValue()), m.meanTokens());
            }
            stdout.printf("report: %s, %s, %s; results: %s%n", md, json, png, resultsPath);
            stdout.flush();
            return 0;
        } catch (IOException e) {
            throw new UncheckedIOException("eval: " + e.getMessage(), e);
        }
    }

    /** The answers to these problems judged again; stderr says, per mode, how many verdicts changed each way. */
    static List<ResultRecord> rejudge(List<Problem> problems, List<ResultRecord> records, PrintWriter stderr) {
        Map<String, Problem> byId = new HashMap<>();
        problems.forEach(p -> byId.put(p.id(), p));
        Map<String, int[]> changes = new TreeMap<>(); // mode: {now right, now wrong}
        List<ResultRecord> judged = new ArrayList<>();
        for (ResultRecord record : records) {
            Problem problem = byId.get(record.problem());
            if (problem == null) {
                continue; // beyond --limit: not in the report
            }
            ResultRecord again = record.rejudged(problem);
            int[] changed = changes.computeIfAbsent(record.mode(), m -> new int[2]);
            if (again.correct() != record.correct()) {
                changed[again.correct() ? 0 : 1]++;
            }
            judged.add(again);
        }
        stderr.printf(Locale.ROOT, "eval: judged %d answers again%n", judged.size());
        changes.forEach((mode, changed) -> stderr.printf(Locale.ROOT, "eval: %s: %d wrong now right, %d right now "
                + "wrong%n", mode, changed[0], changed[1]));
        stderr.flush();
        return judged;
    }

    private void runRemaining(Path modelPath, SamplingOptions sampling, EvalSettings settings, List<Problem> problems,
                              List<EvalMode> modeList, List<Long> seedList, ResultsFile results, long total,
                              long remaining, PrintWriter stderr) throws IOException {
        Thread notice = new Thread(() -> System.err.printf("%neval: stopped; %d answers kept in %s; run the same "
                + "command again to resume%n", results.records().size(), results.path()));
        Runtime.getRuntime().addShutdownHook(notice);
        EvalRunner.Throughput throughput;
        try (Solver.Loaded loaded = loader.apply(EngineConfig.of(modelPath).withThreads(threads)
                .withMaxSequences(concurrency));
             ProgressBar progress = noProgress ? null : progressBar(total, total - remaining, stderr)) {
            Solver solver = loaded.solver();
            Solver scoped = (prompt, sampler, moi, max) -> solver.solve(prompt, sampler, moi.withScope(scope), max);
            throughput = new EvalRunner(scoped, sampling, maxTokens, mixTopK, settings.fingerprint(),
                    concurrency).run(problems, modeList, seedList, results, progress);
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(notice);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running: it says where the results are
            }
        }
        stderr.printf(Locale.ROOT, "eval: %d answers, %d tokens in %.1f s at concurrency %d: %.2f tokens/s, "
                        + "%.2f answers/minute%n", throughput.answers(), throughput.tokens(), throughput.seconds(),
                concurrency, throughput.tokensPerSecond(), throughput.answersPerMinute());
        stderr.flush();
    }

    /**
     * {@code --preset paper}: the settings of the MoI authors' example scripts (vLLM: temperature before top-p; AIME
     * with top-p 0.8 and beta 1, CountDown with top-p 0.4 and beta 2; nothing else set), for options not given.
     */
    private void applyPreset() {
        if (!preset.equalsIgnoreCase("paper")) {
            throw usageError("unknown --preset '" + preset + "': expected paper");
        }
        boolean countdown = dataset == null && task().startsWith("countdown");
        if (!given("--temperature")) {
            temperature = 0.6;
        }
        if (!given("--top-p")) {
            topP = countdown ? 0.4 : 0.8;
        }
        if (!given("--top-k")) {
            topK = 0;
        }
        if (!given("--min-p")) {
            minP = 0;
        }
        if (!given("--betas")) {
            betas = List.of(countdown ? 2.0 : 1.0);
        }
        if (!given("--modes")) {
            modes = "off,moi-ref,direct-ref";
        }
        temperatureFirst = true;
    }

    private boolean given(String option) {
        return spec.commandLine().getParseResult() != null && spec.commandLine().getParseResult().hasMatchedOption(option);
    }

    private List<Problem> problems() {
        List<Problem> all;
        if (dataset != null) {
            all = Dataset.read(dataset);
            return limit == null || limit >= all.size() ? all : all.subList(0, limit);
        }
        Tasks t = usage(() -> Tasks.parse(task()));
        return t.generate(limit == null ? 50 : limit, problemSeed);
    }

    private String task() {
        return task != null ? task : Tasks.COUNTDOWN4.label();
    }

    private ProgressBar progressBar(long total, long done, PrintWriter stderr) {
        boolean terminal = System.console() != null;
        return new ProgressBarBuilder()
                .setTaskName("eval")
                .setInitialMax(total)
                .startsFrom(done, Duration.ZERO)
                .setStyle(ProgressBarStyle.ASCII)
                .setUpdateIntervalMillis(terminal ? 1000 : 30_000)
                .setConsumer(new ConsoleProgressBarConsumer(new PrintStream(new WriterStream(stderr), true,
                        StandardCharsets.UTF_8), 120))
                .build();
    }

    /** The command line as typed, for the report. */
    private String commandLine() {
        List<String> words = new ArrayList<>(List.of("./moi", "eval"));
        List<String> args = spec.commandLine().getParseResult() == null ? List.of()
                : spec.commandLine().getParseResult().originalArgs();
        if (!args.isEmpty() && args.get(0).equals("eval")) {
            args = args.subList(1, args.size()); // run as "moi eval": the arguments start with the subcommand
        }
        for (String arg : args) {
            words.add(arg.matches("[A-Za-z0-9_./:=,+-]+") ? arg : "'" + arg.replace("'", "'\\''") + "'");
        }
        return String.join(" ", words);
    }

    private Solver.Loaded loadModel(EngineConfig config) {
        MoiEngine engine = MoiEngine.load(config);
        return new Solver.Loaded(Solver.of(engine, think,
                thinkingBudget == null ? ThinkingOptions.NO_BUDGET : thinkingBudget), engine::close);
    }

    private <T> T usage(java.util.function.Supplier<T> build) {
        try {
            return build.get();
        } catch (IllegalArgumentException e) {
            throw OptionFlags.usageError(spec, e);
        }
    }

    private ParameterException usageError(String message) {
        return new ParameterException(spec.commandLine(), message);
    }

    /** Bytes of the progress bar (ASCII) to the command's stderr writer. */
    private static final class WriterStream extends OutputStream {
        private final PrintWriter writer;

        WriterStream(PrintWriter writer) {
            this.writer = writer;
        }

        @Override
        public void write(int b) {
            writer.write(b);
        }

        @Override
        public void write(byte[] bytes, int off, int len) {
            writer.write(new String(bytes, off, len, StandardCharsets.UTF_8));
            writer.flush();
        }

        @Override
        public void flush() {
            writer.flush();
        }
    }
}
