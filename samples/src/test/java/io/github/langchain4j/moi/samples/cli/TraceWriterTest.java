package io.github.langchain4j.moi.samples.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.langchain4j.moi.engine.MoiMode;
import io.github.langchain4j.moi.engine.Mixture;
import io.github.langchain4j.moi.engine.MoiStep;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class TraceWriterTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static final MoiStep STEP = new MoiStep(3, 1234, "wörld\n\"", MoiMode.MOI, 0.5,
            new Mixture(new int[] {1234, 17, 99}, new double[] {0.5, 0.3, 0.2}, 0.9372305632161294,
                    new double[] {0.65, 0.2, 0.15}), io.github.langchain4j.moi.engine.Segment.THINKING);

    @Test
    void aLineHasEveryFieldOfTheStepWithItsValue() throws IOException {
        String line = TraceWriter.toJson(STEP);

        assertThat(line).doesNotContain("\n");
        JsonNode json = JSON.readTree(line);
        List<String> fields = new ArrayList<>();
        json.fieldNames().forEachRemaining(fields::add);
        assertThat(fields).containsExactly("step", "token", "text", "mode", "beta", "segment", "support", "prior",
                "entropy", "weights");
        assertThat(json.get("segment").asText()).isEqualTo("thinking");
        assertThat(json.get("step").isInt()).isTrue();
        assertThat(json.get("step").asInt()).isEqualTo(3);
        assertThat(json.get("token").asInt()).isEqualTo(1234);
        assertThat(json.get("text").asText()).isEqualTo("wörld\n\"");
        assertThat(json.get("mode").asText()).isEqualTo("moi");
        assertThat(json.get("beta").asDouble()).isEqualTo(0.5);
        assertThat(ints(json.get("support"))).containsExactly(1234, 17, 99);
        assertThat(doubles(json.get("prior"))).containsExactly(0.5, 0.3, 0.2);
        assertThat(json.get("entropy").asDouble()).isEqualTo(0.9372305632161294);
        assertThat(doubles(json.get("weights"))).containsExactly(0.65, 0.2, 0.15);
    }

    @Test
    void modesAreLowercase() throws IOException {
        for (MoiMode mode : MoiMode.values()) {
            MoiStep step = new MoiStep(0, 1, "x", mode, 1.0, STEP.mixture());

            assertThat(JSON.readTree(TraceWriter.toJson(step)).get("mode").asText())
                    .isEqualTo(mode.name().toLowerCase(java.util.Locale.ROOT));
        }
    }

    @Test
    void eachLineIsInTheFileAsSoonAsItIsWritten(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("trace.jsonl");
        try (TraceWriter writer = TraceWriter.open(file)) {
            writer.write(STEP);
            assertThat(Files.readAllLines(file)).containsExactly(TraceWriter.toJson(STEP)); // before close

            writer.write(new MoiStep(4, 5, "!", MoiMode.OFF, 1.0,
                    new Mixture(new int[] {5}, new double[] {1.0}, 0.0, new double[] {1.0})));
            assertThat(Files.readAllLines(file)).hasSize(2);
        }
        assertThat(Files.readString(file)).endsWith("\n");
    }

    @Test
    void openingEmptiesAnExistingFile(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("trace.jsonl"), "old\nlines\n");

        try (TraceWriter writer = TraceWriter.open(file)) {
            writer.write(STEP);
        }

        assertThat(Files.readAllLines(file)).hasSize(1);
    }

    private static List<Integer> ints(JsonNode array) {
        List<Integer> values = new ArrayList<>();
        array.forEach(node -> values.add(node.asInt()));
        return values;
    }

    private static List<Double> doubles(JsonNode array) {
        List<Double> values = new ArrayList<>();
        array.forEach(node -> values.add(node.asDouble()));
        return values;
    }
}
