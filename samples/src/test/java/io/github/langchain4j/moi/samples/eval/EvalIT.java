package io.github.langchain4j.moi.samples.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.langchain4j.moi.model.KnownModel;
import io.github.langchain4j.moi.model.ModelCache;
import io.github.langchain4j.moi.samples.cli.MoiCli;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code moi eval} end to end on the real default model: 20 arithmetic problems, one seed, off against MoI at
 * beta 1, short answers (the point is the harness, not the accuracy), all three output files checked.
 */
class EvalIT {

    @TempDir
    Path dir;

    @Test
    void smallRunOnTheDefaultModelWritesTheResultsTheReportTheJsonAndTheChart() throws Exception {
        Path model = new ModelCache().resolve(KnownModel.DEFAULT);
        Path out = dir.resolve("out");
        int maxTokens = Integer.getInteger("eval.it.maxTokens", 16); // -Deval.it.maxTokens=8 on a crowded machine
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        int code = MoiCli.run(new PrintStream(stdout, true, StandardCharsets.UTF_8),
                new PrintStream(stderr, true, StandardCharsets.UTF_8),
                "eval", "--task", "arithmetic", "--limit", "20", "--seeds", "1", "--modes", "off,moi:1",
                "--max-tokens", Integer.toString(maxTokens), "--model", model.toString(),
                "--out", out.toString(), "--name", "it");
        String err = stderr.toString(StandardCharsets.UTF_8);
        assertThat(code).as(err).isZero();
        assertThat(err).contains("eval: 20 problems x 2 modes (off, moi:1) x 1 seeds = 40 answers")
                .contains("40/40");

        ObjectMapper json = new ObjectMapper();
        List<String> lines = Files.readAllLines(out.resolve("it-results.jsonl"));
        assertThat(lines).hasSize(40);
        for (String line : lines) {
            JsonNode record = json.readTree(line);
            assertThat(record.get("mode").asText()).isIn("off", "moi:1");
            assertThat(record.get("tokens").asInt()).isBetween(1, maxTokens);
            assertThat(record.get("response").asText()).isNotBlank();
        }

        JsonNode report = json.readTree(out.resolve("it.json").toFile());
        assertThat(report.get("modes")).hasSize(2);
        assertThat(report.get("modes").get(0).get("mode").asText()).isEqualTo("off");
        assertThat(report.get("modes").get(0).get("n").asInt()).isEqualTo(20);
        assertThat(report.get("modes").get(1).get("mode").asText()).isEqualTo("moi:1");
        assertThat(report.get("modes").get(1).get("pairs").asInt()).isEqualTo(20);
        assertThat(report.get("modes").get(1).get("pValue").asDouble()).isBetween(0.0, 1.0);
        assertThat(report.get("perProblem")).hasSize(20);

        String md = Files.readString(out.resolve("it.md"));
        assertThat(md).contains("| off | 20 |").contains("| moi:1 | 20 |").contains("McNemar")
                .contains(model.getFileName().toString());

        byte[] png = Files.readAllBytes(out.resolve("it.png"));
        assertThat(png.length).isGreaterThan(1000);
        assertThat(png).startsWith(0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n');

        assertThat(stdout.toString(StandardCharsets.UTF_8)).contains("off").contains("moi:1").contains("report: ");
    }
}
