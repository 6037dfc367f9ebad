package io.github.langchain4j.moi.llamacpp;

import com.sun.jna.Pointer;
import com.sun.jna.Structure;
import com.sun.jna.Structure.FieldOrder;

/**
 * The plain C API of the current llama.cpp generation (the one {@code scripts/llama-native.sh} builds:
 * llama-cpp-sys-2 0.1.161, whose {@code llama.h} is that of b11434), as exported by {@code libllama} and,
 * through its dependencies, {@code libggml-base} (gguf and type traits). Declares this generation's
 * equivalents of what {@link LlamaCpp} declares; the layouts and what changed since b4916
 * are in {@code docs/native-current.md}. {@link LlamaLibraries} identifies a library as this generation
 * before anything here is called.
 *
 * <p>What is unchanged since b4916 (the functions and structs the engine uses most) is in {@link LlamaCommon}.
 */
interface LlamaCppCurrent extends LlamaCommon {

    // --- identity, backends -------------------------------------------------------------------------

    /** ggml's own version ("0.26.0" for the pinned build), from libggml-base. */
    String ggml_version();

    /** The commit ggml was built from; "unknown" when built from an archive without git metadata. */
    String ggml_commit();

    /** Devices registered with ggml; 0 means the backends were built as loadable modules and not loaded yet. */
    long ggml_backend_dev_count();

    /** Loads backend modules ({@code libggml-cpu*.so}, ...) from a folder (builds with GGML_BACKEND_DL=ON). */
    void ggml_backend_load_all_from_path(String dir);

    // --- model and context ------------------------------------------------------------------------

    ModelParams.ByValue llama_model_default_params();

    ContextParams.ByValue llama_context_default_params();

    Pointer llama_model_load_from_file(String path, ModelParams.ByValue params);

    Pointer llama_init_from_model(Pointer model, ContextParams.ByValue params);

    /** Width of the input embeddings ({@code batch.embd} rows); differs from n_embd for a few architectures. */
    int llama_model_n_embd_inp(Pointer model);

    // --- memory (KV cache) ------------------------------------------------------------------------

    /** The context's memory (KV cache); replaces the {@code llama_kv_self_*} family of b4916. */
    Pointer llama_get_memory(Pointer ctx);

    /** {@code data = true} also clears the buffers (b4916's {@code llama_kv_self_clear} did). */
    void llama_memory_clear(Pointer mem, boolean data);

    /** C bool, read as a byte (see {@link #llama_model_is_recurrent}): false where it cannot cut the sequence there. */
    byte llama_memory_seq_rm(Pointer mem, int seqId, int p0, int p1);

    int llama_memory_seq_pos_max(Pointer mem, int seqId);

    /**
     * Copies a sequence's cells to another. Between two sequences' own caches (kv_unified off) only whole caches,
     * {@code p0 = p1 = -1}: anything else aborts the process. The data is copied at the next decode.
     */
    void llama_memory_seq_cp(Pointer mem, int seqIdSrc, int seqIdDst, int p0, int p1);

    /**
     * C bool, read as a byte: JNA's {@code boolean} reads the whole return register, whose upper bytes C leaves
     * undefined.
     */
    byte llama_model_is_recurrent(Pointer model);

    byte llama_model_is_hybrid(Pointer model);

    // --- sampling ---------------------------------------------------------------------------------

    /** Takes the vocabulary size first again (b4916 had four arguments): a 4-argument call shifts them all. */
    Pointer llama_sampler_init_penalties(int nVocab, int lastN, float repeat, float freq, float present);

    // --- structures (x86-64 / aarch64 LP64 layouts of the pinned headers) ---------------------------

    /** {@code enum llama_flash_attn_type} (was a bool {@code flash_attn} at b4916). */
    int FLASH_ATTN_AUTO = -1;
    int FLASH_ATTN_DISABLED = 0;
    int FLASH_ATTN_ENABLED = 1;

    /** {@code enum llama_load_mode} (replaced the bools {@code use_mmap} / {@code use_mlock}). */
    int LOAD_MODE_AUTO = -1;
    int LOAD_MODE_NONE = 0;
    int LOAD_MODE_MMAP = 1;

    /** {@code struct llama_model_params}, 80 bytes. */
    @FieldOrder({"devices", "tensor_buft_overrides", "n_gpu_layers", "split_mode", "load_mode", "lazy_mode",
            "main_gpu", "tensor_split", "progress_callback", "progress_callback_user_data", "kv_overrides",
            "vocab_only", "check_tensors", "use_extra_bufts", "no_host", "no_alloc", "load_mtp"})
    class ModelParams extends Structure {
        public Pointer devices;
        public Pointer tensor_buft_overrides;
        public int n_gpu_layers;
        public int split_mode;
        public int load_mode;
        public int lazy_mode;
        public int main_gpu;
        public Pointer tensor_split;
        public Pointer progress_callback;
        public Pointer progress_callback_user_data;
        public Pointer kv_overrides;
        public byte vocab_only;
        public byte check_tensors;
        public byte use_extra_bufts;
        public byte no_host;
        public byte no_alloc;
        public byte load_mtp;

        public static class ByValue extends ModelParams implements Structure.ByValue {
        }
    }

    /** {@code struct llama_context_params}, 160 bytes. */
    @FieldOrder({"n_ctx", "n_batch", "n_ubatch", "n_seq_max", "n_rs_seq", "n_outputs_max", "n_outputs_max_per_seq",
            "n_threads", "n_threads_batch", "ctx_type", "rope_scaling_type", "pooling_type", "attention_type",
            "flash_attn_type", "rope_freq_base", "rope_freq_scale", "yarn_ext_factor", "yarn_attn_factor",
            "yarn_beta_fast", "yarn_beta_slow", "yarn_orig_ctx", "defrag_thold", "cb_eval", "cb_eval_user_data",
            "type_k", "type_v", "abort_callback", "abort_callback_data", "embeddings", "offload_kqv", "no_perf",
            "op_offload", "swa_full", "kv_unified", "samplers", "n_samplers", "ctx_other"})
    class ContextParams extends Structure {
        public int n_ctx;
        public int n_batch;
        public int n_ubatch;
        public int n_seq_max;
        public int n_rs_seq;
        public int n_outputs_max;
        public int n_outputs_max_per_seq;
        public int n_threads;
        public int n_threads_batch;
        public int ctx_type;
        public int rope_scaling_type;
        public int pooling_type;
        public int attention_type;
        public int flash_attn_type;
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
        public Pointer abort_callback;
        public Pointer abort_callback_data;
        public byte embeddings;
        public byte offload_kqv;
        public byte no_perf;
        public byte op_offload;
        public byte swa_full;
        public byte kv_unified;
        public Pointer samplers;
        public long n_samplers;
        public Pointer ctx_other;

        public static class ByValue extends ContextParams implements Structure.ByValue {
        }
    }
}
