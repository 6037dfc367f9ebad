package io.github.langchain4j.moi.samples.examples;

import io.github.langchain4j.moi.samples.cli.MoiCli;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** rag's documents are read with the file checks: no endless read of a device, no nameless decoding error. */
class RagDocsTest {

    private static String run(int expectedCode, String... args) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = MoiCli.run(new PrintStream(new ByteArrayOutputStream()), new PrintStream(err, true,
                StandardCharsets.UTF_8), args);
        String text = err.toString(StandardCharsets.UTF_8);
        assertThat(code).as(text).isEqualTo(expectedCode);
        return text;
    }

    @Test
    @EnabledOnOs({OS.LINUX, OS.MAC})
    void aDeviceAsDocumentIsRefusedByNameInsteadOfRunningOutOfMemory() {
        String err = run(1, "rag", "--model", "/no/such/model.gguf", "--docs", "/dev/zero", "--", "question");

        assertThat(err).contains("document /dev/zero", "not a regular file").doesNotContain("OutOfMemoryError");
    }

    @Test
    void aNonUtf8DocumentIsNamed(@TempDir Path dir) throws Exception {
        Path doc = Files.write(dir.resolve("latin1.txt"), new byte[] {'n', 'a', (byte) 0xEF, 'v', 'e'});

        String err = run(1, "rag", "--model", "/no/such/model.gguf", "--docs", doc.toString(), "--", "question");

        assertThat(err).contains(doc.toString(), "not valid UTF-8");
    }
}
