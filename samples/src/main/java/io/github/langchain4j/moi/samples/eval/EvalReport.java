package io.github.langchain4j.moi.samples.eval;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.github.langchain4j.moi.engine.MoiMode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The summary of a run, computed from the results file: per mode, accuracy with a 95 % Wilson interval, McNemar's
 * exact test against {@code off} on the paired (problem, seed) results, and tokens per answer; written as Markdown,
 * JSON and a chart.
 */
public final class EvalReport {

    public static final double CONFIDENCE = 0.95;

    /**
     * One mode's numbers. {@code b}: pairs where off was right and this mode wrong; {@code c}: the reverse;
     * {@code pValue}: McNemar's exact two-sided p-value (null for off itself, or without off).
     */
    public record ModeSummary(String mode, String kind, double beta, int n, int correct, double accuracy,
                              double ciLow, double ciHigh, double meanTokens, int truncated, Integer pairs,
                              Integer b, Integer c, Double pValue, Double difference, Double differenceLow,
                              Double differenceHigh, Integer problemsCompared, Double signP, Long pairsFor3Points,
                              Long pairsFor5Points) {
    }

    /** Per problem: correct answers out of the seeds run, for each mode. */
    public record ProblemRow(String problem, String answer, Map<String, String> results) {
    }

    /**
     * How a mode followed the requested format: answers without an {@code Answer:} line; against off, the pairs
     * where only off wrote one ({@code offOnly}), the reverse ({@code modeOnly}), and McNemar's p of the two.
     */
    public record FormatSummary(String mode, int n, int withoutAnswerLine, Integer offOnly, Integer modeOnly,
                                Double pValue) {
    }

    public record Summary(String date, EvalSettings settings, int problems, List<ModeSummary> modes,
                          List<FormatSummary> format, List<ProblemRow> perProblem) {
    }

    private EvalReport() {
    }

    /** Seed of the bootstrap, so that the same results give the same report. */
    private static final long BOOTSTRAP_SEED = 20261201L;
    private static final int BOOTSTRAP_REPLICATES = 10_000;

    private static double[] toArray(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).toArray();
    }

    private static Double difference(List<Double> perProblem) {
        return perProblem.isEmpty() ? null : perProblem.stream().mapToDouble(Double::doubleValue).average().orElse(0);
    }

    private static Statistics.Interval ciOfDifference(List<Double> perProblem) {
        return Statistics.bootstrapMean(toArray(perProblem), BOOTSTRAP_REPLICATES, CONFIDENCE, BOOTSTRAP_SEED);
    }

    /** Pairs McNemar's test needs (5 % level, 80 % power) at the observed discordance; null when it cannot say. */
    private static Long pairsNeeded(int discordant, int pairs, double delta) {
        if (pairs == 0) {
            return null;
        }
        // with no discordant pair yet, the rate is unknown: take one, the least the data allow
        double rate = Math.max(discordant, 1) / (double) pairs;
        return rate < delta ? null : Statistics.mcnemarPairsNeeded(rate, delta, 0.05, 0.80);
    }

    public static Summary summarize(EvalSettings settings, List<Problem> problems, List<ResultRecord> records,
                                    ZonedDateTime date) {
        Map<ResultRecord.Key, ResultRecord> byKey = new HashMap<>();
        for (ResultRecord record : records) {
            byKey.put(record.key(), record);
        }
        boolean hasOff = settings.modes().contains(EvalMode.OFF);
        List<ModeSummary> modes = new ArrayList<>();
        List<FormatSummary> format = new ArrayList<>();
        for (EvalMode mode : settings.modes()) {
            int n = 0;
            int correct = 0;
            int truncated = 0;
            long tokens = 0;
            int pairs = 0;
            int b = 0;
            int c = 0;
            int withoutLine = 0;
            int offOnly = 0;
            int modeOnly = 0;
            List<Double> perProblem = new ArrayList<>();   // mean (mode - off) over the problem's paired seeds
            for (Problem problem : problems) {
                double problemSum = 0;
                int problemPairs = 0;
                for (long seed : settings.seeds()) {
                    ResultRecord r = byKey.get(new ResultRecord.Key(problem.id(), mode.label(), seed));
                    if (r == null) {
                        continue;
                    }
                    n++;
                    correct += r.correct() ? 1 : 0;
                    tokens += r.tokens();
                    truncated += "length".equals(r.finish()) ? 1 : 0;
                    boolean line = Check.hasAnswerMarker(r.response());
                    withoutLine += line ? 0 : 1;
                    ResultRecord off = byKey.get(new ResultRecord.Key(problem.id(), EvalMode.OFF.label(), seed));
                    if (off != null) {
                        pairs++;
                        b += off.correct() && !r.correct() ? 1 : 0;
                        c += !off.correct() && r.correct() ? 1 : 0;
                        boolean offLine = Check.hasAnswerMarker(off.response());
                        offOnly += offLine && !line ? 1 : 0;
                        modeOnly += line && !offLine ? 1 : 0;
                        problemSum += (r.correct() ? 1 : 0) - (off.correct() ? 1 : 0);
                        problemPairs++;
                    }
                }
                if (problemPairs > 0) {
                    perProblem.add(problemSum / problemPairs);
                }
            }
            Statistics.Interval ci = Statistics.wilson(correct, n, CONFIDENCE);
            boolean compared = hasOff && !mode.equals(EvalMode.OFF);
            modes.add(new ModeSummary(mode.label(), mode.mode().name().toLowerCase(Locale.ROOT), mode.beta(), n,
                    correct, n == 0 ? 0 : (double) correct / n, ci.low(), ci.high(),
                    n == 0 ? 0 : (double) tokens / n, truncated, compared ? pairs : null, compared ? b : null,
                    compared ? c : null, compared ? Statistics.mcnemarExact(b, c) : null,
                    compared ? difference(perProblem) : null, compared ? ciOfDifference(perProblem).low() : null,
                    compared ? ciOfDifference(perProblem).high() : null, compared ? perProblem.size() : null,
                    compared ? Statistics.signTest(toArray(perProblem)) : null,
                    compared ? pairsNeeded(b + c, pairs, 0.03) : null,
                    compared ? pairsNeeded(b + c, pairs, 0.05) : null));
            format.add(new FormatSummary(mode.label(), n, withoutLine, compared ? offOnly : null,
                    compared ? modeOnly : null, compared ? Statistics.mcnemarExact(offOnly, modeOnly) : null));
        }
        List<ProblemRow> rows = new ArrayList<>();
        for (Problem problem : problems) {
            Map<String, String> results = new LinkedHashMap<>();
            boolean any = false;
            for (EvalMode mode : settings.modes()) {
                int done = 0;
                int right = 0;
                for (long seed : settings.seeds()) {
                    ResultRecord r = byKey.get(new ResultRecord.Key(problem.id(), mode.label(), seed));
                    if (r != null) {
                        done++;
                        right += r.correct() ? 1 : 0;
                    }
                }
                any |= done > 0;
                results.put(mode.label(), done == 0 ? "" : right + "/" + done);
            }
            if (any) {
                rows.add(new ProblemRow(problem.id(), expected(problem), results));
            }
        }
        return new Summary(date.format(DateTimeFormatter.ISO_OFFSET_DATE_TIME), settings, problems.size(), modes,
                format, rows);
    }

    static String expected(Problem problem) {
        return problem.check() == Check.COUNTDOWN ? problem.numbers() + " -> " + problem.answer() : problem.answer();
    }

    public static void writeJson(Summary summary, Path file) throws IOException {
        Map<String, Object> json = new LinkedHashMap<>();
        EvalSettings s = summary.settings();
        json.put("command", s.command());
        json.put("date", summary.date());
        json.put("model", s.model());
        json.put("task", s.task());
        json.put("problemSeed", s.problemSeed());
        json.put("problems", summary.problems());
        json.put("seeds", s.seeds());
        json.put("sampling", s.sampling());
        json.put("maxTokens", s.maxTokens());
        json.put("mixTopK", s.mixTopK());
        json.put("confidence", CONFIDENCE);
        json.put("modes", summary.modes());
        json.put("format", summary.format());
        json.put("perProblem", summary.perProblem());
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), json);
    }

    /** The report; {@code rechecked}: its verdicts were judged again from the stored answers ({@code --recheck}). */
    public static void writeMarkdown(Summary summary, Path file, String chartFileName, boolean rechecked)
            throws IOException {
        EvalSettings s = summary.settings();
        StringBuilder md = new StringBuilder();
        md.append("# MoI evaluation: ").append(s.task()).append(" on ").append(s.model()).append("\n\n");
        md.append("- Command: `").append(s.command()).append("`\n");
        md.append("- Date: ").append(summary.date()).append("\n");
        md.append("- Model: `").append(s.model()).append("`\n");
        md.append("- Task: ").append(s.task()).append(", ").append(summary.problems()).append(" problems");
        if (!s.task().startsWith("dataset:")) {
            md.append(" (generated with problem seed ").append(s.problemSeed()).append(")");
        }
        md.append("\n- Seeds: ").append(s.seeds().size()).append(" ").append(s.seeds()).append("\n");
        md.append(String.format(Locale.ROOT, "- Sampling: temperature %s, top-p %s, top-k %d, min-p %s; at most %d "
                        + "tokens per answer; MoI support %d tokens%n", s.sampling().temperature(),
                s.sampling().topP(), s.sampling().topK(), s.sampling().minP(), s.maxTokens(), s.mixTopK()));
        md.append("- Sampler order: temperature ").append(s.sampling().temperatureFirst()
                ? "first (before top-k/top-p/min-p, as vLLM)" : "last (llama.cpp's usual order)").append("\n");
        md.append("- Machine: ").append(Runtime.getRuntime().availableProcessors()).append(" CPU cores, ")
                .append(System.getProperty("os.name")).append(" ").append(System.getProperty("os.arch"))
                .append(", Java ").append(System.getProperty("java.version")).append("\n");
        if (rechecked) {
            md.append("- Verdicts: judged again from the stored answers by this version's checks (`--recheck`); the "
                    + "results file keeps the verdicts of the run\n");
        }
        md.append('\n');

        md.append("## Accuracy per mode\n\n");
        md.append("| mode | answers | correct | accuracy | 95 % CI (Wilson) | pairs with off | b | c | McNemar p "
                + "| mean tokens | hit max tokens |\n");
        md.append("|---|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|\n");
        for (ModeSummary m : summary.modes()) {
            md.append(String.format(Locale.ROOT, "| %s | %d | %d | %.3f | [%.3f, %.3f] | %s | %s | %s | %s | %.1f | "
                            + "%d |%n", m.mode(), m.n(), m.correct(), m.accuracy(), m.ciLow(), m.ciHigh(),
                    dash(m.pairs()), dash(m.b()), dash(m.c()),
                    m.pValue() == null ? "–" : String.format(Locale.ROOT, "%.4f", m.pValue()), m.meanTokens(),
                    m.truncated()));
        }
        md.append("\nb: pairs (same problem, same seed) where off was right and the mode wrong; c: the reverse. "
                + "McNemar's exact test is the two-sided binomial test of b against b + c with p = 1/2. The Wilson "
                + "interval treats every answer as independent (with several seeds per problem it is too narrow).\n\n");
        if (summary.modes().stream().anyMatch(m -> m.difference() != null)) {
            md.append("## Paired difference against off (problems as the unit)\n\n");
            md.append("| mode | problems | difference (mode - off) | 95 % CI (bootstrap over problems) | sign test p "
                    + "| pairs for 3 points | pairs for 5 points |\n");
            md.append("|---|---:|---:|---|---:|---:|---:|\n");
            for (ModeSummary m : summary.modes()) {
                if (m.difference() == null) {
                    continue;
                }
                md.append(String.format(Locale.ROOT, "| %s | %d | %+.3f | [%+.3f, %+.3f] | %.4f | %s | %s |%n",
                        m.mode(), m.problemsCompared(), m.difference(), m.differenceLow(), m.differenceHigh(),
                        m.signP(), dash(m.pairsFor3Points()), dash(m.pairsFor5Points())));
            }
            md.append("\nEach problem's difference is the mean over its seeds of (mode right) - (off right); the interval "
                    + "resamples problems with replacement (10,000 times, fixed seed), so several seeds of one problem "
                    + "count as one unit. The sign test counts problems the mode did better and worse on. Pairs for 3 "
                    + "and 5 points: paired answers McNemar's test needs for that difference at 5 % level and 80 % power, "
                    + "at this run's discordance rate (b + c) / pairs (Connor 1987); '–' when the rate is below the "
                    + "difference.\n\n");
        }
        md.append("## The answer line\n\n");
        md.append("| mode | answers | without an `Answer:` line | only off wrote one | only the mode wrote one "
                + "| McNemar p |\n");
        md.append("|---|---:|---:|---:|---:|---:|\n");
        for (FormatSummary f : summary.format()) {
            md.append(String.format(Locale.ROOT, "| %s | %d | %d | %s | %s | %s |%n", f.mode(), f.n(),
                    f.withoutAnswerLine(), dash(f.offOnly()), dash(f.modeOnly()),
                    f.pValue() == null ? "–" : String.format(Locale.ROOT, "%.4f", f.pValue())));
        }
        md.append("\nThe built-in tasks ask for the result on a last line `Answer: ...`; an answer without one is judged from "
                + "its last `\\boxed{}`, else its last line. A difference here is one of following the requested "
                + "format, right answer or not.\n\n");
        if (chartFileName != null) {
            md.append("![accuracy against beta](").append(chartFileName).append(")\n\n");
        }
        md.append("## How to read this\n\n");
        md.append("The numbers are as measured on this run, whatever they show: no answer was re-run, edited or "
                + "dropped. A small model (such as a 0.5B one) may score near zero on CountDown, which is hard for "
                + "models far larger; then every mode is near zero, the intervals overlap, and the run says nothing "
                + "about MoI beyond that. With a few dozen problems only large differences can be significant.\n\n");

        md.append("## Per problem (correct / seeds run)\n\n");
        md.append("| problem | expected |");
        for (ModeSummary m : summary.modes()) {
            md.append(' ').append(m.mode()).append(" |");
        }
        md.append("\n|---|---|");
        md.append("---:|".repeat(summary.modes().size()));
        md.append('\n');
        for (ProblemRow row : summary.perProblem()) {
            md.append("| ").append(row.problem()).append(" | ").append(row.answer()).append(" |");
            for (ModeSummary m : summary.modes()) {
                md.append(' ').append(row.results().getOrDefault(m.mode(), "")).append(" |");
            }
            md.append('\n');
        }
        Files.writeString(file, md.toString(), StandardCharsets.UTF_8);
    }

    private static String dash(Number value) {
        return value == null ? "–" : value.toString();
    }

    /** The MoI modes, ordered by beta (for the chart). */
    static List<ModeSummary> moiByBeta(Summary summary) {
        List<ModeSummary> moi = new ArrayList<>();
        for (ModeSummary m : summary.modes()) {
            if (m.kind().equals(MoiMode.MOI.name().toLowerCase(Locale.ROOT)) && m.n() > 0) {
                moi.add(m);
            }
        }
        moi.sort((x, y) -> Double.compare(x.beta(), y.beta()));
        return moi;
    }
}
