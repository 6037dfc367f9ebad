package io.github.langchain4j.moi.samples.eval;

import org.apache.commons.math3.distribution.BinomialDistribution;
import org.apache.commons.math3.distribution.NormalDistribution;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The statistics of the report: Wilson score intervals, McNemar's exact test, and for the paired comparison of a mode
 * with off, treating problems (not answers) as the unit: a bootstrap interval over problems and a sign test.
 */
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

    /**
     * A percentile bootstrap interval of the mean of {@code perProblem} (each problem's mean difference, e.g. mode minus
     * off over its seeds): problems are resampled with replacement, so answers to one problem stay together. A fixed
     * {@code seed} makes the report reproducible.
     */
    public static Interval bootstrapMean(double[] perProblem, int replicates, double confidence, long seed) {
        if (perProblem.length == 0) {
            return new Interval(Double.NaN, Double.NaN);
        }
        if (replicates < 1) {
            throw new IllegalArgumentException("replicates must be >= 1, was " + replicates);
        }
        SplittableRandom random = new SplittableRandom(seed);
        int n = perProblem.length;
        double[] means = new double[replicates];
        for (int r = 0; r < replicates; r++) {
            double sum = 0;
            for (int i = 0; i < n; i++) {
                sum += perProblem[random.nextInt(n)];
            }
            means[r] = sum / n;
        }
        Arrays.sort(means);
        double tail = (1 - confidence) / 2;
        return new Interval(means[(int) Math.floor(tail * (replicates - 1))],
                means[(int) Math.ceil((1 - tail) * (replicates - 1))]);
    }

    /**
     * The two-sided exact sign test over problems: how many problems the mode did better on, against how many it did
     * worse on (ties dropped), binomial with p = 1/2. 1 when no problem differs.
     */
    public static double signTest(double[] perProblem) {
        long better = Arrays.stream(perProblem).filter(d -> d > 0).count();
        long worse = Arrays.stream(perProblem).filter(d -> d < 0).count();
        return mcnemarExact(worse, better); // the same binomial test, on problems instead of answers
    }

    /**
     * Paired answers that McNemar's test needs to find a difference of {@code delta} (e.g. 0.03) in accuracy with
     * two-sided level {@code alpha} and the given power, when a fraction {@code discordance} of pairs disagree
     * (Connor 1987): {@code n = (z_{a/2} sqrt(psi) + z_b sqrt(psi - delta^2))^2 / delta^2}. Requires
     * {@code 0 < delta <= discordance}.
     */
    public static long mcnemarPairsNeeded(double discordance, double delta, double alpha, double power) {
        if (!(delta > 0 && delta <= discordance && discordance <= 1)) {
            throw new IllegalArgumentException("need 0 < delta <= discordance <= 1, was delta=" + delta
                    + ", discordance=" + discordance);
        }
        NormalDistribution normal = new NormalDistribution();
        double za = normal.inverseCumulativeProbability(1 - alpha / 2);
        double zb = normal.inverseCumulativeProbability(power);
        double root = za * Math.sqrt(discordance) + zb * Math.sqrt(discordance - delta * delta);
        return (long) Math.ceil(root * root / (delta * delta));
    }
}
