package io.github.langchain4j.moi.llamacpp;

import com.sun.jna.Function;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import io.github.langchain4j.moi.testing.TestModels;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static io.github.langchain4j.moi.testing.Logits.maxAbs;
import static io.github.langchain4j.moi.testing.Logits.maxAbsDiff;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Proof that the current-generation layouts are right on a real model: the default model (Qwen2.5, qwen2) loads
 * through {@link LlamaCppCurrent}, a prompt decodes, the logits name the obvious next token, the llama_memory_*
 * calls see the positions, and the same token fed as its embedding row through {@code batch.embd} gives the same
 * logits as feeding its id. Own JVM (surefire forks per class): see {@link LlamaLibraries}.
 */
class CurrentDecodeSmokeTest {

    private static LlamaCppCurrent lib;
    private static Path modelPath;
    private static Pointer model;
    private static Pointer ctx;
    private static Pointer vocab;
    private static int nVocab;
    private static int nEmbd;

    @BeforeAll
    static void load() {
        lib = CurrentBuild.load();
        modelPath = TestModels.defaultModel();
        LlamaCppCurrent.ModelParams.ByValue mp = lib.llama_model_default_params();
        mp.n_gpu_layers = 0;
        model = lib.llama_model_load_from_file(modelPath.toString(), mp);
        assertThat(model).as("model loaded").isNotNull();
        LlamaCppCurrent.ContextParams.ByValue cp = lib.llama_context_default_params();
        cp.n_ctx = 256;
        cp.n_batch = 64;
        cp.n_ubatch = 64;
        cp.n_threads = 2;
        cp.n_threads_batch = 2;
        cp.flash_attn_type = LlamaCppCurrent.FLASH_ATTN_DISABLED;
        ctx = lib.llama_init_from_model(model, cp);
        assertThat(ctx).as("context created").isNotNull();
        vocab = lib.llama_model_get_vocab(model);
        nVocab = lib.llama_vocab_n_tokens(vocab);
        nEmbd = lib.llama_model_n_embd(model);
    }

    @AfterAll
    static void free() {
        if (ctx != null) {
            lib.llama_free(ctx);
        }
        if (model != null) {
            lib.llama_model_free(model);
        }
    }

    @Test
    void model_facts_read_back() {
        assertThat(nVocab).isEqualTo(151936);
        assertThat(nEmbd).isEqualTo(896);
        assertThat(lib.llama_model_n_embd_inp(model)).isEqualTo(896);
        assertThat(lib.llama_n_ctx(ctx)).isEqualTo(256);
        assertThat(lib.llama_n_batch(ctx)).isEqualTo(64);
        byte[] arch = new byte[64];
        int n = lib.llama_model_meta_val_str(model, "general.architecture", arch, arch.length);
        assertThat(new String(arch, 0, n, StandardCharsets.UTF_8)).isEqualTo("qwen2");
        assertThat(lib.llama_model_chat_template(model, null).getString(0)).contains("<|im_start|>");
    }

    @Test
    void prompt_decodes_and_the_logits_name_the_next_token() {
        int[] tokens = tokenize("The capital of France is");
        Pointer mem = lib.llama_get_memory(ctx);
        lib.llama_memory_clear(mem, true);
        assertThat(decode(tokens, 0, null)).isZero();
        assertThat(lib.llama_memory_seq_pos_max(mem, 0)).isEqualTo(tokens.length - 1);
        float[] logits = lib.llama_get_logits_ith(ctx, tokens.length - 1).getFloatArray(0, nVocab);
        assertThat(piece(argmax(logits))).isEqualTo(" Paris");
        // the greedy sampler sees the same logits
        Pointer chain = lib.llama_sampler_chain_init(lib.llama_sampler_chain_default_params());
        lib.llama_sampler_chain_add(chain, lib.llama_sampler_init_penalties(nVocab, 64, 1.0f, 0.0f, 0.0f));
        lib.llama_sampler_chain_add(chain, lib.llama_sampler_init_greedy());
        assertThat(lib.llama_sampler_sample(chain, ctx, tokens.length - 1)).isEqualTo(argmax(logits));
        lib.llama_sampler_free(chain);
        assertThat(lib.llama_memory_seq_rm(mem, 0, 2, -1)).isEqualTo((byte) 1);
        assertThat(lib.llama_memory_seq_pos_max(mem, 0)).isEqualTo(1);
        lib.llama_memory_clear(mem, true);
        assertThat(lib.llama_memory_seq_pos_max(mem, 0)).isEqualTo(-1);
    }

    @Test
    void an_embedding_row_through_batch_embd_gives_the_token_logits() throws IOException {
        int[] tokens = tokenize("The quick brown fox jumps over the lazy");
        int last = tokens[tokens.length - 1];
        Pointer mem = lib.llama_get_memory(ctx);
        lib.llama_memory_clear(mem, true);
        // the last input alone in both paths: batches of different shapes may take different kernels
        assertThat(decode(java.util.Arrays.copyOf(tokens, tokens.length - 1), 0, null)).isZero();
        assertThat(decode(new int[]{last}, tokens.length - 1, null)).isZero();
        float[] viaToken = lib.llama_get_logits_ith(ctx, 0).getFloatArray(0, nVocab);
        assertThat(lib.llama_memory_seq_rm(mem, 0, tokens.length - 1, -1)).isEqualTo((byte) 1);
        assertThat(decode(new int[]{last}, tokens.length - 1, embeddingRow(last))).isZero();
        float[] viaEmbd = lib.llama_get_logits_ith(ctx, 0).getFloatArray(0, nVocab);
        float maxAbs = maxAbs(viaToken);
        assertThat(maxAbs).isGreaterThan(1f);
        assertThat(maxAbsDiff(viaToken, viaEmbd)).isLessThanOrEqualTo(1e-3f * maxAbs);
    }

    @Test
    void chat_template_renders_with_the_models_template() {
        Memory messages = new Memory(2L * Native.POINTER_SIZE);
        Memory role = new Memory(8);
        role.setString(0, "user");
        Memory content = new Memory(8);
        content.setString(0, "hi");
        messages.setPointer(0, role);
        messages.setPointer(Native.POINTER_SIZE, content);
        byte[] buf = new byte[256];
        int n = lib.llama_chat_apply_template(lib.llama_model_chat_template(model, null).getString(0),
                messages, 1, true, buf, buf.length);
        assertThat(new String(buf, 0, n, StandardCharsets.UTF_8)).endsWith("<|im_start|>user\nhi<|im_end|>\n<|im_start|>assistant\n");
    }

    private static int[] tokenize(String text) {
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        int[] out = new int[64];
        int n = lib.llama_tokenize(vocab, utf8, utf8.length, out, out.length, false, false);
        assertThat(n).isPositive();
        return java.util.Arrays.copyOf(out, n);
    }

    private static String piece(int token) {
        byte[] buf = new byte[64];
        int n = lib.llama_token_to_piece(vocab, token, buf, buf.length, 0, false);
        return new String(buf, 0, n, StandardCharsets.UTF_8);
    }

    /** Decodes tokens at positions start.., by id, or (rows != null) as embedding rows; logits for the last. */
    private static int decode(int[] tokens, int start, float[] rows) {
        return RawBatch.decode(lib, ctx, tokens, start, tokens.length, rows);
    }

    /** The token's row of token_embd.weight, read from the file and dequantized with ggml's to_float. */
    private static float[] embeddingRow(int token) throws IOException {
        LlamaCpp.GgufInitParams.ByValue params = new LlamaCpp.GgufInitParams.ByValue();
        params.no_alloc = 1;
        Pointer gguf = lib.gguf_init_from_file(modelPath.toString(), params);
        assertThat(gguf).isNotNull();
        try {
            long id = lib.gguf_find_tensor(gguf, "token_embd.weight");
            assertThat(id).isNotNegative();
            int type = lib.gguf_get_tensor_type(gguf, id);
            long offset = lib.gguf_get_data_offset(gguf) + lib.gguf_get_tensor_offset(gguf, id);
            assertThat(lib.gguf_get_tensor_size(gguf, id) % nVocab).isZero();
            long rowBytes = lib.gguf_get_tensor_size(gguf, id) / nVocab;
            byte[] quantized = new byte[(int) rowBytes];
            try (RandomAccessFile file = new RandomAccessFile(modelPath.toFile(), "r")) {
                file.seek(offset + token * rowBytes);
                file.readFully(quantized);
            }
            Pointer traits = lib.ggml_get_type_traits(type);
            Memory src = new Memory(rowBytes);
            src.write(0, quantized, 0, quantized.length);
            Memory dst = new Memory((long) nEmbd * Float.BYTES);
            Function.getFunction(traits.getPointer(LlamaCpp.TypeTraits.TO_FLOAT))
                    .invoke(Void.class, new Object[]{src, dst, (long) nEmbd});
            return dst.getFloatArray(0, nEmbd);
        } finally {
            lib.gguf_free(gguf);
        }
    }

    private static int argmax(float[] values) {
        int best = 0;
        for (int i = 1; i < values.length; i++) {
            if (values[i] > values[best]) {
                best = i;
            }
        }
        return best;
    }
}
