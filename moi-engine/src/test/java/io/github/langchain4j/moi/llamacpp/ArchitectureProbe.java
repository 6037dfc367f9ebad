package io.github.langchain4j.moi.llamacpp;

import io.github.langchain4j.moi.testing.GgufWriter;
import com.sun.jna.Pointer;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Asks a loaded llama.cpp which architecture names its loader knows: a metadata-only GGUF per name, loaded through
 * the binding; the loader says "unknown model architecture" for a name it does not know and fails later (no
 * context length) for one it knows. This is how {@code architectures-b4916.txt} was made.
 */
final class ArchitectureProbe {

    private ArchitectureProbe() {
    }

    /** The names of {@code candidates} that the library's loader knows. */
    static Set<String> known(LlamaBinding binding, List<String> candidates, Path dir) {
        List<String> log = new ArrayList<>();
        LlamaCommon.LogCallback capture = (level, text, user) -> {
            if (text != null) {
                log.add(text);
            }
        };
        binding.lib().llama_log_set(capture, null);
        Set<String> known = new TreeSet<>();
        for (String name : candidates) {
            Path file = new GgufWriter().put("general.architecture", name).write(dir.resolve("probe.gguf"));
            log.clear();
            Pointer model = binding.loadModel(file.toString(), 0, false);
            if (model != null) {
                binding.lib().llama_model_free(model);
                throw new AssertionError("a GGUF without hyper-parameters loaded as '" + name + "'");
            }
            String said = String.join("", log);
            if (!said.contains("unknown model architecture")) {
                known.add(name);
            }
        }
        return known;
    }

    /** The names in a resource list of this package (comments and blank lines left out). */
    static List<String> resource(String name) throws IOException {
        try (InputStream in = ArchitectureProbe.class.getResourceAsStream(name)) {
            return Arrays.stream(new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n"))
                    .map(String::strip).filter(line -> !line.isEmpty() && !line.startsWith("#")).toList();
        }
    }

    static String listing(Set<String> names) {
        return String.join("\n", names);
    }

    static Path tempDir() throws IOException {
        return Files.createTempDirectory("arch-probe");
    }
}
