package io.github.langchain4j.moi.samples.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code moi trace --plot}: a PNG from a small trace, and a clear error for a file that is not a trace. */
class TraceCommandTest {

    @TempDir
    Path dir;

    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return MoiCli.run(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), args);
    }

    @Test
    void drawsEntropyAndTheSampledTokensWeightAsAPng() throws Exception {
        Path trace = Files.write(dir.resolve("trace.jsonl"), List.of(
                "{\"step\":0,\"token\":5,\"text\":\"a\",\"mode\":\"moi\",\"beta\":1.0,\"support\":[5,7],"
                        + "\"prior\":[0.9,0.1],\"entropy\":0.47,\"weights\":[0.97,0.03]}",
                "{\"step\":1,\"token\":7,\"text\":\"b\",\"mode\":\"moi\",\"beta\":1.0,\"support\":[5,7],"
                        + "\"prior\":[0.5,0.5],\"entropy\":1.0,\"weights\":[0.25,0.75]}",
                "{\"step\":2,\"token\":9,\"text\":\"c\",\"mode\":\"moi\",\"beta\":1.0,\"support\":[9],"
                        + "\"prior\":[1.0],\"entropy\":0.0,\"weights\":[1.0]}"));
        Path png = dir.resolve("trace.png");

        assertThat(run("trace", "--plot", trace.toString(), png.toString())).isZero();

        BufferedImage image = ImageIO.read(png.toFile());
        assertThat(image).isNotNull();
        assertThat(image.getWidth()).isEqualTo(900);
        TraceCommand.Series series = TraceCommand.read(trace, Files.readString(trace));
        assertThat(series.entropy()).containsExactly(0.47, 1.0, 0.0);
        assertThat(series.sampledWeight()).containsExactly(0.97, 0.75, 1.0);
    }

    @Test
    void aFileThatIsNotATraceIsAnErrorNamingTheLine() throws Exception {
        Path trace = Files.write(dir.resolve("notes.jsonl"), List.of("{\"step\":0,\"token\":1}", "hello"));
        Path png = dir.resolve("x.png");

        assertThat(run("trace", "--plot", trace.toString(), png.toString())).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("notes.jsonl, line 2: not JSON");
        assertThat(png).doesNotExist();
    }
}
