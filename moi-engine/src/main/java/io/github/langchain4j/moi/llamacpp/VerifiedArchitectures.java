package io.github.langchain4j.moi.llamacpp;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The architectures whose MoI input path (a token's embedding row through {@code batch.embd} gives the same
 * logits as the token id) is verified per llama.cpp runtime, with the input scale that makes it so. Read from
 * {@value #RESOURCE}, lines {@code runtime architecture scale}; the scale is {@code 1} (the graph scales token
 * rows and embedding rows alike, or neither) or {@code sqrt(n_embd)} (the graph scales token rows only, as
 * Gemma 3 does: the embd path is meant for image embeddings). The file is what {@code B4916ArchitecturesTest}
 * and {@code CurrentArchitecturesTest} measure on tiny models of every architecture; they fail when it differs.
 */
public final class VerifiedArchitectures {

    static final String RESOURCE = "/io/github/langchain4j/moi/engine/verified-architectures.txt";
    /** Runtime names in the file: {@link LlamaLibraries.Generation} in lower case. */
    public static final String B4916 = "b4916", CURRENT = "current";

    private static final Map<String, Map<String, String>> SCALES = read();

    private VerifiedArchitectures() {
    }

    /** The runtime column of the file for a runtime. */
    static String key(LlamaRuntime runtime) {
        return runtime == LlamaRuntime.B4916 ? B4916 : CURRENT;
    }

    /** The architectures verified on a runtime ({@value #B4916} or {@value #CURRENT}). */
    public static Set<String> of(String runtime) {
        return new TreeSet<>(SCALES.getOrDefault(runtime, Map.of()).keySet());
    }

    public static boolean isVerified(String runtime, String architecture) {
        return SCALES.getOrDefault(runtime, Map.of()).containsKey(architecture);
    }

    /**
     * The factor by which a token's {@code token_embd} row must be multiplied before it goes through
     * {@code batch.embd}; 1 for an architecture that is not verified (where MoI is not meant to run).
     */
    public static float inputScale(String runtime, String architecture, int nEmbd) {
        String scale = SCALES.getOrDefault(runtime, Map.of()).getOrDefault(architecture, "1");
        return scale.equals("sqrt(n_embd)") ? (float) Math.sqrt(nEmbd) : 1f;
    }

    /** The file's lines for one runtime, as written ({@code runtime architecture scale}). */
    static List<String> lines(String runtime) {
        List<String> lines = new ArrayList<>();
        SCALES.getOrDefault(runtime, Map.of()).forEach((arch, scale) -> lines.add(runtime + " " + arch + " " + scale));
        return lines;
    }

    private static Map<String, Map<String, String>> read() {
        Map<String, Map<String, String>> scales = new HashMap<>();
        try (InputStream in = VerifiedArchitectures.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("resource " + RESOURCE + " is missing from the build");
            }
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            String line;
            int number = 0;
            while ((line = reader.readLine()) != null) {
                number++;
                line = line.strip();
                if (line.isEmpty() || line.startsWith("#")) {
                    continue;
                }
                String[] f = line.split("\\s+");
                if (f.length != 3 || !(f[2].equals("1") || f[2].equals("sqrt(n_embd)"))) {
                    throw new IllegalStateException(RESOURCE + " line " + number + " is not 'runtime architecture scale' "
                            + "with scale 1 or sqrt(n_embd): " + line);
                }
                scales.computeIfAbsent(f[0], k -> new java.util.LinkedHashMap<>()).put(f[1], f[2]);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return scales;
    }
}
