package io.github.langchain4j.moi.testing;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * Tiny random models (F32, 64 wide, 2 layers where the loader allows, {@link TinyModel}'s SPM vocabulary) for each decoder-only text
 * architecture whose loader we know: the tensor names, shapes and hyper-parameters are those that llama.cpp's
 * {@code load_hparams}/{@code load_tensors} for the architecture require (read from {@code src/models/<arch>.cpp}
 * of the pinned current llama.cpp), and exactly those: a loader refuses a file with a tensor it does not use.
 * Where b4916 knows the architecture, the same file is meant to load there too (optional tensors that b4916
 * required, such as qwen2's q/k/v biases, are written).
 *
 * <p>Norm weights are 1 plus noise and biases small noise, so every tensor takes part in the result.
 */
public final class TinyArchModels {

    public static final int N_EMBD = 64, N_LAYER = 2, N_HEAD = 4, N_HEAD_KV = 2, HEAD_DIM = N_EMBD / N_HEAD,
            N_FF = 128, N_CTX_TRAIN = 512, N_EXPERT = 4, N_EXPERT_USED = 2, N_FF_EXP = 32;
    /** Granite's embedding multiplier in the written file: distinct from 1 and from sqrt(n_embd). */
    public static final float GRANITE_EMBEDDING_SCALE = 12f;

    /** What a layer (and the model around it) is made of. */
    private enum Part {
        OUTPUT,          // an output.weight of its own (else tied to token_embd)
        NORM_BIAS,       // LayerNorm with bias: attn_norm.bias, ffn_norm.bias, output_norm.bias
        QKV_BIAS,        // attn_q/k/v.bias
        FUSED_QKV,       // one attn_qkv.weight
        QK_NORM,         // attn_q_norm/attn_k_norm per head: {head_dim}
        QK_NORM_FULL,    // OLMo 2: attn_q_norm {n_embd}, attn_k_norm {n_head_kv * head_dim}
        QK_NORM_HEADS,   // StableLM: attn_q_norm {head_dim, n_head}, attn_k_norm {head_dim, n_head_kv}
        NO_ATTN_NORM,    // OLMo 2 normalizes after, not before
        NO_FFN_NORM,     // parallel attention and FFN (Command R)
        POST_NORMS,      // post_attention_norm, post_ffw_norm
        ATTN_OUT_BIAS,
        PLAIN_FFN,       // up/down without gate
        FFN_BIAS,        // ffn_up/ffn_down biases
        FUSED_UP,        // Phi-3: ffn_up holds gate and up, {n_embd, 2*n_ff}
        MOE              // router + experts instead of the dense FFN
    }

    private record Spec(Set<Part> parts, Map<String, Object> hparams) {
    }

    private static final Map<String, Spec> SPECS = new LinkedHashMap<>();

    static {
        spec("llama", Map.of(), Part.OUTPUT);
        spec("mistral3", Map.of(), Part.OUTPUT);
        spec("smollm3", Map.of(), Part.OUTPUT);
        spec("exaone", Map.of(), Part.OUTPUT);
        spec("granite", Map.of("logit_scale", 3f, "residual_scale", 0.5f, "embedding_scale", GRANITE_EMBEDDING_SCALE,
                "attention.scale", 0.25f), Part.OUTPUT);
        spec("qwen2", Map.of(), Part.OUTPUT, Part.QKV_BIAS);
        spec("qwen3", Map.of(), Part.OUTPUT, Part.QK_NORM);
        spec("qwen3moe", Map.of("expert_count", N_EXPERT, "expert_used_count", N_EXPERT_USED,
                "expert_feed_forward_length", N_FF_EXP), Part.OUTPUT, Part.QK_NORM, Part.MOE);
        spec("gemma", Map.of());
        // b4916's Gemma 2 graph aborts the process for a layer count other than 26, 42 or 46 (its model sizes)
        spec("gemma2", Map.of("block_count", 26, "attention.sliding_window", 256, "attn_logit_softcapping", 50f,
                "final_logit_softcapping", 30f), Part.POST_NORMS);
        // every 6th Gemma 3 layer is global; with none, b4916 crashes setting the unused global mask (null buffer)
        spec("gemma3", Map.of("block_count", 6, "attention.sliding_window", 256), Part.POST_NORMS, Part.QK_NORM);
        // b4916 requires phi3.attention.sliding_window (current reads it and turns SWA off for Phi-3)
        spec("phi3", Map.of("attention.sliding_window", 2048), Part.OUTPUT, Part.FUSED_QKV, Part.FUSED_UP);
        spec("starcoder2", Map.of(), Part.OUTPUT, Part.NORM_BIAS, Part.QKV_BIAS, Part.ATTN_OUT_BIAS,
                Part.PLAIN_FFN, Part.FFN_BIAS);
        spec("olmo2", Map.of(), Part.OUTPUT, Part.NO_ATTN_NORM, Part.NO_FFN_NORM, Part.POST_NORMS, Part.QK_NORM_FULL);
        spec("stablelm", Map.of(), Part.OUTPUT, Part.NORM_BIAS, Part.QK_NORM_HEADS);
        spec("command-r", Map.of("logit_scale", 0.5f), Part.NO_FFN_NORM);
    }

    private static void spec(String arch, Map<String, Object> hparams, Part... parts) {
        Set<Part> set = parts.length == 0 ? EnumSet.noneOf(Part.class) : EnumSet.copyOf(Arrays.asList(parts));
        SPECS.put(arch, new Spec(set, hparams));
    }

    private TinyArchModels() {
    }

    /** The architectures this class can write, in table order. */
    public static List<String> architectures() {
        return List.copyOf(SPECS.keySet());
    }

    /** A writer holding the whole tiny model of {@code arch}. */
    public static GgufWriter writer(String arch, long seed) {
        Spec spec = SPECS.get(arch);
        if (spec == null) {
            throw new IllegalArgumentException("no tiny model for architecture '" + arch + "'; known: " + SPECS.keySet());
        }
        Set<Part> parts = spec.parts();
        String[] tokens = TinyModel.tokens();
        if (arch.equals("phi3")) {
            // llama.cpp's vocabulary loader looks this token up in every model whose name says phi3
            tokens = Arrays.copyOf(tokens, tokens.length + 1);
            tokens[tokens.length - 1] = "<|endoftext|>";
        }
        int nVocab = tokens.length;
        float[] scores = new float[nVocab];
        int[] types = new int[nVocab];
        for (int i = 0; i < nVocab; i++) {
            types[i] = i == 0 ? 2 : i < 3 || tokens[i].startsWith("<|") ? 3 : i < 259 ? 6 : 1; // UNKNOWN, CONTROL, BYTE, NORMAL
            scores[i] = i < 259 ? 0f : -(i - 259) * 0.01f;
        }
        String a = arch + ".";
        int nLayer = (Integer) spec.hparams().getOrDefault("block_count", N_LAYER);
        GgufWriter w = new GgufWriter()
                .put("general.architecture", arch)
                .put("general.name", "tiny-random-" + arch)
                .putU32("general.alignment", GgufWriter.ALIGNMENT)
                .putU32(a + "context_length", N_CTX_TRAIN)
                .putU32(a + "embedding_length", N_EMBD)
                .putU32(a + "block_count", nLayer)
                .putU32(a + "feed_forward_length", N_FF)
                .putU32(a + "attention.head_count", N_HEAD)
                .putU32(a + "attention.head_count_kv", N_HEAD_KV)
                .putF32(a + "attention.layer_norm_rms_epsilon", 1e-5f)
                .putF32(a + "attention.layer_norm_epsilon", 1e-5f)
                .putU32(a + "rope.dimension_count", HEAD_DIM)
                .putF32(a + "rope.freq_base", 10000f);
        for (Map.Entry<String, Object> hp : spec.hparams().entrySet()) {
            if (hp.getKey().equals("block_count")) {
                continue;
            }
            if (hp.getValue() instanceof Float f) {
                w.putF32(a + hp.getKey(), f);
            } else {
                w.putU32(a + hp.getKey(), (Integer) hp.getValue());
            }
        }
        w.put("tokenizer.ggml.model", "llama")
                .putArray("tokenizer.ggml.tokens", tokens)
                .putArray("tokenizer.ggml.scores", scores)
                .putArray("tokenizer.ggml.token_type", types)
                .putU32("tokenizer.ggml.bos_token_id", 1)
                .putU32("tokenizer.ggml.eos_token_id", TinyModel.EOS)
                .putU32("tokenizer.ggml.unknown_token_id", 0)
                .putBool("tokenizer.ggml.add_bos_token", true)
                .putBool("tokenizer.ggml.add_eos_token", false);

        Tensors t = new Tensors(w, new Random(seed));
        t.matrix("token_embd.weight", N_EMBD, nVocab, 1.0);
        t.norm("output_norm", parts.contains(Part.NORM_BIAS), N_EMBD);
        if (parts.contains(Part.OUTPUT)) {
            t.matrix("output.weight", N_EMBD, nVocab, 0.5);
        }
        int kvDim = HEAD_DIM * N_HEAD_KV;
        for (int l = 0; l < nLayer; l++) {
            String p = "blk." + l + ".";
            if (!parts.contains(Part.NO_ATTN_NORM)) {
                t.norm(p + "attn_norm", parts.contains(Part.NORM_BIAS), N_EMBD);
            }
            if (parts.contains(Part.FUSED_QKV)) {
                t.matrix(p + "attn_qkv.weight", N_EMBD, N_EMBD + 2 * kvDim);
            } else {
                t.matrix(p + "attn_q.weight", N_EMBD, N_EMBD);
                t.matrix(p + "attn_k.weight", N_EMBD, kvDim);
                t.matrix(p + "attn_v.weight", N_EMBD, kvDim);
            }
            if (parts.contains(Part.QKV_BIAS)) {
                t.bias(p + "attn_q.bias", N_EMBD);
                t.bias(p + "attn_k.bias", kvDim);
                t.bias(p + "attn_v.bias", kvDim);
            }
            t.matrix(p + "attn_output.weight", N_EMBD, N_EMBD);
            if (parts.contains(Part.ATTN_OUT_BIAS)) {
                t.bias(p + "attn_output.bias", N_EMBD);
            }
            if (parts.contains(Part.QK_NORM)) {
                t.ones(p + "attn_q_norm.weight", HEAD_DIM);
                t.ones(p + "attn_k_norm.weight", HEAD_DIM);
            } else if (parts.contains(Part.QK_NORM_FULL)) {
                t.ones(p + "attn_q_norm.weight", N_EMBD);
                t.ones(p + "attn_k_norm.weight", kvDim);
            } else if (parts.contains(Part.QK_NORM_HEADS)) {
                t.ones(p + "attn_q_norm.weight", HEAD_DIM, N_HEAD);
                t.ones(p + "attn_k_norm.weight", HEAD_DIM, N_HEAD_KV);
            }
            if (parts.contains(Part.POST_NORMS)) {
                t.ones(p + "post_attention_norm.weight", N_EMBD);
            }
            if (!parts.contains(Part.NO_FFN_NORM)) {
                t.norm(p + "ffn_norm", parts.contains(Part.NORM_BIAS), N_EMBD);
            }
            if (parts.contains(Part.MOE)) {
                t.matrix(p + "ffn_gate_inp.weight", N_EMBD, N_EXPERT);
                t.tensor(p + "ffn_gate_exps.weight", 1 / Math.sqrt(N_EMBD), N_EMBD, N_FF_EXP, N_EXPERT);
                t.tensor(p + "ffn_up_exps.weight", 1 / Math.sqrt(N_EMBD), N_EMBD, N_FF_EXP, N_EXPERT);
                t.tensor(p + "ffn_down_exps.weight", 1 / Math.sqrt(N_FF_EXP), N_FF_EXP, N_EMBD, N_EXPERT);
            } else {
                if (!parts.contains(Part.PLAIN_FFN) && !parts.contains(Part.FUSED_UP)) {
                    t.matrix(p + "ffn_gate.weight", N_EMBD, N_FF);
                }
                t.matrix(p + "ffn_up.weight", N_EMBD, parts.contains(Part.FUSED_UP) ? 2 * N_FF : N_FF);
                t.matrix(p + "ffn_down.weight", N_FF, N_EMBD);
                if (parts.contains(Part.FFN_BIAS)) {
                    t.bias(p + "ffn_up.bias", N_FF);
                    t.bias(p + "ffn_down.bias", N_EMBD);
                }
            }
            if (parts.contains(Part.POST_NORMS)) {
                t.ones(p + "post_ffw_norm.weight", N_EMBD);
            }
        }
        return w;
    }

    /** Adds random tensors to a writer. */
    private record Tensors(GgufWriter w, Random random) {

        /** A weight matrix {in, out} with std 1/sqrt(in), so activations keep their size. */
        void matrix(String name, int in, int out) {
            matrix(name, in, out, 1 / Math.sqrt(in));
        }

        void matrix(String name, int in, int out, double std) {
            tensor(name, std, in, out);
        }

        void tensor(String name, double std, long... ne) {
            int n = (int) Arrays.stream(ne).reduce(1, (x, y) -> x * y);
            float[] v = new float[n];
            for (int i = 0; i < n; i++) {
                v[i] = (float) (random.nextGaussian() * std);
            }
            w.tensor(name, ne, v);
        }

        /** A norm weight: 1 plus noise. */
        void ones(String name, long... ne) {
            int n = (int) Arrays.stream(ne).reduce(1, (x, y) -> x * y);
            float[] v = new float[n];
            for (int i = 0; i < n; i++) {
                v[i] = (float) (1 + 0.1 * random.nextGaussian());
            }
            w.tensor(name, ne, v);
        }

        void bias(String name, int n) {
            tensor(name, 0.1, n);
        }

        void norm(String prefix, boolean withBias, int n) {
            ones(prefix + ".weight", n);
            if (withBias) {
                bias(prefix + ".bias", n);
            }
        }
    }
}
