package io.github.langchain4j.moi.llamacpp;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;

/**
 * llama.cpp's own sampler chain (repeat, frequency and presence penalties, top-k, top-p, min-p, temperature, then a seeded random choice;
 * or the temperature before top-k when {@link SamplerParams#temperatureFirst()}, as vLLM orders it;
 * or greedy at temperature 0), and a grammar when the output is constrained. MoI leaves sampling as it is:
 * it changes only what is fed back, so the chain that picks tokens is the standard one. One sampler per
 * generation; close it after.
 *
 * <p>With a grammar, the token is sampled first without it and then checked against the grammar; only a
 * rejected token makes the grammar filter the whole vocabulary, and the chain samples again from what
 * remains (llama.cpp's own common sampler does the same). Filtering every step instead checked all 152k
 * tokens of the default model against the grammar's stacks for every generated token. Both ways give the
 * same token under greedy decoding ({@code NativeSamplerTest}).
 *
 * <p>Greedy decoding without penalties goes further: its token is the first largest logit, found in Java without
 * handing the vocabulary to the chain (llama_sampler_sample builds a 152k-entry candidate array for that, 1.2-1.4
 * ms a step on the default model, 4-5 % of a step; a scan of the logits takes a tenth of it), with a grammar or
 * without; and after a rejection the grammar checks only the {@link #GRAMMAR_CUT}
 * best candidates, best first; the first it allows is the token greedy decoding over the filtered vocabulary
 * picks (the grammar judges each candidate on its own). Only when it allows none of them is the whole vocabulary
 * filtered.
 */
public final class NativeSampler implements AutoCloseable {

    /** Candidates the grammar checks, best first, after it refused greedy decoding's token. */
    static final int GRAMMAR_CUT = 64;

    private final LlamaCommon lib;
    private final Pointer ctx;
    private final NativeModel model;
    private final int nVocab;
    private Pointer chain;
    private Pointer grammar;
    // with a grammar: the candidate arrays handed to llama_sampler_apply
    private final Memory candidates;
    private final Memory candidatesArray;
    private final Memory single;
    private final Memory singleArray;
    private final int[] packed;
    private final float[] logits;
    private final boolean plainGreedy; // greedy, no penalties: the token is the largest logit
    private int chainPasses; // times the whole vocabulary went through the chain
    int grammarCut = GRAMMAR_CUT; // tests change it to reach both ways
    private int[] cutIds;
    private float[] cutLogits;
    private int wholeVocabularyFilters; // rejections that filtered the whole vocabulary
    private int rejections; // tokens the grammar refused after the chain chose them
    private int accepted; // tokens the grammar accepted

    NativeSampler(LlamaBinding binding, Pointer vocab, Pointer ctx, SamplerParams options, String grammarText,
                  NativeModel model) {
        this.lib = binding.lib();
        this.ctx = ctx;
        this.model = model;
        this.nVocab = model.vocabSize();
        if (grammarText != null) {
            this.grammar = lib.llama_sampler_init_grammar(vocab, grammarText, "root");
            if (grammar == null) {
                throw new LlamaCppException("llama.cpp rejected the grammar");
            }
            candidates = new Memory((long) nVocab * LlamaCpp.TokenDataArray.ELEMENT_BYTES);
            candidatesArray = new Memory(LlamaCpp.TokenDataArray.BYTES);
            single = new Memory(LlamaCpp.TokenDataArray.ELEMENT_BYTES);
            singleArray = new Memory(LlamaCpp.TokenDataArray.BYTES);
            packed = new int[3 * nVocab]; // {id, logit bits, p} per token; only the logits change per step
            for (int i = 0; i < nVocab; i++) {
                packed[3 * i] = i;
            }
        } else {
            candidates = candidatesArray = single = singleArray = null;
            packed = null;
        }
        this.plainGreedy = options.greedy() && !options.penalizesRepetition();
        logits = grammarText != null || plainGreedy ? new float[nVocab] : null;
        this.chain = lib.llama_sampler_chain_init(lib.llama_sampler_chain_default_params());
        if (options.penalizesRepetition()) {
            lib.llama_sampler_chain_add(chain, binding.penalties(nVocab, options.repeatLastN(),
                    (float) options.repeatPenalty(), (float) options.frequencyPenalty(), (float) options.presencePenalty()));
        }
        if (options.greedy()) {
            lib.llama_sampler_chain_add(chain, lib.llama_sampler_init_greedy());
        } else {
            // vLLM (the MoI reference) scales by the temperature before truncating; llama.cpp usually does it last
            if (options.temperatureFirst()) {
                lib.llama_sampler_chain_add(chain, lib.llama_sampler_init_temp((float) options.temperature()));
            }
            if (options.topK() > 0) {
                lib.llama_sampler_chain_add(chain, lib.llama_sampler_init_top_k(options.topK()));
            }
            if (options.topP() < 1.0) {
                lib.llama_sampler_chain_add(chain, lib.llama_sampler_init_top_p((float) options.topP(), 1));
            }
            if (options.minP() > 0) {
                lib.llama_sampler_chain_add(chain, lib.llama_sampler_init_min_p((float) options.minP(), 1));
            }
            if (!options.temperatureFirst()) {
                lib.llama_sampler_chain_add(chain, lib.llama_sampler_init_temp((float) options.temperature()));
            }
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
        if (grammar == null && !plainGreedy) {
            chainPasses++;
            return lib.llama_sampler_sample(chain, ctx, batchIndex);
        }
        Pointer raw = lib.llama_get_logits_ith(ctx, batchIndex);
        if (raw == null) {
            throw new LlamaCppException("no logits: nothing was decoded with logits requested");
        }
        raw.read(0, logits, 0, nVocab);
        if (grammar == null) { // the token llama.cpp's greedy sampler picks, recorded in the chain as it records it
            int token = firstLargestLogit();
            lib.llama_sampler_accept(chain, token);
            return token;
        }
        int token = plainGreedy ? firstLargestLogit() : sampleFrom(null);
        if (!grammarAllows(token)) {
            rejections++;
            int allowed = plainGreedy ? bestAllowedOfTheCut() : -1;
            if (allowed < 0) {
                wholeVocabularyFilters++;
                allowed = sampleFrom(grammar);
            }
            token = allowed;
        }
        lib.llama_sampler_accept(grammar, token);
        lib.llama_sampler_accept(chain, token);
        accepted++;
        return token;
    }

    /** Runs the chain (after {@code filter}, when given) over all tokens and returns the token it selected. */
    private int sampleFrom(Pointer filter) {
        chainPasses++;
        for (int i = 0; i < nVocab; i++) {
            packed[3 * i + 1] = Float.floatToRawIntBits(logits[i]);
        }
        candidates.write(0, packed, 0, packed.length);
        setArray(candidatesArray, candidates, nVocab);
        if (filter != null) {
            lib.llama_sampler_apply(filter, candidatesArray);
            requireSomeTokenAllowed();
        }
        lib.llama_sampler_apply(chain, candidatesArray);
        long selected = candidatesArray.getLong(LlamaCpp.TokenDataArray.SELECTED);
        long size = candidatesArray.getLong(LlamaCpp.TokenDataArray.SIZE);
        if (selected < 0 || selected >= size) {
            throw new LlamaCppException("the sampler chain selected no token (" + selected + " of " + size + ")");
        }
        Pointer data = candidatesArray.getPointer(LlamaCpp.TokenDataArray.DATA);
        return data.getInt(selected * LlamaCpp.TokenDataArray.ELEMENT_BYTES);
    }

    /** What llama.cpp's greedy sampler picks: the largest logit, the lowest id among equal ones. */
    private int firstLargestLogit() {
        int best = 0;
        for (int i = 1; i < nVocab; i++) {
            if (logits[i] > logits[best]) {
                best = i;
            }
        }
        return best;
    }

    /**
     * The grammar's verdict on the {@link #grammarCut} largest logits, best first (ties: lowest id first, as
     * greedy decoding over the whole vocabulary breaks them): the first allowed one, or -1 if it allows none.
     */
    private int bestAllowedOfTheCut() {
        int m = Math.min(grammarCut, nVocab);
        if (cutIds == null || cutIds.length != m) {
            cutIds = new int[m];
            cutLogits = new float[m];
        }
        // the m best by (logit desc, id asc), kept unsorted with the position of the worst
        for (int i = 0; i < m; i++) {
            cutIds[i] = i;
            cutLogits[i] = logits[i];
        }
        int worst = worstOfCut(m);
        for (int i = m; i < nVocab; i++) {
            if (logits[i] > cutLogits[worst]) { // a later id with an equal logit ranks lower: strict
                cutIds[worst] = i;
                cutLogits[worst] = logits[i];
                worst = worstOfCut(m);
            }
        }
        Integer[] order = new Integer[m];
        for (int i = 0; i < m; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, (a, b) -> cutLogits[a] != cutLogits[b] ? Float.compare(cutLogits[b], cutLogits[a])
                : Integer.compare(cutIds[a], cutIds[b]));
        for (int k = 0; k < m; k++) {
            int i = order[k];
            long at = (long) k * LlamaCpp.TokenDataArray.ELEMENT_BYTES;
            candidates.setInt(at, cutIds[i]);
            candidates.setFloat(at + 4, cutLogits[i]);
            candidates.setFloat(at + 8, 0f);
        }
        setArray(candidatesArray, candidates, m);
        lib.llama_sampler_apply(grammar, candidatesArray);
        for (int k = 0; k < m; k++) {
            long at = (long) k * LlamaCpp.TokenDataArray.ELEMENT_BYTES;
            if (candidates.getFloat(at + 4) != Float.NEGATIVE_INFINITY) {
                return candidates.getInt(at);
            }
        }
        return -1;
    }

    /** The cut's lowest-ranked entry: smallest logit, highest id among equal ones. */
    private int worstOfCut(int m) {
        int worst = 0;
        for (int i = 1; i < m; i++) {
            if (cutLogits[i] < cutLogits[worst] || (cutLogits[i] == cutLogits[worst] && cutIds[i] > cutIds[worst])) {
                worst = i;
            }
        }
        return worst;
    }

    /**
     * Fails when the grammar has set every candidate to -infinity: the chain would then pick a token anyway
     * (the first one, under greedy decoding) and the output would be garbage that breaks the grammar.
     */
    private void requireSomeTokenAllowed() {
        candidates.read(0, packed, 0, packed.length);
        for (int i = 0; i < nVocab; i++) {
            if (Float.intBitsToFloat(packed[3 * i + 1]) != Float.NEGATIVE_INFINITY) {
                return;
            }
        }
        throw new LlamaCppException("the grammar allows no token after " + accepted + " generated tokens: "
                + "no token of the model's vocabulary continues it (does the grammar match any text?)");
    }

    /** Whether the grammar accepts the token next: it sets the logit of a rejected candidate to -infinity. */
    private boolean grammarAllows(int token) {
        single.setInt(0, token);
        single.setFloat(4, logits[token]);
        single.setFloat(8, 0f);
        setArray(singleArray, single, 1);
        lib.llama_sampler_apply(grammar, singleArray);
        return singleArray.getPointer(LlamaCpp.TokenDataArray.DATA).getFloat(4) != Float.NEGATIVE_INFINITY;
    }

    /** Times the whole vocabulary went through llama.cpp's sampler chain (tests: greedy decoding never does). */
    int chainPasses() {
        return chainPasses;
    }

    /** How many sampled tokens the grammar refused so far, each followed by a filtered resample (tests). */
    int rejections() {
        return rejections;
    }

    /** How many rejections filtered the whole vocabulary (tests). */
    int wholeVocabularyFilters() {
        return wholeVocabularyFilters;
    }

    private static void setArray(Memory array, Memory data, long size) {
        array.setPointer(LlamaCpp.TokenDataArray.DATA, data);
        array.setLong(LlamaCpp.TokenDataArray.SIZE, size);
        array.setLong(LlamaCpp.TokenDataArray.SELECTED, -1);
        array.setByte(LlamaCpp.TokenDataArray.SORTED, (byte) 0);
    }

    @Override
    public void close() {
        if (chain != null) {
            lib.llama_sampler_free(chain); // frees the samplers added to it
            chain = null;
        }
        if (grammar != null) {
            lib.llama_sampler_free(grammar);
            grammar = null;
        }
    }
}
