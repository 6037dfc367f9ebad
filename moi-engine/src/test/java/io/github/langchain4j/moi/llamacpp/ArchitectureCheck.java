package io.github.langchain4j.moi.llamacpp;

import com.sun.jna.Pointer;
import io.github.langchain4j.moi.testing.GgufWriter;
import io.github.langchain4j.moi.testing.TinyArchModels;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.github.langchain4j.moi.testing.Logits.maxAbs;
import static io.github.langchain4j.moi.testing.Logits.maxAbsDiff;

/**
 * Checks the MoI input path of one architecture on one llama.cpp runtime with a tiny random model: the next-token
 * logits after feeding a token's {@code token_embd} row, times a candidate input scale, through {@code batch.embd}
 * must equal those after feeding the token id (tolerance of EmbeddingPathIT: 1e-3 of the largest logit), for
 * several tokens and positions, every input in a batch of its own on both paths. The scale is measured, not
 * assumed: each candidate the graphs of llama.cpp use (1, sqrt(n_embd), the file's embedding multiplier and its
 * inverse) is tried, and the one that matches is recorded, together with how far the others are. It runs on the
 * engine's own {@link LlamaBinding}, so what differs between the runtimes (parameter structs, KV-cache calls) is
 * the code the engine runs, written once.
 */
final class ArchitectureCheck {

    /** How a candidate scale is named in the table and the resource file. */
    enum Scale {
        ONE("1"), SQRT_N_EMBD("sqrt(n_embd)"), EMBEDDING_SCALE("embedding_scale"), INVERSE_EMBEDDING_SCALE("1/embedding_scale");

        final String label;

        Scale(String label) {
            this.label = label;
        }

        double value(String arch) {
            return switch (this) {
                case ONE -> 1;
                case SQRT_N_EMBD -> Math.sqrt(TinyArchModels.N_EMBD);
                case EMBEDDING_SCALE -> arch.startsWith("granite") ? TinyArchModels.GRANITE_EMBEDDING_SCALE : Double.NaN;
                case INVERSE_EMBEDDING_SCALE -> arch.startsWith("granite") ? 1 / TinyArchModels.GRANITE_EMBEDDING_SCALE : Double.NaN;
            };
        }
    }

    /** One table cell: verified with a scale, or not, and why. */
    record Outcome(String arch, boolean loaded, Scale scale, String detail) {
        boolean verified() {
            return scale != null;
        }

        String cell() {
            if (verified()) {
                return "verified, scale " + scale.label;
            }
            return loaded ? "NOT verified: " + detail : "not loadable: " + detail;
        }
    }

    static final float TOLERANCE = 1e-3f;
    private static final int[] PROMPT = {1, 262, 280, 300, 270, 290, 310, 265};

    private final LlamaBinding binding;
    private final LlamaCommon lib;
    private final Path dir;
    private final StringBuilder errors = new StringBuilder();
    // kept strongly reachable while native code may call it
    private final LlamaCpp.LogCallback callback = (level, text, user) -> {
        if (level == 4 && text != null) { // GGML_LOG_LEVEL_ERROR
            errors.append(text);
        }
    };

    ArchitectureCheck(LlamaBinding binding, Path dir) {
        this.binding = binding;
        this.lib = binding.lib();
        this.dir = dir;
        lib.llama_log_set(callback, null);
    }

    /** The runtime's column in the table and in {@code verified-architectures.txt}. */
    String runtime() {
        return VerifiedArchitectures.key(binding.runtime());
    }

    Outcome check(String arch) {
        GgufWriter writer = TinyArchModels.writer(arch, 11);
        Path file = writer.write(dir.resolve("tiny-" + arch + ".gguf"));
        float[] table = writer.f32Tensor("token_embd.weight");
        errors.setLength(0);
        System.err.println("checking " + arch + " on " + runtime()); // names the culprit if llama.cpp aborts
        Pointer model = binding.loadModel(file.toString(), 0, true);
        if (model == null) {
            return new Outcome(arch, false, null, reason());
        }
        Pointer ctx = binding.newContext(model, 64, 16, 16, 1, 1);
        if (ctx == null) {
            lib.llama_model_free(model);
            return new Outcome(arch, false, null, "no context: " + reason());
        }
        try {
            return measure(arch, model, ctx, table);
        } finally {
            lib.llama_free(ctx);
            lib.llama_model_free(model);
        }
    }

    /** The first line of what llama.cpp logged as errors while loading. */
    private String reason() {
        String text = errors.toString().strip();
        for (String line : text.split("\n")) {
            String l = line.strip();
            if (l.contains("error loading model:")) {
                return l.substring(l.indexOf("error loading model:") + 20).strip();
            }
        }
        return text.isEmpty() ? "(nothing logged)" : text.split("\n")[0].strip();
    }

    private Outcome measure(String arch, Pointer model, Pointer ctx, float[] table) {
        int nVocab = lib.llama_vocab_n_tokens(lib.llama_model_get_vocab(model));
        int nEmbd = TinyArchModels.N_EMBD;
        // per candidate: the worst relative difference over all (token, position) pairs
        Map<Scale, Double> worst = new LinkedHashMap<>();
        int[] ys = {265, 300, 17, nVocab - 1};
        int[] positions = {3, 7};
        for (int pos : positions) {
            for (int y : ys) {
                binding.clearMemory(ctx);
                check(RawBatch.decode(lib, ctx, PROMPT, 0, pos, null), arch);
                check(RawBatch.decode(lib, ctx, new int[]{y}, pos, 1, null), arch);
                float[] viaToken = lib.llama_get_logits_ith(ctx, 0).getFloatArray(0, nVocab);
                float maxAbs = maxAbs(viaToken);
                if (!(maxAbs > 1e-3f) || !Float.isFinite(maxAbs)) {
                    return new Outcome(arch, true, null, "token-path logits are degenerate (max |logit| " + maxAbs + ")");
                }
                for (Scale scale : Scale.values()) {
                    double s = scale.value(arch);
                    if (Double.isNaN(s)) {
                        continue;
                    }
                    float[] row = new float[nEmbd];
                    for (int i = 0; i < nEmbd; i++) {
                        row[i] = (float) (s * table[y * nEmbd + i]);
                    }
                    binding.removeFromMemory(ctx, 0, pos);
                    check(RawBatch.decode(lib, ctx, new int[]{y}, pos, 1, row), arch);
                    float[] viaEmbd = lib.llama_get_logits_ith(ctx, 0).getFloatArray(0, nVocab);
                    worst.merge(scale, (double) (maxAbsDiff(viaToken, viaEmbd) / maxAbs), Math::max);
                }
            }
        }
        List<Scale> matching = new ArrayList<>();
        worst.forEach((scale, d) -> {
            if (d <= TOLERANCE) {
                matching.add(scale);
            }
        });
        String distances = distances(worst);
        if (matching.size() != 1) {
            return new Outcome(arch, true, null, (matching.isEmpty() ? "no candidate scale matches" : "several scales match")
                    + " (" + distances + ")");
        }
        return new Outcome(arch, true, matching.get(0), distances);
    }

    private static String distances(Map<Scale, Double> worst) {
        StringBuilder sb = new StringBuilder();
        worst.forEach((scale, d) -> sb.append(sb.length() == 0 ? "" : ", ").append(scale.label).append(": ")
                .append(String.format(java.util.Locale.ROOT, "%.1e", d)));
        return sb.toString();
    }

    private static void check(int rc, String arch) {
        if (rc != 0) {
            throw new IllegalStateException("llama_decode returned " + rc + " for " + arch);
        }
    }
}
