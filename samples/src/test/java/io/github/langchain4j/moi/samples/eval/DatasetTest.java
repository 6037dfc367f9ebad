package io.github.langchain4j.moi.samples.eval;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DatasetTest {

    @TempDir
    Path dir;

    private Path file(String... lines) throws Exception {
        Path file = dir.resolve("mine.jsonl");
        Files.write(file, List.of(lines));
        return file;
    }

    @Test
    void readsEveryCheckAndSkipsBlankLines() throws Exception {
        List<Problem> problems = Dataset.read(file(
                "{\"id\": \"a\", \"prompt\": \"Capital of France? End with Answer: X\", \"answer\": \"Paris\", "
                        + "\"check\": \"exact\"}",
                "",
                "{\"id\": \"b\", \"prompt\": \"6*7?\", \"answer\": 42, \"check\": \"number\"}",
                "{\"id\": \"c\", \"prompt\": \"Sort cost?\", \"answer\": \"n log n\", \"check\": \"CONTAINS\"}",
                "{\"id\": \"d\", \"prompt\": \"Make 24\", \"answer\": {\"target\": 24, \"numbers\": [4, 6, 1, 1]}, "
                        + "\"check\": \"countdown\"}"));
        assertThat(problems).extracting(Problem::id).containsExactly("a", "b", "c", "d");
        assertThat(problems).extracting(Problem::check)
                .containsExactly(Check.EXACT, Check.NUMBER, Check.CONTAINS, Check.COUNTDOWN);
        assertThat(problems.get(1).answer()).isEqualTo("42");
        assertThat(problems.get(3).numbers()).containsExactly(4L, 6L, 1L, 1L);
        assertThat(problems.get(3).answer()).isEqualTo("24");
        assertThat(problems.get(3).isCorrect("Answer: 4 * 6 * 1 * 1")).isTrue();
    }

    @Test
    void aBadLineIsNamedByItsNumber() throws Exception {
        String good = "{\"id\": \"a\", \"prompt\": \"p\", \"answer\": \"x\", \"check\": \"exact\"}";
        assertThatThrownBy(() -> Dataset.read(file(good, "", "{\"id\": \"b\", oops}")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("mine.jsonl line 3")
                .hasMessageContaining("not valid JSON");
        assertThatThrownBy(() -> Dataset.read(file(good, "{\"id\": \"b\", \"prompt\": \"p\", \"check\": \"exact\"}")))
                .hasMessageContaining("line 2").hasMessageContaining("missing field 'answer'");
        assertThatThrownBy(() -> Dataset.read(file("{\"id\": \"b\", \"prompt\": \"p\", \"answer\": 1, "
                + "\"check\": \"fuzzy\"}"))).hasMessageContaining("line 1").hasMessageContaining("unknown check 'fuzzy'");
        assertThatThrownBy(() -> Dataset.read(file("{\"id\": \"b\", \"prompt\": \"p\", \"answer\": \"ten\", "
                + "\"check\": \"number\"}"))).hasMessageContaining("line 1").hasMessageContaining("not a number");
        assertThatThrownBy(() -> Dataset.read(file("{\"id\": \"b\", \"prompt\": \"p\", \"answer\": 24, "
                + "\"check\": \"countdown\"}"))).hasMessageContaining("line 1").hasMessageContaining("\"target\"");
        assertThatThrownBy(() -> Dataset.read(file(good, good))).hasMessageContaining("line 2")
                .hasMessageContaining("duplicate id 'a'");
        assertThatThrownBy(() -> Dataset.read(file("[1, 2]"))).hasMessageContaining("line 1")
                .hasMessageContaining("JSON object");
        assertThatThrownBy(() -> Dataset.read(file("", " "))).hasMessageContaining("no problems");
    }
}
