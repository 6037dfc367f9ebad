package io.github.langchain4j.moi.llamacpp;

import com.sun.jna.Pointer;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Guards the JNA struct layouts against the llama.cpp b4916 binary inside de.kherud:llama:4.2.0:
 * sizes match the C headers, and defaults read back through our layouts equal the values the binary
 * itself sets (a shifted field reads back wrong and fails here, not in a user's JVM).
 */
class NativeLayoutTest {

    private final LlamaCpp lib = NativeLibrary.get();

    @Test
    void struct_sizes_match_the_b4916_headers() {
        assertThat(new LlamaCpp.ModelParams().size()).isEqualTo(64);
        assertThat(new LlamaCpp.ContextParams().size()).isEqualTo(120);
        assertThat(new LlamaCpp.Batch().size()).isEqualTo(56);
        assertThat(new LlamaCpp.GgufInitParams().size()).isEqualTo(16);
        assertThat(new LlamaCpp.SamplerChainParams().size()).isEqualTo(1);
    }

    @Test
    void model_params_defaults_read_back() {
        LlamaCpp.ModelParams p = lib.llama_model_default_params();
        assertThat(p.devices).isNull();
        assertThat(p.split_mode).isEqualTo(1); // LLAMA_SPLIT_MODE_LAYER
        assertThat(p.main_gpu).isZero();
        assertThat(p.tensor_split).isNull();
        assertThat(p.kv_overrides).isNull();
        assertThat(new byte[]{p.vocab_only, p.use_mmap, p.use_mlock, p.check_tensors}).containsExactly(0, 1, 0, 0);
    }

    @Test
    void context_params_defaults_read_back() {
        LlamaCpp.ContextParams p = lib.llama_context_default_params();
        assertThat(p.n_ctx).isEqualTo(512);
        assertThat(p.n_batch).isEqualTo(2048);
        assertThat(p.n_ubatch).isEqualTo(512);
        assertThat(p.n_seq_max).isEqualTo(1);
        assertThat(p.n_threads).isEqualTo(4);
        assertThat(p.n_threads_batch).isEqualTo(4);
        assertThat(p.yarn_ext_factor).isEqualTo(-1.0f);
        assertThat(p.yarn_attn_factor).isEqualTo(1.0f);
        assertThat(p.yarn_beta_fast).isEqualTo(32.0f);
        assertThat(p.yarn_beta_slow).isEqualTo(1.0f);
        assertThat(p.cb_eval).isNull();
        assertThat(p.type_k).isEqualTo(1); // GGML_TYPE_F16
        assertThat(p.type_v).isEqualTo(1);
        assertThat(new byte[]{p.logits_all, p.embeddings, p.offload_kqv, p.flash_attn, p.no_perf})
                .containsExactly(0, 0, 1, 0, 1);
        assertThat(p.abort_callback).isNull();
    }

    @Test
    void sampler_chain_params_default_read_back() {
        assertThat(lib.llama_sampler_chain_default_params().no_perf).isEqualTo((byte) 1);
    }

    @Test
    void type_traits_read_back_for_known_types() {
        assertTraits(0, "f32", 1, 4, false);
        assertTraits(1, "f16", 1, 2, true);
        assertTraits(8, "q8_0", 32, 34, true);
        assertTraits(12, "q4_K", 256, 144, true);
        assertTraits(6, "q5_0", 32, 22, true);
    }

    private void assertTraits(int type, String name, long blockSize, long typeSize, boolean hasToFloat) {
        Pointer traits = lib.ggml_get_type_traits(type);
        assertThat(traits.getPointer(LlamaCpp.TypeTraits.TYPE_NAME).getString(0)).isEqualTo(name);
        assertThat(traits.getLong(LlamaCpp.TypeTraits.BLCK_SIZE)).isEqualTo(blockSize);
        assertThat(traits.getLong(LlamaCpp.TypeTraits.TYPE_SIZE)).isEqualTo(typeSize);
        assertThat(traits.getPointer(LlamaCpp.TypeTraits.TO_FLOAT) != null).isEqualTo(hasToFloat);
    }

    @Test
    void library_location_honours_java_llama_cpp_property() {
        String old = System.getProperty(NativeLibrary.LIB_PATH_PROPERTY);
        try {
            System.setProperty(NativeLibrary.LIB_PATH_PROPERTY, "/nonexistent-folder");
            org.assertj.core.api.Assertions.assertThatThrownBy(NativeLibrary::locate)
                    .hasMessageContaining(NativeLibrary.LIB_PATH_PROPERTY)
                    .hasMessageContaining("/nonexistent-folder");
            System.setProperty(NativeLibrary.LIB_PATH_PROPERTY, NativeLibrary.loadedFrom().getParent().toString());
            assertThat(NativeLibrary.locate()).isEqualTo(NativeLibrary.loadedFrom());
        } finally {
            if (old == null) {
                System.clearProperty(NativeLibrary.LIB_PATH_PROPERTY);
            } else {
                System.setProperty(NativeLibrary.LIB_PATH_PROPERTY, old);
            }
        }
    }
}
