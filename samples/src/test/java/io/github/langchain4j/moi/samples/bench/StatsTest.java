package io.github.langchain4j.moi.samples.bench;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StatsTest {

    @Test
    void medianOfOddAndEvenCounts() {
        assertThat(Stats.median(new double[]{3, 1, 2})).isEqualTo(2);
        assertThat(Stats.median(new double[]{4, 1, 3, 2})).isEqualTo(2.5);
        assertThat(Stats.median(new double[0])).isNaN();
    }

    @Test
    void pairedRatioCancelsADriftThatTheRatioOfMediansWouldKeep() {
        // the machine slows down 2x after the first two pairs; a is always 10 % faster than b within a pair
        List<Double> a = List.of(110.0, 110.0, 55.0, 55.0, 55.0);
        List<Double> b = List.of(100.0, 100.0, 100.0, 50.0, 50.0);
        assertThat(Stats.medianPairedRatio(a, b, Double::doubleValue)).isCloseTo(1.1, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(Stats.median(new double[]{110, 110, 55, 55, 55}) / Stats.median(new double[]{100, 100, 100, 50, 50}))
                .isEqualTo(0.55);
    }

    @Test
    void queueExcessIsTheWaitBeyondTheGenerationsAheadInTheQueue() {
        // 2 sequences, generations of 1,000 ms: requests 0-1 start at once, 2-3 after one generation, 4 after two
        double[] ttft = {100, 200, 1_100, 1_300, 4_500};
        double[] excess = Stats.queueExcessMs(ttft, 2, 1_000);
        assertThat(excess).containsExactly(100, 200, 100, 300, 2_500);
        assertThatThrownBy(() -> Stats.queueExcessMs(ttft, 0, 1_000)).hasMessageContaining("sequences");
    }

    @Test
    void pairedRatioNeedsPairs() {
        assertThatThrownBy(() -> Stats.medianPairedRatio(List.of(1.0), List.of(1.0, 2.0), Double::doubleValue))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1 vs 2");
    }
}
