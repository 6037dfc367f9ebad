package io.github.langchain4j.moi.llamacpp;

import com.sun.jna.Pointer;
import io.github.langchain4j.moi.MoiException;
import io.github.langchain4j.moi.engine.SamplingOptions;

/**
 * llama.cpp's own sampler chain (grammar, penalties, top-k, top-p, min-p, temperature, then a seeded
 * random choice, or greedy at temperature 0). MoI leaves sampling as it is: it changes only what is fed
 * back, so the chain that picks tokens is the standard one. One chain per generation; close it after.
 */
public final class NativeSampler implements AutoCloseable {

    private final LlamaCpp lib;
    private final Pointer ctx;
    private final NativeModel model;
    private Pointer chain;

    NativeSampler(LlamaCpp lib, Pointer vocab, Pointer ctx, SamplingOptions options, String grammar, NativeModel model) {
        this.lib = lib;
        this.ctx = ctx;
        this.model = model;
        LlamaCpp.SamplerChainParams.ByValue params = lib.llama_sampler_chain_default_params();
        this.chain = lib.llama_sampler_chain_init(params);
        if (grammar != null) {
            // first in the chain, so every later sampler only sees tokens the grammar allows
            Pointer g = lib.llama_sampler_init_grammar(vocab, grammar, "root");
            if (g == null) {
                close();
                throw new MoiException("llama.cpp rejected the grammar");
            }
            lib.llama_sampler_chain_add(chain, g);
        }
        if (options.repeatPenalty() != 1.0 && options.repeatLastN() > 0) {
            lib.llama_sampler_chain_add(chain, lib.llama_sampler_init_penalties(
                    options.repeatLastN(), (float) options.repeatPenalty(), 0f, 0f));
        }
        if (options.greedy()) {
            lib.llama_sampler_chain_add(chain, lib.llama_sampler_init_greedy());
        } else {
            if (options.topK() > 0) {
                lib.llama_sampler_chain_add(chain, lib.llama_sampler_init_top_k(options.topK()));
            }
            if (options.topP() < 1.0) {
                lib.llama_sampler_chain_add(chain, lib.llama_sampler_init_top_p((float) options.topP(), 1));
            }
            if (options.minP() > 0) {
                lib.llama_sampler_chain_add(chain, lib.llama_sampler_init_min_p((float) options.minP(), 1));
            }
            lib.llama_sampler_chain_add(chain, lib.llama_sampler_init_temp((float) options.temperature()));
            // the seed is a uint32 in llama.cpp: fold the long so that distinct seeds stay distinct
            int seed = (int) (options.seed() ^ (options.seed() >>> 32));
            if (seed == -1) {
                seed = 0x5eed; // LLAMA_DEFAULT_SEED (0xFFFFFFFF) would mean "random"
            }
            lib.llama_sampler_chain_add(chain, lib.llama_sampler_init_dist(seed));
        }
    }

    /** Samples from the logits of the last decoded input and records the token in the chain's state. */
    public int sample() {
        return sample(-1);
    }

    /** Samples from the logits of input {@code batchIndex} of the last decode. */
    public int sample(int batchIndex) {
        if (chain == null) {
            throw new IllegalStateException("sampler is closed");
        }
        model.ensureOpen(); // the context it samples from must still exist
        return lib.llama_sampler_sample(chain, ctx, batchIndex);
    }

    @Override
    public void close() {
        if (chain != null) {
            lib.llama_sampler_free(chain); // frees the samplers added to it
            chain = null;
        }
    }
}
