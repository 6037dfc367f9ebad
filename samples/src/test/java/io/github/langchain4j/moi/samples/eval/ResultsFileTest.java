package io.github.langchain4j.moi.samples.eval;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ResultsFileTest {

    @TempDir
    Path dir;

    static ResultRecord record(String problem, String mode, long seed, boolean correct) {
        return new ResultRecord(problem, mode, seed, correct, 12, "stop", "42", "...\nAnswer: 42", 0.5, "abc", "123456");
    }

    @Test
    void eachRecordIsOnDiskAsSoonAsItIsAppended() throws Exception {
        Path file = dir.resolve("sub/results.jsonl");
        try (ResultsFile results = ResultsFile.open(file, "abc")) {
            results.append(record("p1", "off", 42, true));
            // still open: the line is already in the file
            assertThat(Files.readAllLines(file)).hasSize(1).first().asString().contains("\"problem\":\"p1\"");
            results.append(record("p1", "moi:1", 42, false));
        }
        assertThat(Files.readAllLines(file)).hasSize(2);
    }

    @Test
    void reopeningResumesWithTheKeysAlreadyDone() throws Exception {
        Path file = dir.resolve("results.jsonl");
        try (ResultsFile results = ResultsFile.open(file, "abc")) {
            results.append(record("p1", "off", 42, true));
            results.append(record("p1", "moi:1", 42, false));
        }
        try (ResultsFile results = ResultsFile.open(file, "abc")) {
            assertThat(results.records()).hasSize(2);
            assertThat(results.contains(new ResultRecord.Key("p1", "off", 42))).isTrue();
            assertThat(results.contains(new ResultRecord.Key("p1", "off", 43))).isFalse();
            assertThat(results.records().get(1)).isEqualTo(record("p1", "moi:1", 42, false));
            results.append(record("p2", "off", 42, true));
        }
        assertThat(Files.readAllLines(file)).hasSize(3);
    }

    @Test
    void aLineCutShortByACrashIsDroppedAndTheFileStaysValid() throws Exception {
        Path file = dir.resolve("results.jsonl");
        try (ResultsFile results = ResultsFile.open(file, "abc")) {
            results.append(record("p1", "off", 42, true));
        }
        Files.writeString(file, "{\"problem\":\"p1\",\"mode\":\"moi:1\",\"se", StandardCharsets.UTF_8,
                StandardOpenOption.APPEND);
        try (ResultsFile results = ResultsFile.open(file, "abc")) {
            assertThat(results.records()).hasSize(1);
            assertThat(results.contains(new ResultRecord.Key("p1", "moi:1", 42))).isFalse();
            results.append(record("p1", "moi:1", 42, true));
        }
        try (ResultsFile results = ResultsFile.open(file, "abc")) {
            assertThat(results.records()).hasSize(2);
        }
    }

    @Test
    void refusesToMixRunsOfOtherSettings() throws Exception {
        Path file = dir.resolve("results.jsonl");
        try (ResultsFile results = ResultsFile.open(file, "abc")) {
            results.append(record("p1", "off", 42, true));
        }
        assertThatThrownBy(() -> ResultsFile.open(file, "other"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("other settings")
                .hasMessageContaining("line 1");
    }

    @Test
    void aCorruptLineInsideTheFileIsReportedWithItsNumber() throws Exception {
        Path file = dir.resolve("results.jsonl");
        Files.writeString(file, "{\"problem\":\"p1\",\"mode\":\"off\",\"seed\":42,\"settings\":\"abc\"}\nnot json\n");
        assertThatThrownBy(() -> ResultsFile.open(file, "abc")).hasMessageContaining("line 2");
    }
}
