package io.github.langchain4j.moi.samples.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.awt.Color;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code moi trace --plot TRACE.jsonl OUT.png}: a chart of one answer from a trace that {@code generate --trace}
 * wrote: the normalized entropy H of the next-token distribution per step, and the weight of the sampled token in
 * the next input (1 under standard decoding; below 1 where MoI mixed in other tokens).
 */
@Command(name = "trace", sortOptions = false, mixinStandardHelpOptions = true,
        description = "Draws a trace of generate --trace: normalized entropy and the sampled token's weight per step.",
        exitCodeListHeading = MoiCli.EXIT_CODES_HEADING, exitCodeList = {MoiCli.EXIT_OK, MoiCli.EXIT_FAILURE,
                MoiCli.EXIT_USAGE})
final class TraceCommand implements Callable<Integer> {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Spec
    CommandSpec spec;

    @Option(names = "--plot", required = true, paramLabel = "TRACE.jsonl",
            description = "The trace file (one JSON object per generated token).")
    Path trace;

    @Parameters(index = "0", paramLabel = "OUT.png", description = "The chart to write (PNG).")
    Path out;

    /** The per-step values of a trace. */
    record Series(List<Double> steps, List<Double> entropy, List<Double> sampledWeight, String mode) {
    }

    @Override
    public Integer call() {
        SafeFiles.requireNotAnInput(out, "output file", new SafeFiles.Input("trace file", trace));
        Series series = read(trace, SafeFiles.readText(trace, "trace file", SafeFiles.MAX_TEXT_BYTES));
        write(series, trace.getFileName().toString(), out);
        spec.commandLine().getOut().printf("trace: %d steps drawn to %s%n", series.steps().size(), out);
        spec.commandLine().getOut().flush();
        return 0;
    }

    /** The steps with a mixture; a line that is not a trace step is an error naming the file and the line. */
    static Series read(Path file, String text) {
        List<Double> steps = new ArrayList<>();
        List<Double> entropy = new ArrayList<>();
        List<Double> weight = new ArrayList<>();
        String mode = null;
        String[] lines = text.split("\n");
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].isBlank()) {
                continue;
            }
            JsonNode step;
            try {
                step = JSON.readTree(lines[i]);
            } catch (JsonProcessingException e) {
                throw new IllegalArgumentException("trace file " + file + ", line " + (i + 1) + ": not JSON");
            }
            JsonNode support = step.path("support");
            JsonNode weights = step.path("weights");
            if (!step.path("step").isNumber() || !step.path("token").isNumber()) {
                throw new IllegalArgumentException("trace file " + file + ", line " + (i + 1)
                        + ": not a trace step (needs step and token; write one with generate --trace)");
            }
            if (mode == null && step.path("mode").isTextual()) {
                mode = step.path("mode").asText();
            }
            if (!support.isArray() || !weights.isArray() || !step.path("entropy").isNumber()) {
                continue; // a step without a mixture (not traced)
            }
            double w = 0;
            for (int j = 0; j < support.size() && j < weights.size(); j++) {
                if (support.get(j).asInt() == step.get("token").asInt()) {
                    w = weights.get(j).asDouble();
                }
            }
            steps.add(step.get("step").asDouble());
            entropy.add(step.get("entropy").asDouble());
            weight.add(w);
        }
        if (steps.isEmpty()) {
            throw new IllegalArgumentException("trace file " + file + " has no step with a mixture to draw");
        }
        return new Series(steps, entropy, weight, mode);
    }

    static void write(Series series, String title, Path file) {
        System.setProperty("java.awt.headless", "true");
        XYChart chart = new XYChartBuilder().width(900).height(420)
                .title(title + (series.mode() == null ? "" : " (mode " + series.mode() + ")"))
                .xAxisTitle("generated token (step)").yAxisTitle("value").build();
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setYAxisMin(0.0);
        chart.getStyler().setYAxisMax(1.0);
        chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.OutsideS);
        chart.getStyler().setLegendLayout(org.knowm.xchart.style.Styler.LegendLayout.Horizontal);
        XYSeries h = chart.addSeries("normalized entropy H", series.steps(), series.entropy());
        h.setLineColor(new Color(0x1f77b4));
        h.setMarker(SeriesMarkers.NONE);
        XYSeries w = chart.addSeries("weight of the sampled token in the next input", series.steps(),
                series.sampledWeight());
        w.setLineColor(new Color(0xd62728));
        w.setMarker(SeriesMarkers.NONE);
        try (OutputStream stream = Files.newOutputStream(file)) {
            BitmapEncoder.saveBitmap(chart, stream, BitmapEncoder.BitmapFormat.PNG);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write chart " + file + ": " + MoiCli.reason(e), e);
        }
    }
}
