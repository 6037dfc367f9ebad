package io.github.langchain4j.moi.llamacpp;

import com.sun.jna.Pointer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/**
 * Every architecture of the tiny-model kit on the current llama.cpp: loads, and its {@code batch.embd} path
 * equals its token path with the measured input scale. Own JVM (surefire forks per class): one generation per JVM.
 */
class CurrentArchitecturesTest {

    @Test
    void every_architecture_is_verified_with_its_input_scale(@TempDir Path dir) {
        LlamaCppCurrent lib = CurrentBuild.load();
        ArchitectureTable.verify(new ArchitectureCheck(runtime(lib), dir), "current", java.util.Set.of("llama", "qwen2", "qwen3",
                "qwen3moe", "gemma", "gemma2", "gemma3", "phi3", "granite", "mistral3"));
    }

    static ArchitectureCheck.Runtime runtime(LlamaCppCurrent lib) {
        return new ArchitectureCheck.Runtime() {
            @Override
            public String name() {
                return "current";
            }

            @Override
            public Pointer loadModel(String path) {
                LlamaCppCurrent.ModelParams.ByValue mp = lib.llama_model_default_params();
                mp.n_gpu_layers = 0;
                return lib.llama_model_load_from_file(path, mp);
            }

            @Override
            public Pointer newContext(Pointer model) {
                LlamaCppCurrent.ContextParams.ByValue cp = lib.llama_context_default_params();
                cp.n_ctx = 64;
                cp.n_batch = 16;
                cp.n_ubatch = 16;
                cp.n_threads = 1;
                cp.n_threads_batch = 1;
                cp.flash_attn_type = LlamaCppCurrent.FLASH_ATTN_DISABLED;
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
                lib.llama_memory_clear(lib.llama_get_memory(ctx), true);
            }

            @Override
            public void removeFrom(Pointer ctx, int pos) {
                lib.llama_memory_seq_rm(lib.llama_get_memory(ctx), 0, pos, -1);
            }

            @Override
            public void setLog(LlamaCpp.LogCallback callback) {
                lib.llama_log_set(callback, null);
            }
        };
    }
}
