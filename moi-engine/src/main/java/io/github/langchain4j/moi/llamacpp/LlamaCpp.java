package io.github.langchain4j.moi.llamacpp;

import com.sun.jna.Callback;
import com.sun.jna.Library;
import com.sun.jna.Pointer;
import com.sun.jna.Structure;
import com.sun.jna.Structure.FieldOrder;

/**
 * The plain C API of llama.cpp b4916 (llama.h, gguf.h, ggml.h) as exported by java-llama.cpp's
 * {@code libjllama}. Only the functions this library calls are declared. Struct layouts follow the
 * b4916 headers exactly (C bool = 1-byte {@code byte} field); {@code NativeLayoutTest} reads the
 * defaults back so that a layout error fails a test instead of a user's JVM.
 *
 * <p>Opaque pointers ({@code llama_model*}, {@code llama_context*}, {@code llama_vocab*},
 * {@code llama_sampler*}, {@code gguf_context*}) are plain {@link Pointer}s.
 */
interface LlamaCpp extends Library {

    // --- backend, logging -------------------------------------------------------------------------

    void llama_backend_init();

    void llama_log_set(LogCallback callback, Pointer userData);

    boolean llama_supports_gpu_offload();

    /** {@code void (*ggml_log_callback)(enum ggml_log_level level, const char * text, void * user_data)} */
    interface LogCallback extends Callback {
        void invoke(int level, String text, Pointer userData);
    }

    // --- model and context ------------------------------------------------------------------------

    ModelParams.ByValue llama_model_default_params();

    ContextParams.ByValue llama_context_default_params();

    Pointer llama_model_load_from_file(String path, ModelParams.ByValue params);

    void llama_model_free(Pointer model);

    Pointer llama_init_from_model(Pointer model, ContextParams.ByValue params);

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

    void llama_kv_self_clear(Pointer ctx);

    boolean llama_kv_self_seq_rm(Pointer ctx, int seqId, int p0, int p1);

    int llama_kv_self_seq_pos_max(Pointer ctx, int seqId);

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

    Pointer llama_sampler_init_penalties(int lastN, float repeat, float freq, float present);

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

    // --- structures (b4916, x86-64 / aarch64 LP64 layouts) -----------------------------------------

    /** {@code struct llama_model_params}, 64 bytes. */
    @FieldOrder({"devices", "n_gpu_layers", "split_mode", "main_gpu", "tensor_split", "progress_callback",
            "progress_callback_user_data", "kv_overrides", "vocab_only", "use_mmap", "use_mlock", "check_tensors"})
    class ModelParams extends Structure {
        public Pointer devices;
        public int n_gpu_layers;
        public int split_mode;
        public int main_gpu;
        public Pointer tensor_split;
        public Pointer progress_callback;
        public Pointer progress_callback_user_data;
        public Pointer kv_overrides;
        public byte vocab_only;
        public byte use_mmap;
        public byte use_mlock;
        public byte check_tensors;

        public static class ByValue extends ModelParams implements Structure.ByValue {
        }
    }

    /** {@code struct llama_context_params}, 120 bytes. */
    @FieldOrder({"n_ctx", "n_batch", "n_ubatch", "n_seq_max", "n_threads", "n_threads_batch", "rope_scaling_type",
            "pooling_type", "attention_type", "rope_freq_base", "rope_freq_scale", "yarn_ext_factor",
            "yarn_attn_factor", "yarn_beta_fast", "yarn_beta_slow", "yarn_orig_ctx", "defrag_thold", "cb_eval",
            "cb_eval_user_data", "type_k", "type_v", "logits_all", "embeddings", "offload_kqv", "flash_attn",
            "no_perf", "abort_callback", "abort_callback_data"})
    class ContextParams extends Structure {
        public int n_ctx;
        public int n_batch;
        public int n_ubatch;
        public int n_seq_max;
        public int n_threads;
        public int n_threads_batch;
        public int rope_scaling_type;
        public int pooling_type;
        public int attention_type;
        public float rope_freq_base;
        public float rope_freq_scale;
        public float yarn_ext_factor;
        public float yarn_attn_factor;
        public float yarn_beta_fast;
        public float yarn_beta_slow;
        public int yarn_orig_ctx;
        public float defrag_thold;
        public Pointer cb_eval;
        public Pointer cb_eval_user_data;
        public int type_k;
        public int type_v;
        public byte logits_all;
        public byte embeddings;
        public byte offload_kqv;
        public byte flash_attn;
        public byte no_perf;
        public Pointer abort_callback;
        public Pointer abort_callback_data;

        public static class ByValue extends ContextParams implements Structure.ByValue {
        }
    }

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
