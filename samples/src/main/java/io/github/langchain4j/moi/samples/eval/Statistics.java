package io.github.langchain4j.moi.samples.eval;

import org.apache.commons.math3.distribution.BinomialDistribution;
import org.apache.commons.math3.distribution.NormalDistribution;

/** The statistics of the report: Wilson score intervals and McNemar's exact test. */
public final class Statistics {

    private Statistics() {
    }

    /** A two-sided interval. */
    public record Interval(double low, double high) {
    }

    /**
     * The Wilson score interval for {@code successes} out of {@code n} at the given confidence (e.g. 0.95); for
     * {@code n = 0}, [0, 1]. Better than the normal approximation near 0 and 1, where a small model's accuracy is.
     */
    public static Interval wilson(long successes, long n, double confidence) {
        if (n < 0 || successes < 0 || successes > n) {
            throw new IllegalArgumentException("need 0 <= successes <= n, was " + successes + " of " + n);
        }
        if (!(confidence > 0 && confidence < 1)) {
            throw new IllegalArgumentException("confidence must be in (0, 1), was " + confidence);
        }
        if (n == 0) {
            return new Interval(0, 1);
        }
        double z = new NormalDistribution().inverseCumulativeProbability(1 - (1 - confidence) / 2);
        double p = (double) successes / n;
        double z2 = z * z;
        double denominator = 1 + z2 / n;
        double center = (p + z2 / (2.0 * n)) / denominator;
        double half = z / denominator * Math.sqrt(p * (1 - p) / n + z2 / (4.0 * n * n));
        return new Interval(Math.max(0, center - half), Math.min(1, center + half));
    }

    /**
     * McNemar's exact test: the two-sided p-value of a binomial test with p = 1/2 on the discordant pairs, {@code b}
     * (first right, second wrong) and {@code c} (first wrong, second right). 1 when there are none.
     */
    public static double mcnemarExact(long b, long c) {
        if (b < 0 || c < 0) {
            throw new IllegalArgumentException("discordant counts must be >= 0, was b=" + b + ", c=" + c);
        }
        long n = b + c;
        if (n == 0) {
            return 1.0;
        }
        if (n > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("too many pairs: " + n);
        }
        double tail = new BinomialDistribution(null, (int) n, 0.5).cumulativeProbability((int) Math.min(b, c));
        return Math.min(1.0, 2 * tail);
    }
}
