package io.github.langchain4j.moi.llamacpp;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Guards the JNA layouts of {@link LlamaCppCurrent} against the built current llama.cpp: sizes as the pinned
 * headers give them, and defaults read back through our layouts equal to what llama_*_default_params() set
 * (a shifted field reads back wrong and fails here, not in a user's JVM). Own JVM: see {@link LlamaLibraries}.
 */
class CurrentLayoutTest {

    private final LlamaCppCurrent lib = CurrentBuild.load();

    @Test
    void struct_sizes_match_the_pinned_headers() {
        assertThat(new LlamaCppCurrent.ModelParams().size()).isEqualTo(80);
        assertThat(new LlamaCppCurrent.ContextParams().size()).isEqualTo(160);
        assertThat(new LlamaCpp.Batch().size()).isEqualTo(56);
        assertThat(new LlamaCpp.GgufInitParams().size()).isEqualTo(16);
        assertThat(new LlamaCpp.SamplerChainParams().size()).isEqualTo(1);
    }

    @Test
    void field_offsets_match_the_pinned_headers() {
        ModelParamsOffsets m = new ModelParamsOffsets();
        assertThat(m.offset("n_gpu_layers")).isEqualTo(16);
        assertThat(m.offset("tensor_split")).isEqualTo(40);
        assertThat(m.offset("vocab_only")).isEqualTo(72);
        assertThat(m.offset("load_mtp")).isEqualTo(77);
        ContextParamsOffsets c = new ContextParamsOffsets();
        assertThat(c.offset("n_threads")).isEqualTo(28);
        assertThat(c.offset("flash_attn_type")).isEqualTo(52);
        assertThat(c.offset("rope_freq_base")).isEqualTo(56);
        assertThat(c.offset("cb_eval")).isEqualTo(88);
        assertThat(c.offset("type_k")).isEqualTo(104);
        assertThat(c.offset("abort_callback")).isEqualTo(112);
        assertThat(c.offset("embeddings")).isEqualTo(128);
        assertThat(c.offset("kv_unified")).isEqualTo(133);
        assertThat(c.offset("samplers")).isEqualTo(136);
        assertThat(c.offset("ctx_other")).isEqualTo(152);
    }

    @Test
    void model_params_defaults_read_back() {
        LlamaCppCurrent.ModelParams p = lib.llama_model_default_params();
        assertThat(p.devices).isNull();
        assertThat(p.tensor_buft_overrides).isNull();
        assertThat(p.n_gpu_layers).isEqualTo(-1); // all layers
        assertThat(p.split_mode).isEqualTo(1); // LLAMA_SPLIT_MODE_LAYER
        assertThat(p.load_mode).isEqualTo(LlamaCppCurrent.LOAD_MODE_AUTO);
        assertThat(p.lazy_mode).isEqualTo(1); // LLAMA_LAZY_MODE_AUTO
        assertThat(p.main_gpu).isZero();
        assertThat(p.tensor_split).isNull();
        assertThat(p.progress_callback).isNull();
        assertThat(p.kv_overrides).isNull();
        assertThat(new byte[]{p.vocab_only, p.check_tensors, p.use_extra_bufts, p.no_host, p.no_alloc, p.load_mtp})
                .containsExactly(0, 0, 1, 0, 0, 0);
    }

    @Test
    void context_params_defaults_read_back() {
        LlamaCppCurrent.ContextParams p = lib.llama_context_default_params();
        assertThat(new int[]{p.n_ctx, p.n_batch, p.n_ubatch, p.n_seq_max, p.n_rs_seq, p.n_outputs_max,
                p.n_outputs_max_per_seq, p.n_threads, p.n_threads_batch}).containsExactly(512, 2048, 512, 1, 0, 0, 1, 4, 4);
        assertThat(p.ctx_type).isZero();
        assertThat(new int[]{p.rope_scaling_type, p.pooling_type, p.attention_type}).containsExactly(-1, -1, -1);
        assertThat(p.flash_attn_type).isEqualTo(LlamaCppCurrent.FLASH_ATTN_AUTO);
        assertThat(new float[]{p.rope_freq_base, p.rope_freq_scale, p.yarn_ext_factor, p.yarn_attn_factor,
                p.yarn_beta_fast, p.yarn_beta_slow, p.defrag_thold}).containsExactly(0f, 0f, -1f, -1f, -1f, -1f, -1f);
        assertThat(p.yarn_orig_ctx).isZero();
        assertThat(p.cb_eval).isNull();
        assertThat(p.type_k).isEqualTo(1); // GGML_TYPE_F16
        assertThat(p.type_v).isEqualTo(1);
        assertThat(p.abort_callback).isNull();
        assertThat(new byte[]{p.embeddings, p.offload_kqv, p.no_perf, p.op_offload, p.swa_full, p.kv_unified})
                .containsExactly(0, 1, 1, 1, 1, 0);
        assertThat(p.samplers).isNull();
        assertThat(p.n_samplers).isZero();
        assertThat(p.ctx_other).isNull();
    }

    @Test
    void sampler_chain_params_default_reads_back() {
        assertThat(lib.llama_sampler_chain_default_params().no_perf).isEqualTo((byte) 1);
    }

    @Test
    void gguf_and_type_traits_are_reached_through_libllama() {
        // ggml_type_traits of Q8_0 (id 8): 32 values per block of 34 bytes; F32 has no to_float
        com.sun.jna.Pointer q8 = lib.ggml_get_type_traits(8);
        assertThat(q8.getPointer(LlamaCpp.TypeTraits.TYPE_NAME).getString(0)).isEqualTo("q8_0");
        assertThat(q8.getLong(LlamaCpp.TypeTraits.BLCK_SIZE)).isEqualTo(32);
        assertThat(q8.getLong(LlamaCpp.TypeTraits.TYPE_SIZE)).isEqualTo(34);
        assertThat(q8.getPointer(LlamaCpp.TypeTraits.TO_FLOAT)).isNotNull();
        assertThat(lib.ggml_get_type_traits(LlamaCpp.GGML_TYPE_F32).getPointer(LlamaCpp.TypeTraits.TO_FLOAT)).isNull();
    }

    @Test
    void the_library_identifies_as_the_current_generation() {
        LlamaLibraries.Identity identity = LlamaLibraries.identify(CurrentBuild.folder().resolve(System.mapLibraryName("llama")));
        assertThat(identity.generation()).isEqualTo(LlamaRuntime.CURRENT);
        assertThat(identity.build()).startsWith("ggml " + LlamaLibraries.CURRENT_GGML_VERSION);
        assertThat(lib.ggml_version()).isEqualTo(LlamaLibraries.CURRENT_GGML_VERSION);
    }

    /** Structure.fieldOffset is protected: these expose it. */
    static final class ModelParamsOffsets extends LlamaCppCurrent.ModelParams {
        int offset(String field) {
            return fieldOffset(field);
        }
    }

    static final class ContextParamsOffsets extends LlamaCppCurrent.ContextParams {
        int offset(String field) {
            return fieldOffset(field);
        }
    }
}
