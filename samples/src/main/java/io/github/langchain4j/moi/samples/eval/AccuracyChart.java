package io.github.langchain4j.moi.samples.eval;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.awt.Color;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The chart of a run (XChart, PNG, headless): MoI accuracy against beta (log scale) with its 95 % intervals as
 * vertical bars; off, and direct if run, as horizontal lines with their intervals dashed.
 */
public final class AccuracyChart {

    private static final Color MOI = new Color(0x1f77b4);
    private static final Color OFF = new Color(0x444444);
    private static final Color DIRECT = new Color(0xd62728);

    private AccuracyChart() {
    }

    public static void write(EvalReport.Summary summary, Path file) throws IOException {
        System.setProperty("java.awt.headless", "true");
        XYChart chart = new XYChartBuilder().width(800).height(500)
                .title("MoI on " + summary.settings().task() + " (" + summary.settings().model() + ")")
                .xAxisTitle("beta (log scale)").yAxisTitle("accuracy (95 % Wilson interval)").build();
        chart.getStyler().setXAxisLogarithmic(true);
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.OutsideS);
        chart.getStyler().setLegendLayout(org.knowm.xchart.style.Styler.LegendLayout.Horizontal);
        chart.getStyler().setDecimalPattern("0.###");

        List<EvalReport.ModeSummary> moi = EvalReport.moiByBeta(summary);
        double xMin = moi.isEmpty() ? 0.25 : moi.get(0).beta();
        double xMax = moi.isEmpty() ? 8 : moi.get(moi.size() - 1).beta();
        xMin = Math.max(xMin, 1e-3) / 1.5;
        xMax = Math.max(xMax, 1e-3) * 1.5;
        double yMax = 0.05;
        for (EvalReport.ModeSummary m : summary.modes()) {
            yMax = Math.max(yMax, m.ciHigh());
        }
        chart.getStyler().setYAxisMin(0.0);
        chart.getStyler().setYAxisMax(Math.min(1.0, yMax * 1.1));
        chart.getStyler().setXAxisMin(xMin);
        chart.getStyler().setXAxisMax(xMax);

        for (EvalReport.ModeSummary m : summary.modes()) {
            if (m.n() == 0 || m.kind().equals("moi")) {
                continue;
            }
            Color color = m.kind().equals("off") ? OFF : DIRECT;
            String name = String.format(Locale.ROOT, "%s %.3f (dotted: interval)", m.mode(), m.accuracy());
            line(chart, name, xMin, xMax, m.accuracy(), color, SeriesLines.SOLID, true);
            line(chart, m.mode() + " low", xMin, xMax, m.ciLow(), color, SeriesLines.DASH_DASH, false);
            line(chart, m.mode() + " high", xMin, xMax, m.ciHigh(), color, SeriesLines.DASH_DASH, false);
        }
        if (!moi.isEmpty()) {
            double[] x = new double[moi.size()];
            double[] y = new double[moi.size()];
            for (int i = 0; i < moi.size(); i++) {
                x[i] = moi.get(i).beta();
                y[i] = moi.get(i).accuracy();
                XYSeries bar = chart.addSeries("moi interval " + i, new double[] {x[i], x[i]},
                        new double[] {moi.get(i).ciLow(), moi.get(i).ciHigh()});
                bar.setLineColor(MOI);
                bar.setMarker(SeriesMarkers.NONE);
                bar.setShowInLegend(false);
            }
            XYSeries series = chart.addSeries("moi", x, y);
            series.setLineColor(MOI);
            series.setLineStyle(SeriesLines.SOLID);
            series.setMarkerColor(MOI);
            series.setMarker(SeriesMarkers.CIRCLE);
        }
        try (OutputStream out = Files.newOutputStream(file)) {
            BitmapEncoder.saveBitmap(chart, out, BitmapEncoder.BitmapFormat.PNG);
        }
    }

    private static void line(XYChart chart, String name, double x0, double x1, double y, Color color,
                             java.awt.BasicStroke stroke, boolean legend) {
        XYSeries series = chart.addSeries(name, new double[] {x0, x1}, new double[] {y, y});
        series.setLineColor(color);
        series.setLineStyle(stroke);
        series.setMarker(SeriesMarkers.NONE);
        series.setShowInLegend(legend);
    }
}
