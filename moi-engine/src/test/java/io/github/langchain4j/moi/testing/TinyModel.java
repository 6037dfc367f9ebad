package io.github.langchain4j.moi.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A tiny random llama-architecture model that llama.cpp b4916 loads: 64-wide, 2 layers, 4 heads (2 KV heads),
 * an SPM vocabulary of specials, all 256 byte tokens (SPM byte fallback needs them) and some word pieces.
 * Weights are random with a fixed seed, so every run writes the same file. The output rows of the special
 * tokens are zero, which keeps end-of-generation unlikely: generations run to their length limit.
 */
public final class TinyModel {

    public static final int N_EMBD = 64, N_LAYER = 2, N_HEAD = 4, N_HEAD_KV = 2, N_FF = 128, N_CTX_TRAIN = 256;
    public static final int EOS = 2;
    private static final int HEAD_DIM = N_EMBD / N_HEAD;
    private static final String[] WORDS = {"the", "quick", "brown", "fox", "jumps", "over", "lazy", "dog", "hello",
            "world", "once", "upon", "a", "time", "there", "was", "cat", "and", "then", "it"};
    private static final String[] PIECES = {"th", "he", "er", "in", "an", "on", "at", "en", "es", "or"};

    /**
     * A reasoning template written like the DeepSeek-R1 distills': their GGUF's user and assistant parts (tool calls
     * left out; earlier answers cut after {@code </think>}), with the later revision's generation prompt that opens the
     * thinking segment ({@code <think>\n}).
     */
    public static final String R1_TEMPLATE = "{% if not add_generation_prompt is defined %}{% set add_generation_prompt = false %}{% endif %}"
            + "{% set ns = namespace(system_prompt='') %}{%- for message in messages %}{%- if message['role'] == 'system' %}"
            + "{% set ns.system_prompt = message['content'] %}{%- endif %}{%- endfor %}{{bos_token}}{{ns.system_prompt}}"
            + "{%- for message in messages %}{%- if message['role'] == 'user' %}{{'<｜User｜>' + message['content']}}{%- endif %}"
            + "{%- if message['role'] == 'assistant' %}{% set content = message['content'] %}"
            + "{% if '</think>' in content %}{% set content = content.split('</think>')[-1] %}{% endif %}"
            + "{{'<｜Assistant｜>' + content + '<｜end▁of▁sentence｜>'}}{%- endif %}{%- endfor -%}"
            + "{% if add_generation_prompt %}{{'<｜Assistant｜><think>\\n'}}{% endif %}";

    private static Path shared;

    private TinyModel() {
    }

    /** The vocabulary: &lt;unk&gt;, &lt;s&gt;, &lt;/s&gt;, &lt;0x00&gt;..&lt;0xFF&gt;, then word pieces. */
    public static String[] tokens() {
        List<String> tokens = new ArrayList<>(List.of("<unk>", "<s>", "</s>"));
        for (int b = 0; b < 256; b++) {
            tokens.add(String.format("<0x%02X>", b));
        }
        tokens.add("\u2581");
        for (String w : WORDS) {
            tokens.add("\u2581" + w);
        }
        for (String p : PIECES) {
            tokens.add(p);
        }
        for (char c = 'a'; c <= 'z'; c++) {
            tokens.add(String.valueOf(c));
        }
        for (String s : new String[]{".", ",", "!", "?"}) {
            tokens.add(s);
        }
        return tokens.toArray(String[]::new);
    }

    /** Each token's llama_token_type: NORMAL 1, UNKNOWN 2, CONTROL 3, BYTE 6. */
    public static int[] tokenTypes() {
        int[] types = new int[tokens().length];
        for (int i = 0; i < types.length; i++) {
            types[i] = i == 0 ? 2 : i < 3 ? 3 : i < 259 ? 6 : 1;
        }
        return types;
    }

    /** A writer holding the whole model; {@code embdType} is the ggml type of token_embd.weight (F32, F16 or Q8_0). */
    public static GgufWriter writer(long seed, int embdType) {
        int nVocab = tokens().length;
        Random random = new Random(seed);
        GgufWriter w = new GgufWriter()
                .put("general.architecture", "llama")
                .put("general.name", "tiny-random-llama")
                .putU32("general.alignment", GgufWriter.ALIGNMENT)
                .putU32("llama.context_length", N_CTX_TRAIN)
                .putU32("llama.embedding_length", N_EMBD)
                .putU32("llama.block_count", N_LAYER)
                .putU32("llama.feed_forward_length", N_FF)
                .putU32("llama.attention.head_count", N_HEAD)
                .putU32("llama.attention.head_count_kv", N_HEAD_KV)
                .putF32("llama.attention.layer_norm_rms_epsilon", 1e-5f)
                .putU32("llama.rope.dimension_count", HEAD_DIM)
                .putF32("llama.rope.freq_base", 10000f);
        putVocabulary(w);

        float[] embd = gaussian(random, N_EMBD * nVocab, 1.0);
        byte[] embdBytes = switch (embdType) {
            case GgufWriter.GGML_F32 -> GgufWriter.f32(embd);
            case GgufWriter.GGML_F16 -> GgufWriter.f16(embd);
            case GgufWriter.GGML_Q8_0 -> GgufWriter.q8_0(embd);
            default -> throw new IllegalArgumentException("token_embd type " + embdType);
        };
        w.tensor("token_embd.weight", embdType, new long[]{N_EMBD, nVocab}, embdBytes);
        w.tensor("output_norm.weight", new long[]{N_EMBD}, ones(N_EMBD));
        float[] output = gaussian(random, N_EMBD * nVocab, 0.5);
        java.util.Arrays.fill(output, 0, 3 * N_EMBD, 0f); // <unk>, <s>, </s> get logit 0: rarely chosen
        w.tensor("output.weight", new long[]{N_EMBD, nVocab}, output);
        int kvDim = HEAD_DIM * N_HEAD_KV;
        double s = 1 / Math.sqrt(N_EMBD);
        for (int l = 0; l < N_LAYER; l++) {
            String p = "blk." + l + ".";
            w.tensor(p + "attn_norm.weight", new long[]{N_EMBD}, ones(N_EMBD));
            w.tensor(p + "attn_q.weight", new long[]{N_EMBD, N_EMBD}, gaussian(random, N_EMBD * N_EMBD, s));
            w.tensor(p + "attn_k.weight", new long[]{N_EMBD, kvDim}, gaussian(random, N_EMBD * kvDim, s));
            w.tensor(p + "attn_v.weight", new long[]{N_EMBD, kvDim}, gaussian(random, N_EMBD * kvDim, s));
            w.tensor(p + "attn_output.weight", new long[]{N_EMBD, N_EMBD}, gaussian(random, N_EMBD * N_EMBD, s));
            w.tensor(p + "ffn_norm.weight", new long[]{N_EMBD}, ones(N_EMBD));
            w.tensor(p + "ffn_gate.weight", new long[]{N_EMBD, N_FF}, gaussian(random, N_EMBD * N_FF, s));
            w.tensor(p + "ffn_up.weight", new long[]{N_EMBD, N_FF}, gaussian(random, N_EMBD * N_FF, s));
            w.tensor(p + "ffn_down.weight", new long[]{N_FF, N_EMBD}, gaussian(random, N_FF * N_EMBD, 1 / Math.sqrt(N_FF)));
        }
        return w;
    }

    /**
     * A tiny random Mamba model (architecture {@code mamba}: recurrent layers, no attention, no KV cache) with the
     * same vocabulary: llama.cpp keeps one state per sequence and cannot cut it back to a position.
     */
    public static GgufWriter mambaWriter(long seed) {
        int dInner = 2 * N_EMBD, dState = 8, dConv = 4, dtRank = 4;
        int nVocab = tokens().length;
        Random random = new Random(seed);
        GgufWriter w = new GgufWriter()
                .put("general.architecture", "mamba")
                .put("general.name", "tiny-random-mamba")
                .putU32("general.alignment", GgufWriter.ALIGNMENT)
                .putU32("mamba.context_length", N_CTX_TRAIN)
                .putU32("mamba.embedding_length", N_EMBD)
                .putU32("mamba.block_count", N_LAYER)
                .putU32("mamba.feed_forward_length", 0)
                .putU32("mamba.attention.head_count", 0)
                .putF32("mamba.attention.layer_norm_rms_epsilon", 1e-5f)
                .putU32("mamba.ssm.conv_kernel", dConv)
                .putU32("mamba.ssm.inner_size", dInner)
                .putU32("mamba.ssm.state_size", dState)
                .putU32("mamba.ssm.time_step_rank", dtRank);
        putVocabulary(w);
        w.tensor("token_embd.weight", new long[]{N_EMBD, nVocab}, gaussian(random, N_EMBD * nVocab, 1.0));
        w.tensor("output_norm.weight", new long[]{N_EMBD}, ones(N_EMBD));
        float[] output = gaussian(random, N_EMBD * nVocab, 0.5);
        java.util.Arrays.fill(output, 0, 3 * N_EMBD, 0f);
        w.tensor("output.weight", new long[]{N_EMBD, nVocab}, output);
        double s = 1 / Math.sqrt(N_EMBD);
        for (int l = 0; l < N_LAYER; l++) {
            String p = "blk." + l + ".";
            float[] a = new float[dState * dInner]; // A = -exp(A_log): negative, so the state decays
            for (int i = 0; i < a.length; i++) {
                a[i] = -(1 + i % dState);
            }
            w.tensor(p + "attn_norm.weight", new long[]{N_EMBD}, ones(N_EMBD));
            w.tensor(p + "ssm_in.weight", new long[]{N_EMBD, 2 * dInner}, gaussian(random, N_EMBD * 2 * dInner, s));
            w.tensor(p + "ssm_conv1d.weight", new long[]{dConv, dInner}, gaussian(random, dConv * dInner, 0.5));
            w.tensor(p + "ssm_conv1d.bias", new long[]{dInner}, gaussian(random, dInner, 0.1));
            w.tensor(p + "ssm_x.weight", new long[]{dInner, dtRank + 2 * dState},
                    gaussian(random, dInner * (dtRank + 2 * dState), 1 / Math.sqrt(dInner)));
            w.tensor(p + "ssm_dt.weight", new long[]{dtRank, dInner}, gaussian(random, dtRank * dInner, 0.5));
            w.tensor(p + "ssm_dt.bias", new long[]{dInner}, gaussian(random, dInner, 0.1));
            w.tensor(p + "ssm_a", new long[]{dState, dInner}, a);
            w.tensor(p + "ssm_d", new long[]{dInner}, ones(dInner));
            w.tensor(p + "ssm_out.weight", new long[]{dInner, N_EMBD}, gaussian(random, dInner * N_EMBD, 1 / Math.sqrt(dInner)));
        }
        return w;
    }

    /** The tokenizer's keys, the same for every tiny model: byte tokens score 0, then falling by 0.01 a token. */
    private static void putVocabulary(GgufWriter w) {
        String[] tokens = tokens();
        float[] scores = new float[tokens.length];
        for (int i = 0; i < tokens.length; i++) {
            scores[i] = i < 259 ? 0f : -(i - 259) * 0.01f;
        }
        w.put("tokenizer.ggml.model", "llama")
                .putArray("tokenizer.ggml.tokens", tokens)
                .putArray("tokenizer.ggml.scores", scores)
                .putArray("tokenizer.ggml.token_type", tokenTypes())
                .putU32("tokenizer.ggml.bos_token_id", 1)
                .putU32("tokenizer.ggml.eos_token_id", EOS)
                .putU32("tokenizer.ggml.unknown_token_id", 0)
                .putBool("tokenizer.ggml.add_bos_token", true)
                .putBool("tokenizer.ggml.add_eos_token", false);
    }

    /** Writes the F32 model with seed 1 to {@code file}. */
    public static Path write(Path file) {
        return writer(1, GgufWriter.GGML_F32).write(file);
    }

    /** One F32 model file per JVM, in a temporary folder removed at exit. */
    public static synchronized Path shared() {
        if (shared == null) {
            try {
                Path dir = Files.createTempDirectory("moi-tiny-model");
                dir.toFile().deleteOnExit();
                shared = write(dir.resolve("tiny-llama.gguf"));
                shared.toFile().deleteOnExit();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return shared;
    }

    private static float[] gaussian(Random random, int n, double std) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (random.nextGaussian() * std);
        }
        return v;
    }

    private static float[] ones(int n) {
        float[] v = new float[n];
        java.util.Arrays.fill(v, 1f);
        return v;
    }
}
