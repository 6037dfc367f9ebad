package io.github.langchain4j.moi.llamacpp;

import io.github.langchain4j.moi.testing.TinyArchModels;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs {@link ArchitectureCheck} on every architecture of the tiny-model kit for one runtime, writes the table
 * column to {@code target/architectures-<runtime>.md} (docs/architectures.md is assembled from both), and checks
 * it against what the engine uses: the lines of {@code verified-architectures.txt} for this runtime.
 */
final class ArchitectureTable {

    private ArchitectureTable() {
    }

    static List<ArchitectureCheck.Outcome> verify(ArchitectureCheck check, Set<String> required) {
        String runtime = check.runtime();
        long start = System.nanoTime();
        List<ArchitectureCheck.Outcome> outcomes = new ArrayList<>();
        for (String arch : TinyArchModels.architectures()) {
            outcomes.add(check.check(arch));
        }
        long millis = (System.nanoTime() - start) / 1_000_000;
        StringBuilder table = new StringBuilder("| architecture | " + runtime + " |\n|---|---|\n");
        Set<String> measured = new TreeSet<>();
        for (ArchitectureCheck.Outcome o : outcomes) {
            table.append("| ").append(o.arch()).append(" | ").append(o.cell().replace("|", "/")).append(" |\n");
            if (o.verified()) {
                measured.add(runtime + " " + o.arch() + " " + o.scale().label);
            }
        }
        table.append("\n").append(outcomes.size()).append(" architectures checked in ").append(millis).append(" ms\n");
        write(runtime, table.toString());
        System.out.println(table);
        // the relative distance of every candidate scale: the controls that show the check can fail
        outcomes.forEach(o -> System.out.println(o.arch() + ": " + o.detail()));

        assertThat(outcomes).as("architectures that load on %s but whose embedding path does not match", runtime)
                .filteredOn(o -> o.loaded() && !o.verified()).isEmpty();
        for (String arch : required) {
            assertThat(outcomes).as("%s verified on %s", arch, runtime)
                    .anyMatch(o -> o.arch().equals(arch) && o.verified());
        }
        assertThat(VerifiedArchitectures.lines(runtime))
                .as("verified-architectures.txt for %s (what the engine uses) against the measurement", runtime)
                .containsExactlyInAnyOrderElementsOf(measured);
        for (ArchitectureCheck.Outcome o : outcomes) {
            if (o.verified()) {
                assertThat(VerifiedArchitectures.inputScale(runtime, o.arch(), TinyArchModels.N_EMBD))
                        .as("engine's input scale for %s on %s", o.arch(), runtime)
                        .isEqualTo((float) o.scale().value(o.arch()));
            }
        }
        return outcomes;
    }

    private static void write(String runtime, String table) {
        try {
            Path dir = Path.of(System.getProperty("basedir", "."), "target");
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("architectures-" + runtime + ".md"), table);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
