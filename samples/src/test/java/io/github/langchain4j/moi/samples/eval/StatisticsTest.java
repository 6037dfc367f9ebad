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
}
