package io.github.langchain4j.moi.llamacpp;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The committed list of b4916's architectures equals what b4916's loader knows among the current generation's
 * names (b4916 knows no name that the current one dropped: its list is probed from the current one's). Own JVM
 * (b4916 only).
 */
class ArchitectureListsTest {

    @Test
    void b4916_list_is_what_its_loader_knows(@TempDir Path dir) throws Exception {
        List<String> current = ArchitectureProbe.resource("architectures-current.txt");
        Set<String> known = ArchitectureProbe.known(LlamaBinding.bundled(), current, dir);
        assertThat(new TreeSet<>(LlamaArchitectures.of(LlamaRuntime.B4916)))
                .as("architectures-b4916.txt should be:\n%s", ArchitectureProbe.listing(known))
                .isEqualTo(known);
        assertThat(known).contains("llama", "qwen2", "gemma3").doesNotContain("qwen3", "gemma3n", "smollm3");
    }
}
