package io.github.langchain4j.moi.llamacpp;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The model path is checked before anything reads it, whoever loads the model (CLI, builder, Spring). */
class GgufFilePathTest {

    @TempDir
    Path dir;

    @Test
    void anEmptyPathIsNamedAsSuch() {
        assertThatThrownBy(() -> GgufFile.read(Path.of("")))
                .isInstanceOf(BadModelFileException.class).hasMessageContaining("model path is empty");
    }

    @Test
    void aDirectoryIsNamedAsSuch() {
        assertThatThrownBy(() -> GgufFile.read(dir))
                .isInstanceOf(BadModelFileException.class).hasMessageContaining("directory").hasMessageContaining(dir.toString());
    }

    @Test
    @EnabledOnOs({OS.LINUX, OS.MAC})
    void devicesAreNotRegularFilesNotMissingOnes() {
        for (String device : new String[] {"/dev/zero", "/dev/null"}) {
            assertThatThrownBy(() -> GgufFile.read(Path.of(device)))
                    .isInstanceOf(BadModelFileException.class)
                    .hasMessageContaining("not a regular file").hasMessageContaining(device)
                    .hasMessageNotContaining("not found");
        }
    }

    @Test
    void aSymbolicLinkLoopIsNamedAsSuch() throws IOException {
        Path a = dir.resolve("a.gguf");
        Path b = dir.resolve("b.gguf");
        Files.createSymbolicLink(a, b);
        Files.createSymbolicLink(b, a);

        assertThatThrownBy(() -> GgufFile.read(a))
                .isInstanceOf(BadModelFileException.class).hasMessageContaining("symbolic link loop");
    }

    @Test
    void aMissingFileIsNotFound() {
        Path missing = dir.resolve("missing.gguf");
        assertThatThrownBy(() -> GgufFile.read(missing))
                .isInstanceOf(BadModelFileException.class).hasMessageContaining("not found").hasMessageContaining(missing.toString());
    }
}
