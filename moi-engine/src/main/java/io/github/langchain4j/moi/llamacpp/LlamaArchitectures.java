package io.github.langchain4j.moi.llamacpp;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * The values of {@code general.architecture} each llama.cpp generation's loader knows, from the resources
 * {@code architectures-b4916.txt} and {@code architectures-current.txt} (how each list was made is written at its
 * top; {@code ArchitectureListsTest} checks them against the libraries). Neither library exports its table, and a
 * model of an unknown architecture is refused in Java with a message that says which llama.cpp knows it.
 */
final class LlamaArchitectures {

    private static final Map<LlamaRuntime, Set<String>> KNOWN = new EnumMap<>(Map.of(
            LlamaRuntime.B4916, read("architectures-b4916.txt"),
            LlamaRuntime.CURRENT, read("architectures-current.txt")));

    private LlamaArchitectures() {
    }

    static Set<String> of(LlamaRuntime runtime) {
        return KNOWN.get(runtime);
    }

    private static Set<String> read(String resource) {
        Set<String> names = new LinkedHashSet<>();
        try (InputStream in = LlamaArchitectures.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + resource);
            }
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            for (String line; (line = reader.readLine()) != null; ) {
                line = line.strip();
                if (!line.isEmpty() && !line.startsWith("#")) {
                    names.add(line);
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + resource, e);
        }
        return Set.copyOf(names);
    }
}
