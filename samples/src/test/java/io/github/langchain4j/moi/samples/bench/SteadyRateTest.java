package io.github.langchain4j.moi.samples.bench;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

/** The bench's steady aggregate: tokens/s while every stream generates, the prompts' reading left out. */
class SteadyRateTest {

    private static long[] ms(long... millis) {
        long[] nanos = new long[millis.length];
        for (int i = 0; i < millis.length; i++) {
            nanos[i] = millis[i] * 1_000_000;
        }
        return nanos;
    }

    @Test
    void oneStreamIsItsRateAfterTheFirstToken() {
        // a long prompt's reading before the first token (at 500 ms) does not count
        assertThat(BenchWorker.steadyRate(new long[][]{ms(500, 510, 520, 530)}, new int[]{4}))
                .isCloseTo(100, offset(1e-9));
    }

    @Test
    void severalStreamsCountOnlyWhileAllGenerate() {
        // all generate from 15 ms (the second stream's first token) to 40 ms (the first stream's last): 5 tokens in 25 ms
        long[][] arrivals = {ms(0, 10, 20, 30, 40), ms(15, 25, 35, 45, 55)};
        assertThat(BenchWorker.steadyRate(arrivals, new int[]{5, 5})).isCloseTo(200, offset(1e-9));
        // the count, not the array's length, says how many tokens came
        long[][] padded = {ms(0, 10, 20, 30, 40, 0, 0), ms(15, 25, 35, 45, 55, 0)};
        assertThat(BenchWorker.steadyRate(padded, new int[]{5, 5})).isCloseTo(200, offset(1e-9));
    }

    @Test
    void noStretchWhereAllGenerateIsNotANumber() {
        assertThat(BenchWorker.steadyRate(new long[][]{ms(0, 10), ms(20, 30)}, new int[]{2, 2})).isNaN();
        assertThat(BenchWorker.steadyRate(new long[][]{ms(0)}, new int[]{1})).isNaN();
    }
}
