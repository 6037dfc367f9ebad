package io.github.langchain4j.moi.samples.bench;

import java.util.Arrays;
import java.util.List;
import java.util.function.ToDoubleFunction;

/** Medians, the robust summary for noisy timings. */
final class Stats {

    private Stats() {
    }

    static double median(double[] values) {
        if (values.length == 0) {
            return Double.NaN;
        }
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int mid = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    /**
     * The median of the ratios {@code metric(a[i]) / metric(b[i])} of paired runs (same prompt, same round):
     * a drift of the machine's speed between rounds then cancels within each pair.
     */
    static <T> double medianPairedRatio(List<T> a, List<T> b, ToDoubleFunction<T> metric) {
        if (a.size() != b.size()) {
            throw new IllegalArgumentException("paired runs: " + a.size() + " vs " + b.size());
        }
        double[] ratios = new double[a.size()];
        for (int i = 0; i < ratios.length; i++) {
            ratios[i] = metric.applyAsDouble(a.get(i)) / metric.applyAsDouble(b.get(i));
        }
        return median(ratios);
    }

    /** The p-th percentile (nearest rank) of the values. */
    static double percentile(List<Double> values, double p) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int rank = (int) Math.ceil(p / 100 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    /**
     * Per request, how much longer it waited for its first token than its place in a first-come-first-served
     * queue implies: request p (in the order submitted, all at once) on {@code sequences} sequences waits for
     * floor(p / sequences) generations of {@code generationMs} before its own starts, so its excess is its TTFT
     * minus that (its own prompt's reading stays in the excess).
     */
    static double[] queueExcessMs(double[] ttftMs, int sequences, double generationMs) {
        if (sequences < 1) {
            throw new IllegalArgumentException("sequences must be >= 1, was " + sequences);
        }
        double[] excess = new double[ttftMs.length];
        for (int p = 0; p < ttftMs.length; p++) {
            excess[p] = ttftMs[p] - (p / sequences) * generationMs;
        }
        return excess;
    }
}
