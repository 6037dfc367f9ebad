package io.github.langchain4j.moi.llamacpp;

import com.sun.jna.Pointer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/**
 * Every architecture of the tiny-model kit on llama.cpp b4916 (java-llama.cpp's library): loads or is refused
 * (recorded with llama.cpp's reason), and where it loads its {@code batch.embd} path equals its token path with
 * the measured input scale. Own JVM (surefire forks per class): one generation per JVM.
 */
class B4916ArchitecturesTest {

    @Test
    void every_architecture_is_verified_with_its_input_scale_or_refused(@TempDir Path dir) {
        LlamaCpp lib = NativeLibrary.get();
        ArchitectureTable.verify(new ArchitectureCheck(runtime(lib), dir), "b4916", java.util.Set.of("llama", "qwen2", "gemma",
                "gemma2", "gemma3", "phi3", "granite"));
    }

    static ArchitectureCheck.Runtime runtime(LlamaCpp lib) {
        return new ArchitectureCheck.Runtime() {
            @Override
            public String name() {
                return "b4916";
            }

            @Override
            public Pointer loadModel(String path) {
                LlamaCpp.ModelParams.ByValue mp = lib.llama_model_default_params();
                mp.n_gpu_layers = 0;
                return lib.llama_model_load_from_file(path, mp);
            }

            @Override
            public Pointer newContext(Pointer model) {
                LlamaCpp.ContextParams.ByValue cp = lib.llama_context_default_params();
                cp.n_ctx = 64;
                cp.n_batch = 16;
                cp.n_ubatch = 16;
                cp.n_threads = 1;
                cp.n_threads_batch = 1;
                return lib.llama_init_from_model(model, cp);
            }

            @Override
            public void free(Pointer model, Pointer ctx) {
                if (ctx != null) {
                    lib.llama_free(ctx);
                }
                lib.llama_model_free(model);
            }

            @Override
            public int nVocab(Pointer model) {
                return lib.llama_vocab_n_tokens(lib.llama_model_get_vocab(model));
            }

            @Override
            public int decode(Pointer ctx, LlamaCpp.Batch.ByValue batch) {
                return lib.llama_decode(ctx, batch);
            }

            @Override
            public Pointer logits(Pointer ctx, int i) {
                return lib.llama_get_logits_ith(ctx, i);
            }

            @Override
            public void clear(Pointer ctx) {
                lib.llama_kv_self_clear(ctx);
            }

            @Override
            public void removeFrom(Pointer ctx, int pos) {
                lib.llama_kv_self_seq_rm(ctx, 0, pos, -1);
            }

            @Override
            public void setLog(LlamaCpp.LogCallback callback) {
                lib.llama_log_set(callback, null);
            }
        };
    }
}
