package io.github.langchain4j.moi.llamacpp;

import com.sun.jna.Pointer;

import java.nio.file.Path;
import java.util.Set;

/**
 * The one seam between the binding's classes ({@link NativeModel}, {@link NativeSampler}, {@link TokenEmbeddings},
 * {@link GgufFile}) and the two llama.cpp generations: {@link #lib()} for every call whose signature both share
 * ({@link LlamaCommon}), and a method here for each thing that differs (parameter structs and their defaults,
 * the KV-cache calls, the penalties sampler, the input width, the architectures the library knows). Nothing above
 * the binding sees which generation runs.
 *
 * <p>One generation per JVM: the first {@link #select} decides, and a later request for the other one (or for a
 * second current build from another folder) is refused with an error that says so.
 */
abstract sealed class LlamaBinding permits LlamaBinding.B4916, LlamaBinding.Current {

    /** A system property naming the folder of a current build, for configurations that name none. */
    static final String LIB_PATH_PROPERTY = "moi.llama.lib.path";

    private static volatile LlamaBinding b4916;
    private static volatile LlamaBinding current;

    private final LlamaCommon lib;
    private final LlamaRuntime runtime;

    private LlamaBinding(LlamaCommon lib, LlamaRuntime runtime) {
        this.lib = lib;
        this.runtime = runtime;
    }

    /**
     * The binding for a current llama.cpp build in {@code folder}, or, for null, for the folder named by the system
     * property {@value #LIB_PATH_PROPERTY}, or else for the bundled b4916.
     */
    static LlamaBinding select(Path folder) {
        if (folder == null) {
            String property = System.getProperty(LIB_PATH_PROPERTY);
            if (property != null && !property.isBlank()) {
                folder = Path.of(property.strip());
            }
        }
        if (folder == null) {
            return bundled();
        }
        if (current == null) {
            synchronized (LlamaBinding.class) {
                if (current == null) {
                    current = new Current(LlamaLibraries.loadCurrent(folder));
                }
            }
        }
        LlamaLibraries.loadCurrent(folder); // refuses a second folder, with a message naming both
        return current;
    }

    /** The bundled b4916 (java-llama.cpp's library, or a build named by de.kherud.llama.lib.path). */
    static LlamaBinding bundled() {
        if (b4916 == null) {
            synchronized (LlamaBinding.class) {
                if (b4916 == null) {
                    b4916 = new B4916(NativeLibrary.get());
                }
            }
        }
        return b4916;
    }

    /** The calls that are the same in both generations. */
    final LlamaCommon lib() {
        return lib;
    }

    final LlamaRuntime runtime() {
        return runtime;
    }

    /** Loads a model; null when llama.cpp could not (its log says why). */
    abstract Pointer loadModel(String path, int gpuLayers, boolean useMmap);

    /** Creates a context; null when llama.cpp could not (out of memory). */
    abstract Pointer newContext(Pointer model, int nCtx, int nBatch, int nUbatch, int nSeqMax, int threads);

    /** Forgets every cached position. */
    abstract void clearMemory(Pointer ctx);

    /**
     * Forgets the cached positions of a sequence from {@code pos} on; false where llama.cpp cannot cut it there
     * (a recurrent layer's state holds the whole sequence: only {@code pos = 0} always works).
     */
    abstract boolean removeFromMemory(Pointer ctx, int seq, int pos);

    /** The repeat, frequency and presence penalties sampler. */
    abstract Pointer penalties(int nVocab, int lastN, float repeat, float freq, float present);

    /** The width of a {@code batch.embd} row. */
    abstract int inputWidth(Pointer model);

    /**
     * Whether each sequence has a KV cache of its own. Such a llama.cpp decodes the sequences of one batch in a
     * single pass only while their ids are consecutive (see {@code split_equal} in llama-batch.cpp).
     */
    abstract boolean sequenceCachesApart();

    /** Whether {@link #copySequence} works for this model: a KV cache per sequence, and attention layers only. */
    abstract boolean canCopySequences(Pointer model);

    /** Replaces the cache of sequence {@code dst} with a copy of the whole cache of {@code src}. */
    abstract void copySequence(Pointer ctx, int src, int dst);

    /**
     * The factor for token rows fed through {@code batch.embd} on this runtime's graph (measured per runtime by the
     * architecture tests, read from {@link VerifiedArchitectures}).
     */
    final float inputScale(String architecture, int nEmbd) {
        return VerifiedArchitectures.inputScale(VerifiedArchitectures.key(runtime()), architecture, nEmbd);
    }

    /** The values of {@code general.architecture} the library's loader knows. */
    final Set<String> architectures() {
        return LlamaArchitectures.of(runtime());
    }

    static final class B4916 extends LlamaBinding {
        private final LlamaCpp lib; // the same library as lib(), typed for the calls only this generation has

        B4916(LlamaCpp lib) {
            super(lib, LlamaRuntime.B4916);
            this.lib = lib;
        }

        @Override
        Pointer loadModel(String path, int gpuLayers, boolean useMmap) {
            LlamaCpp.ModelParams.ByValue mp = lib.llama_model_default_params();
            mp.n_gpu_layers = gpuLayers;
            mp.use_mmap = (byte) (useMmap ? 1 : 0);
            return lib.llama_model_load_from_file(path, mp);
        }

        @Override
        Pointer newContext(Pointer model, int nCtx, int nBatch, int nUbatch, int nSeqMax, int threads) {
            LlamaCpp.ContextParams.ByValue cp = lib.llama_context_default_params();
            cp.n_ctx = nCtx;
            cp.n_batch = nBatch;
            cp.n_ubatch = nUbatch;
            cp.n_seq_max = nSeqMax;
            cp.n_threads = threads;
            cp.n_threads_batch = threads;
            return lib.llama_init_from_model(model, cp);
        }

        @Override
        void clearMemory(Pointer ctx) {
            lib.llama_kv_self_clear(ctx);
        }

        @Override
        boolean removeFromMemory(Pointer ctx, int seq, int pos) {
            return lib.llama_kv_self_seq_rm(ctx, seq, pos, -1) != 0;
        }

        @Override
        Pointer penalties(int nVocab, int lastN, float repeat, float freq, float present) {
            return lib.llama_sampler_init_penalties(lastN, repeat, freq, present);
        }

        @Override
        int inputWidth(Pointer model) {
            return lib.llama_model_n_embd(model); // b4916 has no llama_model_n_embd_inp: its inputs are n_embd wide
        }

        @Override
        boolean sequenceCachesApart() {
            return false; // one KV cache for all sequences
        }

        @Override
        boolean canCopySequences(Pointer model) {
            return false; // not needed: with one cache, which sequence a prompt goes to does not change a step's cost
        }

        @Override
        void copySequence(Pointer ctx, int src, int dst) {
            throw new UnsupportedOperationException("sequence copies are used on the current llama.cpp only");
        }
    }

    static final class Current extends LlamaBinding {
        private final LlamaCppCurrent lib; // the same library as lib(), typed for the calls only this generation has

        Current(LlamaCppCurrent lib) {
            super(lib, LlamaRuntime.CURRENT);
            this.lib = lib;
        }

        @Override
        Pointer loadModel(String path, int gpuLayers, boolean useMmap) {
            LlamaCppCurrent.ModelParams.ByValue mp = lib.llama_model_default_params();
            mp.n_gpu_layers = gpuLayers; // explicit: the default (-1) offloads every layer on a GPU build
            mp.load_mode = useMmap ? LlamaCppCurrent.LOAD_MODE_MMAP : LlamaCppCurrent.LOAD_MODE_NONE;
            return lib.llama_model_load_from_file(path, mp);
        }

        @Override
        Pointer newContext(Pointer model, int nCtx, int nBatch, int nUbatch, int nSeqMax, int threads) {
            LlamaCppCurrent.ContextParams.ByValue cp = lib.llama_context_default_params();
            cp.n_ctx = nCtx;
            cp.n_batch = nBatch;
            cp.n_ubatch = nUbatch;
            cp.n_seq_max = nSeqMax;
            cp.n_threads = threads;
            cp.n_threads_batch = threads;
            // a cache per sequence (the default, said here because the decode loop relies on it): a step attends
            // to its own sequence's cells only, where a unified cache attends to every cell in use, masked
            cp.kv_unified = 0;
            return lib.llama_init_from_model(model, cp);
        }

        @Override
        void clearMemory(Pointer ctx) {
            lib.llama_memory_clear(lib.llama_get_memory(ctx), true);
        }

        @Override
        boolean removeFromMemory(Pointer ctx, int seq, int pos) {
            return lib.llama_memory_seq_rm(lib.llama_get_memory(ctx), seq, pos, -1) != 0;
        }

        @Override
        Pointer penalties(int nVocab, int lastN, float repeat, float freq, float present) {
            return lib.llama_sampler_init_penalties(nVocab, lastN, repeat, freq, present);
        }

        @Override
        int inputWidth(Pointer model) {
            return lib.llama_model_n_embd_inp(model);
        }

        @Override
        boolean sequenceCachesApart() {
            return true; // kv_unified = 0, set in newContext
        }

        @Override
        boolean canCopySequences(Pointer model) {
            // recurrent states are copied by other rules (llama-memory-recurrent.cpp), not needed here
            return lib.llama_model_is_recurrent(model) == 0 && lib.llama_model_is_hybrid(model) == 0;
        }

        @Override
        void copySequence(Pointer ctx, int src, int dst) {
            lib.llama_memory_seq_cp(lib.llama_get_memory(ctx), src, dst, -1, -1); // whole caches only (see there)
        }
    }
}
