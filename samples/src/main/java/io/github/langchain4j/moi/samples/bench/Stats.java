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

    /** Ratio of the medians of a metric over two lists of runs. */
    static <T> double medianRatio(List<T> a, List<T> b, ToDoubleFunction<T> metric) {
        return median(a.stream().mapToDouble(metric).toArray()) / median(b.stream().mapToDouble(metric).toArray());
    }
}
