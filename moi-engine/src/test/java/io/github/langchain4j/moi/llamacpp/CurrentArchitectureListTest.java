package io.github.langchain4j.moi.llamacpp;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/** The current generation's loader knows every name of architectures-current.txt. Own JVM (current only). */
class CurrentArchitectureListTest {

    @Test
    void current_loader_knows_every_listed_architecture(@TempDir Path dir) throws Exception {
        LlamaBinding binding = LlamaBinding.select(CurrentBuild.folder());
        List<String> listed = ArchitectureProbe.resource("architectures-current.txt");
        assertThat(ArchitectureProbe.known(binding, listed, dir)).isEqualTo(new TreeSet<>(listed));
        assertThat(ArchitectureProbe.known(binding, List.of("no-such-architecture"), dir)).isEmpty();
    }

    @Test
    void the_bundled_b4916_is_refused_once_the_current_one_runs_in_this_jvm() {
        LlamaBinding.select(CurrentBuild.folder());
        org.assertj.core.api.Assertions.assertThatThrownBy(LlamaBinding::bundled)
                .isInstanceOf(LlamaCppException.class)
                .hasMessageContaining("the current llama.cpp is loaded in this JVM")
                .hasMessageContaining("one llama.cpp per JVM");
        assertThat(NativeLibrary.loadedFrom()).isNull();
    }
}
