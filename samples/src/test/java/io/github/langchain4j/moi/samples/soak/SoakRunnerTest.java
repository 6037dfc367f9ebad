package io.github.langchain4j.moi.samples.soak;

import io.github.langchain4j.moi.engine.EngineConfig;
import io.github.langchain4j.moi.samples.cli.MoiCli;
import io.github.langchain4j.moi.testing.TinyModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The soak runner on the tiny synthetic model: every request ends, the report adds up, the CLI wires it. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SoakRunnerTest {

    private static final Path MODEL = TinyModel.shared();

    /** One thread: the tiny model is much faster so on a small machine. */
    private static EngineConfig config() {
        return EngineConfig.of(MODEL).withContextSize(128).withThreads(1);
    }

    @Test
    void cycles_on_one_engine_finish_every_request_and_report_memory() throws Exception {
        StringWriter text = new StringWriter();
        SoakRunner.Report report = new SoakRunner(config(), new SoakRunner.Settings(3, 12, 3, 6, false, 1000),
                new PrintWriter(text)).run();
        assertThat(report.cycles()).hasSize(3);
        assertThat(report.cycles()).allSatisfy(cycle -> {
            assertThat(cycle.done()).isEqualTo(12);
            assertThat(cycle.failures()).isZero();
            assertThat(cycle.rssMib()).isPositive();
        });
        assertThat(report.cycles().stream().mapToInt(SoakRunner.Cycle::cancelled).sum()).isPositive();
        assertThat(report.failures()).isZero();
        assertThat(report.passed()).isTrue();
        assertThat(text.toString()).contains("cycle 1/3: 12 requests done", "cycle 3/3", "RSS: start", "verdict: PASS");
    }

    @Test
    void reloading_every_cycle_works_and_fails_the_verdict_past_the_growth_limit() throws Exception {
        StringWriter text = new StringWriter();
        // a negative limit: any cycle "grows too much", so the verdict must say FAIL
        SoakRunner.Report report = new SoakRunner(config(), new SoakRunner.Settings(3, 4, 2, 4, true, -1e9),
                new PrintWriter(text)).run();
        assertThat(report.failures()).isZero();
        assertThat(report.cycles()).extracting(SoakRunner.Cycle::done).containsExactly(4, 4, 4);
        assertThat(report.passed()).isFalse();
        assertThat(text.toString()).contains("engine reloaded every cycle", "verdict: FAIL");
    }

    @Test
    void the_command_line_runs_a_soak_and_rejects_bad_options() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = MoiCli.run(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                "soak", "--model", MODEL.toString(), "--cycles", "2", "--requests", "4", "--concurrency", "2",
                "--max-tokens", "4", "--threads", "1", "--context", "128", "--max-growth-mib", "1000");
        assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("cycle 2/2: 4 requests done", "verdict: PASS");

        ByteArrayOutputStream badErr = new ByteArrayOutputStream();
        int bad = MoiCli.run(new PrintStream(new ByteArrayOutputStream()), new PrintStream(badErr, true, StandardCharsets.UTF_8),
                "soak", "--model", MODEL.toString(), "--cycles", "0");
        assertThat(bad).isEqualTo(2);
        assertThat(badErr.toString(StandardCharsets.UTF_8)).contains("cycles");
    }

    @Test
    void one_cycle_is_refused_as_it_leaves_nothing_after_the_warm_up_to_judge() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = MoiCli.run(new PrintStream(new ByteArrayOutputStream()), new PrintStream(err, true, StandardCharsets.UTF_8),
                "soak", "--model", MODEL.toString(), "--cycles", "1");
        assertThat(code).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("cycles must be >= 2", "warm-up");
    }

    @Test
    void settings_and_median_are_checked() {
        assertThatThrownBy(() -> new SoakRunner.Settings(2, 0, 1, 1, false, 8)).hasMessageContaining("requests");
        assertThatThrownBy(() -> new SoakRunner.Settings(2, 1, 65, 1, false, 8)).hasMessageContaining("concurrency");
        assertThat(SoakRunner.median(List.of(3.0, 1.0, 2.0))).isEqualTo(2.0);
        assertThat(SoakRunner.median(List.of(4.0, 1.0, 2.0, 3.0))).isEqualTo(2.5);
    }
}
