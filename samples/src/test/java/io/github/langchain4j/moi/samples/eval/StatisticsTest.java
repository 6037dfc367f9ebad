package io.github.langchain4j.moi.samples.eval;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class StatisticsTest {

    @Test
    void mcnemarExactMatchesTextbookValues() {
        // two-sided exact binomial test on the discordant pairs, p = 1/2
        assertThat(Statistics.mcnemarExact(1, 6)).isCloseTo(0.125, within(1e-12));      // 2 * 8/128
        assertThat(Statistics.mcnemarExact(0, 5)).isCloseTo(0.0625, within(1e-12));     // 2 * 1/32
        assertThat(Statistics.mcnemarExact(2, 10)).isCloseTo(2 * 79 / 4096.0, within(1e-12));
        assertThat(Statistics.mcnemarExact(6, 1)).isEqualTo(Statistics.mcnemarExact(1, 6));
        assertThat(Statistics.mcnemarExact(3, 3)).isEqualTo(1.0);
        assertThat(Statistics.mcnemarExact(0, 0)).isEqualTo(1.0);
        assertThat(Statistics.mcnemarExact(0, 1)).isEqualTo(1.0);
        assertThatThrownBy(() -> Statistics.mcnemarExact(-1, 2)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void wilsonIntervalMatchesTextbookValues() {
        Statistics.Interval eight = Statistics.wilson(8, 10, 0.95);
        assertThat(eight.low()).isCloseTo(0.490, within(5e-4));
        assertThat(eight.high()).isCloseTo(0.943, within(5e-4));
        Statistics.Interval none = Statistics.wilson(0, 10, 0.95);
        assertThat(none.low()).isEqualTo(0.0);
        assertThat(none.high()).isCloseTo(0.2775, within(5e-4));
        Statistics.Interval all = Statistics.wilson(20, 20, 0.95);
        assertThat(all.high()).isCloseTo(1.0, within(1e-12));
        assertThat(all.low()).isCloseTo(0.8389, within(5e-4));
        Statistics.Interval half = Statistics.wilson(50, 100, 0.95);
        assertThat(half.low()).isCloseTo(0.4038, within(5e-4));
        assertThat(half.high()).isCloseTo(0.5962, within(5e-4));
        assertThat(Statistics.wilson(0, 0, 0.95)).isEqualTo(new Statistics.Interval(0, 1));
        assertThatThrownBy(() -> Statistics.wilson(3, 2, 0.95)).isInstanceOf(IllegalArgumentException.class);
    }

    @org.junit.jupiter.api.Test
    void mcnemarSampleSizeMatchesConnorsFormula() {
        // psi = 0.2, delta = 0.05: ((1.95996 * sqrt(0.2) + 0.84162 * sqrt(0.1975))^2) / 0.0025 = 625.5 -> 626 (numpy)
        org.assertj.core.api.Assertions.assertThat(Statistics.mcnemarPairsNeeded(0.2, 0.05, 0.05, 0.8)).isEqualTo(626);
        org.assertj.core.api.Assertions.assertThat(Statistics.mcnemarPairsNeeded(0.2, 0.03, 0.05, 0.8))
                .isGreaterThan(1700).isLessThan(1760);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Statistics.mcnemarPairsNeeded(0.02, 0.05, 0.05, 0.8))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @org.junit.jupiter.api.Test
    void bootstrapOverProblemsIsReproducibleAndCoversTheMean() {
        double[] perProblem = {1, 0, 0, -1, 1, 0.5, 0, 1, 0, 0};
        Statistics.Interval a = Statistics.bootstrapMean(perProblem, 5000, 0.95, 7);
        Statistics.Interval b = Statistics.bootstrapMean(perProblem, 5000, 0.95, 7);
        org.assertj.core.api.Assertions.assertThat(a).isEqualTo(b);
        org.assertj.core.api.Assertions.assertThat(a.low()).isLessThan(0.25).isGreaterThan(-0.3);
        org.assertj.core.api.Assertions.assertThat(a.high()).isGreaterThan(0.25).isLessThan(0.7);
        org.assertj.core.api.Assertions.assertThat(Statistics.signTest(perProblem))
                .isEqualTo(Statistics.mcnemarExact(1, 4));
    }
}
