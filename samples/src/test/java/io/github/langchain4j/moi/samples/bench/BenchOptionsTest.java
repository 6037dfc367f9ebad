package io.github.langchain4j.moi.samples.bench;

import io.github.langchain4j.moi.samples.cli.MoiCli;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** bench checks every option before loading or fetching a model (a bad value failed after minutes of work). */
class BenchOptionsTest {

    private static String[] run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        String[] all = new String[args.length + 1];
        all[0] = "bench";
        System.arraycopy(args, 0, all, 1, args.length);
        // a model that does not exist: validation must fail before the model is looked at
        int code = MoiCli.run(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), all);
        return new String[] {String.valueOf(code), err.toString(StandardCharsets.UTF_8)};
    }

    @Test
    void badValuesAreUsageErrorsNamingTheOptionBeforeAnyWork() {
        for (String[] bad : new String[][] {{"--tokens", "-1"}, {"--tokens", "1"}, {"--tokens", "100000"},
                {"--rounds", "0"}, {"--threads", "-3"}, {"--prefill-chunk", "0"}, {"--prefill-chunk", "100000"},
                {"--sections", "load,nonsense"}}) {
            long start = System.nanoTime();
            String[] result = run(bad[0], bad[1], "--model", "/no/such/model.gguf");

            assertThat(result[0]).as(String.join(" ", bad)).isEqualTo("2");
            assertThat(result[1]).contains(bad[0]).doesNotContain("/no/such/model.gguf");
            assertThat((System.nanoTime() - start) / 1e9).isLessThan(5);
        }
    }
}
