package io.github.langchain4j.moi.llamacpp;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * threads = 0 gives one thread per core that other work leaves free: all cores on an idle machine, fewer on a busy
 * one, never fewer than 1 (a busy machine collapsed from ~4.6 to ~0.5 tokens/s with all cores; see
 * {@link NativeModel#defaultThreads}).
 */
class DefaultThreadsTest {

    @Test
    void an_idle_machine_gets_every_core() {
        assertThat(NativeModel.defaultThreads(8, 0.0)).isEqualTo(8);
        assertThat(NativeModel.defaultThreads(8, 0.4)).isEqualTo(8);
        assertThat(NativeModel.defaultThreads(2, 0.3)).isEqualTo(2);
    }

    @Test
    void a_busy_machine_gets_the_cores_its_load_leaves_free_and_at_least_one() {
        assertThat(NativeModel.defaultThreads(8, 3.2)).isEqualTo(5);
        assertThat(NativeModel.defaultThreads(2, 1.0)).isEqualTo(1);
        assertThat(NativeModel.defaultThreads(2, 10.4)).isEqualTo(1);
        assertThat(NativeModel.defaultThreads(1, 5.0)).isEqualTo(1);
    }

    @Test
    void without_a_load_average_every_core() {
        assertThat(NativeModel.defaultThreads(4, -1.0)).isEqualTo(4);
        assertThat(NativeModel.defaultThreads(4, Double.NaN)).isEqualTo(4);
    }
}
