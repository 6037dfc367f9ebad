package io.github.langchain4j.moi.samples.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.langchain4j.moi.engine.MoiMode;
import io.github.langchain4j.moi.samples.cli.MoiCli;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** The whole eval command with a fake model: resume after a crash, the report files, the statistics in them. */
class EvalCommandTest {

    @TempDir
    Path dir;

    Path dataset;
    Path model;
    final List<String> calls = java.util.Collections.synchronizedList(new ArrayList<>());
    String err;

    @BeforeEach
    void files() throws Exception {
        List<String> lines = new ArrayList<>();
        for (int i = 1; i <= 10; i++) {
            lines.add("{\"id\": \"q" + i + "\", \"prompt\": \"What is " + i + " + " + i + "?\", \"answer\": " + (2 * i)
                    + ", \"check\": \"number\"}");
        }
        dataset = Files.write(dir.resolve("sums.jsonl"), lines);
        model = Files.writeString(dir.resolve("fake.gguf"), "not loaded");
    }

    /** MoI answers right; off only for q1..q3; crashes (like a killed process) after {@code crashAfter} answers. */
    private Solver.Loaded fake(int crashAfter) {
        AtomicInteger count = new AtomicInteger();
        Solver solver = (prompt, sampling, moi, maxTokens) -> {
            if (count.incrementAndGet() > crashAfter) {
                throw new IllegalStateException("simulated crash");
            }
            calls.add(prompt + " " + moi.mode() + " " + sampling.seed());
            int i = Integer.parseInt(prompt.replaceAll("What is (\\d+) .*", "$1"));
            boolean right = moi.mode() == MoiMode.MOI || i <= 3;
            return new Solver.Completion("thinking...\nAnswer: " + (right ? 2 * i : -1), 5 + i, "stop");
        };
        return new Solver.Loaded(solver, () -> { });
    }

    private int run(int crashAfter, String... args) {
        StringWriter out = new StringWriter();
        StringWriter errors = new StringWriter();
        CommandLine command = new CommandLine(new EvalCommand(path -> fake(crashAfter)));
        command.setOut(new PrintWriter(out));
        command.setErr(new PrintWriter(errors));
        List<String> all = new ArrayList<>(List.of("--dataset", dataset.toString(), "--model", model.toString(),
                "--out", dir.resolve("out").toString()));
        if (!List.of(args).contains("--name")) {
            all.addAll(List.of("--name", "run"));
        }
        if (!List.of(args).contains("--modes") && !List.of(args).contains("--preset")) {
            all.addAll(List.of("--modes", "off,moi:1"));
        }
        all.addAll(List.of(args));
        int code = command.execute(all.toArray(String[]::new));
        err = errors.toString();
        return code;
    }

    @Test
    void aCrashLosesNothingAndTheRerunDoesOnlyWhatIsLeft() throws Exception {
        Path results = dir.resolve("out/run-results.jsonl");
        assertThat(run(7)).isNotZero();
        assertThat(Files.readAllLines(results)).hasSize(7);
        assertThat(calls).hasSize(7);
        // problem by problem, each problem's modes together
        assertThat(calls.get(0)).startsWith("What is 1 + 1? OFF");
        assertThat(calls.get(1)).startsWith("What is 1 + 1? MOI");

        calls.clear();
        assertThat(run(Integer.MAX_VALUE)).isZero();
        assertThat(err).contains("20 answers; 7 already in");
        assertThat(calls).hasSize(13);
        assertThat(Files.readAllLines(results)).hasSize(20);

        calls.clear();
        assertThat(run(Integer.MAX_VALUE)).isZero();
        assertThat(calls).as("nothing left to do").isEmpty();
    }

    @Test
    void refusesToResumeAnswersToAChangedProblem() throws Exception {
        assertThat(run(Integer.MAX_VALUE, "--limit", "2")).isZero();
        List<String> lines = new ArrayList<>(Files.readAllLines(dataset));
        lines.set(1, lines.get(1).replace("What is 2 + 2?", "What is 2 + 2? Think."));
        Files.write(dataset, lines);
        calls.clear();
        assertThat(run(Integer.MAX_VALUE, "--limit", "2")).isNotZero();
        assertThat(err).contains("another version of problem 'q2'");
        assertThat(calls).isEmpty();
    }

    @Test
    void writesTheReportTheJsonAndTheChart() throws Exception {
        assertThat(run(Integer.MAX_VALUE, "--seeds", "2")).isZero();
        assertThat(calls).hasSize(40).anySatisfy(c -> assertThat(c).endsWith(" 43"));

        JsonNode json = new ObjectMapper().readTree(dir.resolve("out/run.json").toFile());
        assertThat(json.get("command").asText()).startsWith("./moi eval --dataset ");
        assertThat(json.get("task").asText()).isEqualTo("dataset:sums.jsonl");
        assertThat(json.get("sampling").get("temperature").asDouble()).isEqualTo(0.6);
        assertThat(json.get("sampling").get("topP").asDouble()).isEqualTo(0.95);
        JsonNode off = json.get("modes").get(0);
        JsonNode moi = json.get("modes").get(1);
        assertThat(off.get("mode").asText()).isEqualTo("off");
        assertThat(off.get("correct").asInt()).isEqualTo(6);
        assertThat(off.get("n").asInt()).isEqualTo(20);
        assertThat(moi.get("mode").asText()).isEqualTo("moi:1");
        assertThat(moi.get("correct").asInt()).isEqualTo(20);
        assertThat(moi.get("b").asInt()).isZero();
        assertThat(moi.get("c").asInt()).isEqualTo(14);
        assertThat(moi.get("pValue").asDouble()).isEqualTo(Statistics.mcnemarExact(0, 14));
        assertThat(moi.get("meanTokens").asDouble()).isEqualTo(10.5);
        Statistics.Interval ci = Statistics.wilson(6, 20, 0.95);
        assertThat(off.get("ciLow").asDouble()).isEqualTo(ci.low());
        assertThat(off.get("ciHigh").asDouble()).isEqualTo(ci.high());
        assertThat(json.get("perProblem")).hasSize(10);
        assertThat(json.get("perProblem").get(0).get("results").get("off").asText()).isEqualTo("2/2");

        String md = Files.readString(dir.resolve("out/run.md"));
        assertThat(md).contains("./moi eval --dataset").contains("| off | 20 | 6 | 0.300 |")
                .contains("| moi:1 | 20 | 20 | 1.000 |").contains("![accuracy against beta](run.png)")
                .contains("as measured");

        byte[] png = Files.readAllBytes(dir.resolve("out/run.png"));
        assertThat(png).startsWith(0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n');
    }

    @Test
    void moiRunsEveryBetaOfTheGrid() {
        List<Double> betas = new ArrayList<>();
        EvalCommand command = new EvalCommand(path -> new Solver.Loaded((prompt, sampling, moi, maxTokens) -> {
            betas.add(moi.mode() == MoiMode.MOI ? moi.beta() : -1.0);
            return new Solver.Completion("Answer: 0", 1, "stop");
        }, () -> { }));
        int code = new CommandLine(command).setErr(new PrintWriter(new StringWriter()))
                .setOut(new PrintWriter(new StringWriter())).execute("--dataset", dataset.toString(), "--model",
                        model.toString(), "--out", dir.resolve("grid").toString(), "--limit", "1", "--modes", "moi",
                        "--betas", "2,4");
        assertThat(code).isZero();
        assertThat(betas).containsExactly(2.0, 4.0);

        betas.clear();
        new CommandLine(new EvalCommand(path -> new Solver.Loaded((prompt, sampling, moi, maxTokens) -> {
            betas.add(moi.mode() == MoiMode.MOI ? moi.beta() : -1.0);
            return new Solver.Completion("Answer: 0", 1, "stop");
        }, () -> { }))).setErr(new PrintWriter(new StringWriter())).setOut(new PrintWriter(new StringWriter()))
                .execute("--dataset", dataset.toString(), "--model", model.toString(), "--out",
                        dir.resolve("default").toString(), "--limit", "1");
        assertThat(betas).as("default: off, the paper's betas, direct")
                .containsExactly(-1.0, 0.25, 0.5, 1.0, 2.0, 4.0, 8.0, -1.0);
    }

    @Test
    void theModelIsLoadedWithTheThreadsAsked() {
        List<io.github.langchain4j.moi.engine.EngineConfig> configs = new ArrayList<>();
        new CommandLine(new EvalCommand(config -> {
            configs.add(config);
            return fake(Integer.MAX_VALUE);
        })).setErr(new PrintWriter(new StringWriter())).setOut(new PrintWriter(new StringWriter()))
                .execute("--dataset", dataset.toString(), "--model", model.toString(), "--out",
                        dir.resolve("threads").toString(), "--limit", "1", "--modes", "off", "--threads", "1");
        assertThat(configs).singleElement().satisfies(c -> {
            assertThat(c.threads()).isEqualTo(1);
            assertThat(c.modelPath()).isEqualTo(model);
        });
    }

    @Test
    void reportOnlyGeneratesNothing() {
        assertThat(run(Integer.MAX_VALUE, "--limit", "2")).isZero();
        calls.clear();
        assertThat(run(Integer.MAX_VALUE, "--report-only")).isZero();
        assertThat(calls).isEmpty();
        assertThat(dir.resolve("out/run.md")).exists();
        assertThat(dir.resolve("out/run.json")).content().contains("\"n\" : 2,");
    }

    @Test
    void reportOnlyAndRecheckWithoutAnswersAreUsageErrorsThatCreateNothing() throws Exception {
        for (String flag : List.of("--report-only", "--recheck")) {
            assertThat(run(Integer.MAX_VALUE, flag)).as(flag).isEqualTo(2);
            assertThat(err).contains("no answers to report in").contains("run-results.jsonl")
                    .contains("without " + flag + " first");
            assertThat(dir.resolve("out/run-results.jsonl")).as("no results file made up").doesNotExist();
        }
        Files.createDirectories(dir.resolve("out"));
        Files.writeString(dir.resolve("out/run-results.jsonl"), "");
        assertThat(run(Integer.MAX_VALUE, "--recheck")).isEqualTo(2);
        assertThat(err).contains("no answers to report in");
        assertThat(calls).isEmpty();
    }

    @Test
    void recheckJudgesTheStoredAnswersAgainAndLeavesTheResultsAndTheReportAsRun() throws Exception {
        assertThat(run(Integer.MAX_VALUE)).isZero();
        // as an older checker would have written them: off's three right answers judged wrong
        Path results = dir.resolve("out/run-results.jsonl");
        Files.writeString(results, Files.readString(results).replaceAll(
                "(\\{\"problem\":\"q[123]\",\"mode\":\"off\",\"seed\":42,)\"correct\":true", "$1\"correct\":false"));
        byte[] stale = Files.readAllBytes(results);
        assertThat(run(Integer.MAX_VALUE, "--report-only")).isZero();
        String asRun = Files.readString(dir.resolve("out/run.md"));
        assertThat(asRun).contains("| off | 10 | 0 | 0.000 |");
        calls.clear();

        assertThat(run(Integer.MAX_VALUE, "--recheck")).isZero();
        assertThat(calls).as("nothing generated").isEmpty();
        assertThat(err).contains("judged 20 answers again").contains("off: 3 wrong now right, 0 right now wrong")
                .contains("moi:1: 0 wrong now right, 0 right now wrong");
        assertThat(asRun).doesNotContain("Verdicts: judged again");
        assertThat(Files.readString(dir.resolve("out/run-rechecked.md"))).contains("--recheck")
                .contains("- Verdicts: judged again from the stored answers")
                .contains("| off | 10 | 3 | 0.300 |").contains("| moi:1 | 10 | 10 | 1.000 |");
        assertThat(dir.resolve("out/run-rechecked.json")).exists();
        assertThat(dir.resolve("out/run-rechecked.png")).exists();
        assertThat(Files.readAllBytes(results)).as("the results file").isEqualTo(stale);
        assertThat(Files.readString(dir.resolve("out/run.md"))).as("the report as run").isEqualTo(asRun);
    }

    @Test
    void theReportCountsAnswersWithoutTheAnswerLinePairedAgainstOff() throws Exception {
        assertThat(run(Integer.MAX_VALUE)).isZero();
        // MoI's answers to q1..q4 in a box instead of on an "Answer:" line
        Path results = dir.resolve("out/run-results.jsonl");
        Files.writeString(results, Files.readString(results).replaceAll(
                "(\"problem\":\"q[1-4]\",\"mode\":\"moi:1\".*\"response\":\"thinking...\\\\n)Answer: (\\d+)\"",
                "$1\\\\\\\\[\\\\\\\\boxed{$2}\\\\\\\\]\""));
        assertThat(run(Integer.MAX_VALUE, "--recheck")).isZero();
        assertThat(err).contains("moi:1: 0 wrong now right, 0 right now wrong");

        JsonNode format = new ObjectMapper().readTree(dir.resolve("out/run-rechecked.json").toFile()).get("format");
        assertThat(format.get(0).get("mode").asText()).isEqualTo("off");
        assertThat(format.get(0).get("withoutAnswerLine").asInt()).isZero();
        JsonNode moi = format.get(1);
        assertThat(moi.get("withoutAnswerLine").asInt()).isEqualTo(4);
        assertThat(moi.get("offOnly").asInt()).isEqualTo(4);
        assertThat(moi.get("modeOnly").asInt()).isZero();
        assertThat(moi.get("pValue").asDouble()).isEqualTo(Statistics.mcnemarExact(4, 0));
        assertThat(Files.readString(dir.resolve("out/run-rechecked.md")))
                .contains("| moi:1 | 10 | 4 | 4 | 0 | " + String.format(java.util.Locale.ROOT, "%.4f |",
                        Statistics.mcnemarExact(4, 0)));
    }

    @Test
    void badOptionsAreUsageErrors() {
        assertThat(run(0, "--seeds", "0")).isEqualTo(2);
        assertThat(err).contains("--seeds must be >= 1");
        assertThat(run(0, "--modes", "fast")).isEqualTo(2);
        assertThat(err).contains("unknown MoI mode 'fast'");
        assertThat(run(0, "--top-p", "2")).isEqualTo(2);
        assertThat(err).contains("topP");
        assertThat(run(0, "--scope", "middle")).isEqualTo(2);
        assertThat(err).contains("--scope", "unknown MoI scope 'middle'");
    }

    @Test
    void isASubcommandOfMoi() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code = MoiCli.run(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(
                new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), "eval", "--help");
        assertThat(code).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("--dataset", "--modes", "--betas", "--seeds",
                "--max-tokens", "--limit", "--model", "0.6", "0.95");
    }

    @Test
    void taskAndDatasetTogetherAreAUsageError() {
        assertThat(run(100, "--task", "arithmetic")).isEqualTo(2);
        assertThat(err).contains("--task", "--dataset");
        assertThat(calls).isEmpty();
    }

    @Test
    void aSecondEvalOnTheSameResultsFileIsRefusedWhileTheFirstHoldsIt() throws Exception {
        Path results = dir.resolve("out").resolve("run-results.jsonl");
        Files.createDirectories(results.getParent());
        try (ResultsFile first = ResultsFile.open(results, "held by the first eval")) {
            assertThat(run(100)).isEqualTo(1);
            assertThat(err).contains("in use by another eval");
        }
        assertThat(calls).isEmpty();
        assertThat(run(100)).as(err).isZero();
    }

    @Test
    void anOutputNamingTheDatasetLeavesTheDatasetIntact() throws Exception {
        List<String> before = Files.readAllLines(dataset);
        Files.createDirectories(dir.resolve("out"));
        Path renamed = Files.move(dataset, dir.resolve("out").resolve("run-results.jsonl"));

        CommandLine command = new CommandLine(new EvalCommand(path -> fake(100)));
        StringWriter errors = new StringWriter();
        command.setErr(new PrintWriter(errors));
        int code = command.execute("--dataset", renamed.toString(), "--model", model.toString(), "--out",
                renamed.getParent().toString(), "--name", "run", "--modes", "off");

        assertThat(code).isNotZero();
        assertThat(errors.toString()).contains("is the dataset", "refusing to overwrite");
        assertThat(Files.readAllLines(renamed)).isEqualTo(before);
    }

    @Test
    void aDatasetThatIsNotUtf8IsReportedWithItsName() throws Exception {
        Files.write(dataset, new byte[] {'{', (byte) 0xFF, '}', '\n'});

        assertThat(run(100)).isEqualTo(1);
        assertThat(err).contains(dataset.toString(), "not valid UTF-8").doesNotContain("Input length");
    }

    @Test
    void concurrentAnswersGiveOneLineEachAndTheSameReportAsSequentialOnes() throws Exception {
        assertThat(run(Integer.MAX_VALUE, "--name", "seq")).isZero();
        assertThat(run(Integer.MAX_VALUE, "--name", "conc", "--concurrency", "4")).isZero();
        assertThat(err).contains("at concurrency 4");

        List<String> lines = Files.readAllLines(dir.resolve("out/conc-results.jsonl"));
        assertThat(lines).hasSize(20);
        assertThat(lines.stream().map(l -> l.replaceAll(".*\"problem\":\"(q\\d+)\",\"mode\":\"([^\"]+)\".*", "$1 $2"))
                .distinct()).hasSize(20);
        ObjectMapper json = new ObjectMapper();
        JsonNode seq = json.readTree(dir.resolve("out/seq.json").toFile()).get("modes");
        JsonNode conc = json.readTree(dir.resolve("out/conc.json").toFile()).get("modes");
        assertThat(conc).isEqualTo(seq);
        assertThat(run(0, "--concurrency", "0")).isEqualTo(2);
        assertThat(err).contains("--concurrency must be >= 1");
    }

    @Test
    void thePaperPresetSetsTheReferenceScriptsSamplerAndModes() throws Exception {
        assertThat(run(Integer.MAX_VALUE, "--preset", "paper", "--limit", "2")).isZero();
        JsonNode json = new ObjectMapper().readTree(dir.resolve("out/run.json").toFile());
        JsonNode sampling = json.get("sampling");
        assertThat(sampling.get("temperature").asDouble()).isEqualTo(0.6);
        assertThat(sampling.get("temperatureFirst").asBoolean()).isTrue();
        assertThat(sampling.get("topP").asDouble()).isEqualTo(0.8);
        assertThat(sampling.get("topK").asInt()).isZero();
        assertThat(sampling.get("minP").asDouble()).isZero();
        assertThat(json.get("modes").findValuesAsText("mode")).containsExactly("off", "moi-ref:1", "direct-ref");
        assertThat(calls).anySatisfy(c -> assertThat(c).contains(" DIRECT "));
        assertThat(run(0, "--preset", "fast")).isEqualTo(2);
        assertThat(err).contains("unknown --preset 'fast'");
    }

    @Test
    void theReportGivesThePairedDifferenceWithItsIntervalAndThePowerNeeded() throws Exception {
        assertThat(run(Integer.MAX_VALUE, "--seeds", "2")).isZero();
        String md = Files.readString(dir.resolve("out/run.md"));
        assertThat(md).contains("## Paired difference against off");
        // moi right on all 10 problems, off on 3: +0.7, every resample of problems gives at least +0.3
        JsonNode moi = new ObjectMapper().readTree(dir.resolve("out/run.json").toFile()).get("modes").get(1);
        assertThat(moi.get("difference").asDouble()).isEqualTo(0.7, org.assertj.core.api.Assertions.within(1e-9));
        assertThat(moi.get("differenceLow").asDouble()).isGreaterThan(0.3);
        assertThat(moi.get("differenceHigh").asDouble()).isLessThanOrEqualTo(1.0);
        assertThat(moi.get("problemsCompared").asInt()).isEqualTo(10);
        assertThat(moi.get("signP").asDouble()).isEqualTo(2 * Math.pow(0.5, 7), org.assertj.core.api.Assertions.within(1e-12));
    }

    @Test
    void aKnownModelIsNamedAndExcludesAModelPath() {
        assertThat(run(0, "--known-model", "llama-70b")).isEqualTo(2);
        assertThat(err).contains("unknown model name 'llama-70b'", "qwen2.5-coder-1.5b");
        assertThat(run(0, "--known-model", "qwen2.5-coder-1.5b")).isEqualTo(2);
        assertThat(err).contains("--model and --known-model exclude each other");
    }
}
