package io.github.langchain4j.moi.model;

import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fetches the default model for real with the machine's pip (network on the first run; later runs find it
 * in the default cache folder, which the other integration tests share).
 */
class ModelFetchIT {

    @Test
    void resolvesTheDefaultModelWithPip() throws Exception {
        ModelCache cache = new ModelCache();

        Path file = cache.resolve(KnownModel.DEFAULT);

        assertThat(file).isEqualTo(cache.directory().resolve("qwen2.5-coder-0.5b-instruct-q4.gguf"));
        assertThat(Files.size(file)).isEqualTo(491_400_064L);
        assertThat(Files.readString(file.resolveSibling(file.getFileName() + ".sha256")))
                .startsWith("1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32");
        try (InputStream in = Files.newInputStream(file)) {
            assertThat(new String(in.readNBytes(4), StandardCharsets.US_ASCII)).isEqualTo("GGUF");
        }
        assertThat(cache.resolve(KnownModel.DEFAULT)).isEqualTo(file);
    }
}
