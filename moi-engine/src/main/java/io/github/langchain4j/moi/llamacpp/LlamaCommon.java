package io.github.langchain4j.moi.llamacpp;

import com.sun.jna.Callback;
import com.sun.jna.Library;
import com.sun.jna.Pointer;
import com.sun.jna.Structure;
import com.sun.jna.Structure.FieldOrder;

/**
 * The part of llama.cpp's C API (llama.h, gguf.h, ggml.h) whose signatures and struct layouts are the same in both
 * supported generations: b4916 ({@link LlamaCpp}) and the pinned current one ({@link LlamaCppCurrent}) extend it,
 * and JNA binds inherited methods by name, so code that needs only these works on either library. What differs
 * (model and context parameters, the KV cache calls, the penalties sampler) is reached through {@link LlamaBinding}.
 *
 * <p>Opaque pointers ({@code llama_model*}, {@code llama_context*}, {@code llama_vocab*},
 * {@code llama_sampler*}, {@code gguf_context*}) are plain {@link Pointer}s.
 */
interface LlamaCommon extends Library {

    // --- backend, logging -------------------------------------------------------------------------

    void llama_backend_init();

    void llama_log_set(LogCallback callback, Pointer userData);

    boolean llama_supports_gpu_offload();

    /** {@code void (*ggml_log_callback)(enum ggml_log_level level, const char * text, void * user_data)} */
    interface LogCallback extends Callback {
        void invoke(int level, String text, Pointer userData);
    }

    // --- model and context ------------------------------------------------------------------------

    void llama_model_free(Pointer model);

    void llama_free(Pointer ctx);

    Pointer llama_model_get_vocab(Pointer model);

    int llama_model_n_embd(Pointer model);

    int llama_model_n_ctx_train(Pointer model);

    int llama_model_meta_val_str(Pointer model, String key, byte[] buf, long bufSize);

    Pointer llama_model_chat_template(Pointer model, String name);

    int llama_n_ctx(Pointer ctx);

    int llama_n_batch(Pointer ctx);

    // --- vocabulary -------------------------------------------------------------------------------

    int llama_vocab_n_tokens(Pointer vocab);

    boolean llama_vocab_is_eog(Pointer vocab, int token);

    boolean llama_vocab_is_control(Pointer vocab, int token);

    boolean llama_vocab_get_add_bos(Pointer vocab);

    int llama_vocab_bos(Pointer vocab);

    int llama_vocab_eos(Pointer vocab);

    int llama_tokenize(Pointer vocab, byte[] text, int textLen, int[] tokens, int nTokensMax,
                       boolean addSpecial, boolean parseSpecial);

    int llama_token_to_piece(Pointer vocab, int token, byte[] buf, int length, int lstrip, boolean special);

    int llama_chat_apply_template(String tmpl, Pointer chat, long nMsg, boolean addAss, byte[] buf, int length);

    // --- decoding ---------------------------------------------------------------------------------

    int llama_decode(Pointer ctx, Batch.ByValue batch);

    Pointer llama_get_logits_ith(Pointer ctx, int i);

    // --- sampling ---------------------------------------------------------------------------------

    SamplerChainParams.ByValue llama_sampler_chain_default_params();

    Pointer llama_sampler_chain_init(SamplerChainParams.ByValue params);

    void llama_sampler_chain_add(Pointer chain, Pointer sampler);

    Pointer llama_sampler_init_greedy();

    Pointer llama_sampler_init_dist(int seed);

    Pointer llama_sampler_init_top_k(int k);

    Pointer llama_sampler_init_top_p(float p, long minKeep);

    Pointer llama_sampler_init_min_p(float p, long minKeep);

    Pointer llama_sampler_init_temp(float t);

    Pointer llama_sampler_init_grammar(Pointer vocab, String grammar, String root);

    int llama_sampler_sample(Pointer sampler, Pointer ctx, int idx);

    /** {@code cur_p} is a {@code llama_token_data_array*}: see {@link TokenDataArray}. */
    void llama_sampler_apply(Pointer sampler, Pointer curP);

    void llama_sampler_accept(Pointer sampler, int token);

    void llama_sampler_free(Pointer sampler);

    // --- gguf / ggml ------------------------------------------------------------------------------

    Pointer gguf_init_from_file(String path, GgufInitParams.ByValue params);

    void gguf_free(Pointer gguf);

    int gguf_get_version(Pointer gguf);

    long gguf_get_data_offset(Pointer gguf);

    long gguf_find_key(Pointer gguf, String key);

    int gguf_get_kv_type(Pointer gguf, long keyId);

    String gguf_get_val_str(Pointer gguf, long keyId);

    long gguf_get_n_tensors(Pointer gguf);

    long gguf_find_tensor(Pointer gguf, String name);

    String gguf_get_tensor_name(Pointer gguf, long tensorId);

    long gguf_get_tensor_offset(Pointer gguf, long tensorId);

    int gguf_get_tensor_type(Pointer gguf, long tensorId);

    long gguf_get_tensor_size(Pointer gguf, long tensorId);

    /** Returns a pointer into a static table of {@code struct ggml_type_traits} (never freed). */
    Pointer ggml_get_type_traits(int type);

    // --- structures shared by both generations (x86-64 / aarch64 LP64 layouts) -----------------------

    /** {@code struct llama_batch}, 56 bytes, passed by value; its arrays are ours (see {@link NativeModel}). */
    @FieldOrder({"n_tokens", "token", "embd", "pos", "n_seq_id", "seq_id", "logits"})
    class Batch extends Structure {
        public int n_tokens;
        public Pointer token;
        public Pointer embd;
        public Pointer pos;
        public Pointer n_seq_id;
        public Pointer seq_id;
        public Pointer logits;

        public static class ByValue extends Batch implements Structure.ByValue {
        }
    }

    /** {@code struct llama_sampler_chain_params}: one bool. */
    @FieldOrder({"no_perf"})
    class SamplerChainParams extends Structure {
        public byte no_perf;

        public static class ByValue extends SamplerChainParams implements Structure.ByValue {
        }
    }

    /** {@code struct gguf_init_params}, 16 bytes. */
    @FieldOrder({"no_alloc", "ctx"})
    class GgufInitParams extends Structure {
        public byte no_alloc;
        public Pointer ctx;

        public static class ByValue extends GgufInitParams implements Structure.ByValue {
        }
    }

    /** Offsets in {@code struct ggml_type_traits} (read through a Pointer; the table is static). */
    final class TypeTraits {
        static final int TYPE_NAME = 0;
        static final int BLCK_SIZE = 8;
        static final int TYPE_SIZE = 24;
        static final int TO_FLOAT = 40;

        private TypeTraits() {
        }
    }

    /** gguf value types (enum gguf_type). */
    int GGUF_TYPE_UINT32 = 4;
    int GGUF_TYPE_INT32 = 5;
    int GGUF_TYPE_STRING = 8;

    /** ggml_type ids used here. */
    int GGML_TYPE_F32 = 0;

    /**
     * Offsets in {@code struct llama_token_data_array { llama_token_data * data; size_t size; int64_t selected;
     * bool sorted; }} and its elements {@code llama_token_data { int32 id; float logit; float p; }}, written
     * through plain memory because the samplers change the array in place (64-bit platforms only, like the
     * libraries in java-llama.cpp's jar).
     */
    final class TokenDataArray {
        static final int DATA = 0;
        static final int SIZE = 8;
        static final int SELECTED = 16;
        static final int SORTED = 24;
        static final int BYTES = 32;
        static final int ELEMENT_BYTES = 12;

        private TokenDataArray() {
        }
    }
}
