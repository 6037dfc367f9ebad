package io.github.langchain4j.moi.llamacpp;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.ref.Cleaner;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.IntStream;

/**
 * A llama.cpp model and context loaded through the C API, with the few operations the decode loop needs.
 * Every argument is checked in Java before it reaches native code, because llama.cpp aborts the process
 * on several bad inputs (see native-notes.md). Not thread-safe: the engine serializes access.
 */
public final class NativeModel implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(NativeModel.class);
    private static final Cleaner CLEANER = Cleaner.create();

    private final LlamaBinding binding;
    private final LlamaCommon lib;
    private final GgufFile file;
    private final Pointer model;
    private final Pointer ctx;
    private final Pointer vocab;
    private final int nVocab;
    private int[] endAndControl; // lazily: a scan of the vocabulary
    private final int nEmbd;
    private final int nCtx;       // per sequence
    private final int nSequences;
    private final boolean canCopySequences;
    private final int nBatch;
    private final String chatTemplate;
    private final TokenEmbeddings embeddings;
    private final Cleaner.Cleanable cleanable;
    private volatile boolean closed;

    // batch arrays owned by us, sized for nBatch tokens
    private final Memory tokenBuf;
    private final Memory embdBuf;
    private final Memory posBuf;
    private final Memory nSeqIdBuf;
    private final Memory seqIdBuf;
    private final Memory seqIdPtrs;
    private final Memory logitsFlags;
    private final LlamaCommon.Batch.ByValue batch = new LlamaCommon.Batch.ByValue();
    private final float[] rowScratch;
    private int batchInputs; // of the batch begun by batchBegin
    private boolean batchEmbeddings;

    private NativeModel(LlamaBinding binding, GgufFile file, Pointer model, Pointer ctx, int nSequences) {
        this.binding = binding;
        this.lib = binding.lib();
        this.file = file;
        this.model = model;
        this.ctx = ctx;
        this.vocab = lib.llama_model_get_vocab(model);
        this.nVocab = lib.llama_vocab_n_tokens(vocab);
        this.nEmbd = binding.inputWidth(model); // the width of batch.embd rows
        this.canCopySequences = binding.canCopySequences(model);
        this.nSequences = nSequences;
        this.nCtx = lib.llama_n_ctx(ctx) / nSequences;
        this.nBatch = lib.llama_n_batch(ctx);
        Pointer template = lib.llama_model_chat_template(model, null);
        this.chatTemplate = template == null ? null : template.getString(0, StandardCharsets.UTF_8.name());
        try {
            this.embeddings = new TokenEmbeddings(binding, file, nVocab, nEmbd);
        } catch (RuntimeException e) {
            lib.llama_free(ctx);
            lib.llama_model_free(model);
            throw e;
        }
        this.cleanable = CLEANER.register(this, new Release(lib, model, ctx, embeddings));

        tokenBuf = new Memory((long) nBatch * Integer.BYTES);
        embdBuf = new Memory((long) nBatch * nEmbd * Float.BYTES);
        posBuf = new Memory((long) nBatch * Integer.BYTES);
        nSeqIdBuf = new Memory((long) nBatch * Integer.BYTES);
        seqIdBuf = new Memory((long) nBatch * Integer.BYTES);
        seqIdPtrs = new Memory((long) nBatch * Native.POINTER_SIZE);
        logitsFlags = new Memory(nBatch);
        rowScratch = new float[nEmbd];
        for (int i = 0; i < nBatch; i++) {
            nSeqIdBuf.setInt((long) i * Integer.BYTES, 1); // each input belongs to exactly one sequence
            seqIdBuf.setInt((long) i * Integer.BYTES, 0);
            seqIdPtrs.setPointer((long) i * Native.POINTER_SIZE, seqIdBuf.share((long) i * Integer.BYTES));
        }
    }

    /**
     * Checks and loads the model file, then creates its context, on the llama.cpp that {@link LoadParams#llamaCppPath()}
     * names (none: the bundled b4916).
     */
    public static NativeModel load(LoadParams config) {
        GgufFile.checkPath(config.modelPath());
        LlamaBinding binding = LlamaBinding.select(config.llamaCppPath());
        GgufFile file = GgufFile.read(config.modelPath(), binding.lib());
        checkArchitecture(binding, file);
        LlamaCommon lib = binding.lib();
        if (config.gpuLayers() != 0 && !lib.llama_supports_gpu_offload()) {
            log.warn("gpuLayers={} but the llama.cpp library in use has no GPU support; running on the CPU", config.gpuLayers());
        }
        int gpuLayers = config.gpuLayers() < 0 ? Integer.MAX_VALUE : config.gpuLayers();
        Pointer model = binding.loadModel(config.modelPath().toString(), gpuLayers, config.useMmap());
        if (model == null) {
            throw new BadModelFileException("llama.cpp " + binding.runtime().label() + " could not load " + config.modelPath()
                    + " (architecture '" + file.architecture() + "'); the llama.cpp log above says why");
        }
        int trainCtx = lib.llama_model_n_ctx_train(model);
        int nCtx = config.contextSize() > 0 ? config.contextSize()
                : trainCtx > 0 ? Math.min(trainCtx, config.defaultContextSize()) : config.defaultContextSize();
        int nSequences = config.sequences();
        int threads = config.threads() > 0 ? config.threads() : defaultThreads(Runtime.getRuntime().availableProcessors(),
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());

        // one KV cache shared by all sequences, with room for a full context each
        int nBatch = Math.max(Math.min(config.batchSize(), nCtx), nSequences);
        Pointer ctx = binding.newContext(model, nCtx * nSequences, nBatch, Math.min(nBatch, 512), nSequences, threads);
        if (ctx == null) {
            lib.llama_model_free(model);
            throw new LlamaCppException("llama.cpp could not create a context of " + nCtx + " tokens for "
                    + config.modelPath() + " (out of memory?)");
        }
        log.info("loaded {} ({}, {}) on llama.cpp {}: {} sequences of up to {} tokens, {} threads{}", file.name(),
                file.architecture(), config.modelPath().getFileName(), binding.runtime().label(), nSequences, nCtx, threads,
                config.threads() > 0 ? "" : " (cores that other work left free when it loaded; set threads to choose)");
        return new NativeModel(binding, file, model, ctx, nSequences);
    }

    /**
     * The threads of {@code threads = 0}: one per core that other work leaves free, from the 1-minute load average
     * when the model loads, at least 1; all cores on an idle machine (or where no load average exists). Why not
     * always all cores: llama.cpp's CPU workers wait for each other at every op of the graph by spinning, on both
     * runtimes (OpenMP in b4916; ggml's own pool, GGML_OPENMP=OFF, in the current build: its barrier spins without
     * bound too), so a worker without a core of its own stalls the others. Measured on 2 cores busy with other work
     * (scripts/bench-contention.sh, README "Threads on a busy machine"): 2 threads 0.4-1.0 tokens/s, 1 thread 4.3-6.0.
     */
    static int defaultThreads(int cores, double loadAverage) {
        if (!(loadAverage >= 0)) {
            return cores; // not available on this platform (Windows: -1)
        }
        long free = cores - Math.round(loadAverage);
        return (int) Math.max(1, Math.min(cores, free));
    }

    /**
     * Refuses a model whose architecture the loaded llama.cpp does not know, before llama.cpp tries (it would only
     * log "unknown model architecture"), and says which runtime knows it and how to switch.
     */
    static void checkArchitecture(LlamaBinding binding, GgufFile file) {
        String architecture = file.architecture();
        if (binding.architectures().contains(architecture)) {
            return;
        }
        String fileName = file.path().getFileName().toString();
        if (binding.runtime() == LlamaRuntime.B4916 && LlamaArchitectures.of(LlamaRuntime.CURRENT).contains(architecture)) {
            throw new BadModelFileException("architecture '" + architecture + "' of " + fileName
                    + " needs a newer llama.cpp than b4916: run ./moi native build, then pass the folder it prints as "
                    + "--llama-cpp <folder> (builder: llamaCppPath, Spring: langchain4j.moi.chat-model.llama-cpp-path, "
                    + "system property: " + LlamaBinding.LIB_PATH_PROPERTY + ")");
        }
        if (binding.runtime() == LlamaRuntime.CURRENT && LlamaArchitectures.of(LlamaRuntime.B4916).contains(architecture)) {
            throw new BadModelFileException("architecture '" + architecture + "' of " + fileName
                    + " is known to llama.cpp b4916 but not to the current llama.cpp in use: run it without a "
                    + "llama.cpp folder (the bundled b4916)");
        }
        throw new BadModelFileException("architecture '" + architecture + "' of " + fileName
                + " is not supported by llama.cpp " + binding.runtime().label() + " (nor by the other supported llama.cpp)");
    }

    public String architecture() {
        return file.architecture();
    }

    public String name() {
        return file.name();
    }

    /** The llama.cpp generation this model runs on. */
    public LlamaRuntime runtime() {
        return binding.runtime();
    }

    public int vocabSize() {
        return nVocab;
    }

    public int embeddingSize() {
        return nEmbd;
    }

    /** The context of one sequence, in tokens. */
    public int contextSize() {
        return nCtx;
    }

    /** How many sequences the KV cache holds at once. */
    public int sequences() {
        return nSequences;
    }

    /**
     * Whether each sequence has a KV cache of its own (the current llama.cpp): a step's inputs are then decoded in
     * one pass only while their sequence ids are consecutive.
     */
    public boolean sequenceCachesApart() {
        return nSequences > 1 && binding.sequenceCachesApart();
    }

    public int batchSize() {
        return nBatch;
    }

    /** The chat template stored in the model's metadata, or null for a model without one (a base model). */
    public String chatTemplate() {
        return chatTemplate;
    }

    public boolean isEndOfGeneration(int token) {
        ensureOpen();
        checkToken(token);
        return lib.llama_vocab_is_eog(vocab, token);
    }

    /**
     * Tokenizes UTF-8 text; addSpecial adds BOS where the model wants it, parseSpecial reads special tokens
     * (only for template markup: message content is tokenized with it off, so it stays text).
     */
    public int[] tokenize(String text, boolean addSpecial, boolean parseSpecial) {
        ensureOpen();
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        int[] tokens = new int[bytes.length + 2];
        int n = lib.llama_tokenize(vocab, bytes, bytes.length, tokens, tokens.length, addSpecial, parseSpecial);
        if (n < 0) {
            tokens = new int[-n];
            n = lib.llama_tokenize(vocab, bytes, bytes.length, tokens, tokens.length, addSpecial, parseSpecial);
        }
        if (n < 0) {
            throw new LlamaCppException("tokenization failed for a text of " + bytes.length + " bytes");
        }
        return java.util.Arrays.copyOf(tokens, n);
    }

    /** The UTF-8 bytes of one token (possibly part of a character); special tokens render as empty. */
    public byte[] tokenBytes(int token) {
        ensureOpen();
        checkToken(token);
        byte[] buf = new byte[64];
        int n = lib.llama_token_to_piece(vocab, token, buf, buf.length, 0, false);
        if (n < 0) {
            buf = new byte[-n];
            n = lib.llama_token_to_piece(vocab, token, buf, buf.length, 0, false);
        }
        return java.util.Arrays.copyOf(buf, Math.max(n, 0));
    }

    /**
     * Formats messages with one of llama.cpp's built-in template formats, named as llama.cpp names them
     * ({@code chatml}, {@code llama3}, ...; for a model without a template of its own).
     */
    public String applyBuiltinTemplate(String templateName, List<String> roles, List<String> contents,
                                       boolean addAssistantPrefix) {
        ensureOpen();
        Objects.requireNonNull(templateName, "templateName");
        List<Memory> keepAlive = new ArrayList<>();
        Memory messages = new Memory((long) Math.max(1, roles.size()) * 2 * Native.POINTER_SIZE);
        int totalBytes = 0;
        for (int i = 0; i < roles.size(); i++) {
            Memory role = cString(roles.get(i));
            Memory content = cString(contents.get(i));
            keepAlive.add(role);
            keepAlive.add(content);
            totalBytes += (int) content.size() + (int) role.size();
            messages.setPointer((long) i * 2 * Native.POINTER_SIZE, role);
            messages.setPointer((long) (i * 2 + 1) * Native.POINTER_SIZE, content);
        }
        byte[] buf = new byte[totalBytes * 2 + 256];
        int n = lib.llama_chat_apply_template(templateName, messages, roles.size(), addAssistantPrefix, buf, buf.length);
        if (n > buf.length) {
            buf = new byte[n];
            n = lib.llama_chat_apply_template(templateName, messages, roles.size(), addAssistantPrefix, buf, buf.length);
        }
        if (n < 0) {
            throw new LlamaCppException("llama.cpp has no built-in chat template named '" + templateName + "'");
        }
        keepAlive.clear();
        return new String(buf, 0, n, StandardCharsets.UTF_8);
    }

    /** The text of the beginning-of-sequence token (as chat templates write it), or "" if the model has none. */
    public String bosText() {
        return specialText(lib.llama_vocab_bos(vocab));
    }

    /** The text of the end-of-sequence token, or "" if the model has none. */
    public String eosText() {
        return specialText(lib.llama_vocab_eos(vocab));
    }

    /** The id of the beginning-of-sequence token, or -1. */
    public int bosToken() {
        ensureOpen();
        return lib.llama_vocab_bos(vocab);
    }

    private String specialText(int token) {
        ensureOpen();
        if (token < 0 || token >= nVocab) {
            return "";
        }
        byte[] buf = new byte[256];
        int n = lib.llama_token_to_piece(vocab, token, buf, buf.length, 0, true);
        return n <= 0 ? "" : new String(buf, 0, n, StandardCharsets.UTF_8);
    }

    /** Decodes prompt tokens of sequence 0 (see {@link #decodeTokens(int[], int, int, int, int)}). */
    public void decodeTokens(int[] tokens, int from, int count, int pos0) {
        decodeTokens(tokens, from, count, pos0, 0);
    }

    /**
     * Decodes tokens at positions {@code pos0..} of one sequence; logits are computed for the last one only
     * (batch index {@code count - 1}). The caller splits input longer than {@link #batchSize()}.
     */
    public void decodeTokens(int[] tokens, int from, int count, int pos0, int seq) {
        ensureOpen();
        if (count < 1 || count > nBatch) {
            throw new IllegalArgumentException("a batch holds 1.." + nBatch + " tokens, not " + count);
        }
        if (from < 0 || from + count > tokens.length) {
            throw new IllegalArgumentException("tokens " + from + ".." + (from + count - 1) + " are outside the array of "
                    + tokens.length);
        }
        checkSequence(seq);
        checkPositions(pos0, count);
        for (int i = 0; i < count; i++) {
            int token = tokens[from + i];
            checkToken(token);
            tokenBuf.setInt((long) i * Integer.BYTES, token);
            posBuf.setInt((long) i * Integer.BYTES, pos0 + i);
            seqIdBuf.setInt((long) i * Integer.BYTES, seq);
            logitsFlags.setByte(i, (byte) (i == count - 1 ? 1 : 0));
        }
        batch.token = tokenBuf;
        batch.embd = null;
        submit(count);
    }

    /** Decodes one input embedding of sequence 0 at {@code pos}, with logits. */
    public void decodeEmbedding(float[] embedding, int pos) {
        decodeStep(1, new int[]{0}, new int[]{pos}, null, new float[][]{embedding});
    }

    /**
     * One decoding step of several sequences: input {@code i} (a token id, or an embedding when
     * {@code embeddings} is given) goes to sequence {@code seqs[i]} at position {@code positions[i]}, and
     * logits are computed for every input (read them with batch index {@code i}).
     */
    public void decodeStep(int n, int[] seqs, int[] positions, int[] tokens, float[][] embeddings) {
        ensureOpen();
        if (n < 1 || n > nBatch) {
            throw new IllegalArgumentException("a batch holds 1.." + nBatch + " inputs, not " + n);
        }
        if ((tokens == null) == (embeddings == null)) {
            throw new IllegalArgumentException("a step feeds either tokens or embeddings");
        }
        for (int i = 0; i < n; i++) {
            checkSequence(seqs[i]);
            checkPositions(positions[i], 1);
            if (tokens != null) {
                checkToken(tokens[i]);
                tokenBuf.setInt((long) i * Integer.BYTES, tokens[i]);
            } else {
                if (embeddings[i].length != nEmbd) {
                    throw new IllegalArgumentException("an input embedding has " + nEmbd + " values, not " + embeddings[i].length);
                }
                embdBuf.write((long) i * nEmbd * Float.BYTES, embeddings[i], 0, nEmbd);
            }
            posBuf.setInt((long) i * Integer.BYTES, positions[i]);
            seqIdBuf.setInt((long) i * Integer.BYTES, seqs[i]);
            logitsFlags.setByte(i, (byte) 1);
        }
        batch.token = tokens != null ? tokenBuf : null;
        batch.embd = tokens != null ? null : embdBuf;
        submit(n);
    }

    /**
     * Starts a batch of mixed inputs, filled with {@link #batchToken}, {@link #batchEmbedding} and
     * {@link #batchPrompt} and decoded by {@link #batchDecode}: the decode loop's steps, where one call carries
     * the running sequences' next inputs and a chunk of a new prompt. A batch goes either through token ids or,
     * when {@code embeddings}, through {@code batch.embd}; there token ids are fed as their own embedding rows
     * (in the scale of the embedding path, see {@link #embeddingRow}).
     */
    public void batchBegin(boolean embeddings) {
        ensureOpen();
        batchInputs = 0;
        batchEmbeddings = embeddings;
    }

    /** Adds one token of sequence {@code seq} at {@code pos}; returns its batch index (to read its logits). */
    public int batchToken(int seq, int pos, int token, boolean logits) {
        checkToken(token);
        int i = nextInput(seq, pos, logits);
        if (batchEmbeddings) {
            java.util.Arrays.fill(rowScratch, 0f); // the same arithmetic as MoI's mixture of one row at weight 1
            embeddings.addScaledRow(token, 1.0, rowScratch);
            embdBuf.write((long) i * nEmbd * Float.BYTES, rowScratch, 0, nEmbd);
        } else {
            tokenBuf.setInt((long) i * Integer.BYTES, token);
        }
        return i;
    }

    /** Adds one input embedding of sequence {@code seq} at {@code pos}, in a batch begun with embeddings. */
    public int batchEmbedding(int seq, int pos, float[] embedding, boolean logits) {
        if (!batchEmbeddings) {
            throw new IllegalStateException("this batch feeds token ids, not embeddings");
        }
        if (embedding.length != nEmbd) {
            throw new IllegalArgumentException("an input embedding has " + nEmbd + " values, not " + embedding.length);
        }
        int i = nextInput(seq, pos, logits);
        embdBuf.write((long) i * nEmbd * Float.BYTES, embedding, 0, nEmbd);
        return i;
    }

    /**
     * Adds prompt tokens {@code from..from+count-1} of sequence {@code seq} at positions {@code pos0..}, with
     * logits for the last one only when {@code logitsForLast}; returns the batch index of the last one.
     */
    public int batchPrompt(int seq, int pos0, int[] tokens, int from, int count, boolean logitsForLast) {
        if (count < 1 || from < 0 || from + count > tokens.length) {
            throw new IllegalArgumentException("tokens " + from + ".." + (from + count - 1) + " are outside the array of "
                    + tokens.length);
        }
        int last = -1;
        for (int k = 0; k < count; k++) {
            last = batchToken(seq, pos0 + k, tokens[from + k], logitsForLast && k == count - 1);
        }
        return last;
    }

    /** Inputs in the batch begun last. */
    public int batchInputs() {
        return batchInputs;
    }

    /** The sequence of input {@code batchIndex} in the batch begun last (tests: the order a step feeds). */
    public int batchSequence(int batchIndex) {
        if (batchIndex < 0 || batchIndex >= batchInputs) {
            throw new IndexOutOfBoundsException("batch index " + batchIndex + " of " + batchInputs + " inputs");
        }
        return seqIdBuf.getInt((long) batchIndex * Integer.BYTES);
    }

    /** Decodes the batch begun last. */
    public void batchDecode() {
        ensureOpen();
        if (batchInputs < 1) {
            throw new IllegalStateException("the batch is empty");
        }
        batch.token = batchEmbeddings ? null : tokenBuf;
        batch.embd = batchEmbeddings ? embdBuf : null;
        submit(batchInputs);
    }

    private int nextInput(int seq, int pos, boolean logits) {
        ensureOpen();
        if (batchInputs >= nBatch) {
            throw new IllegalArgumentException("a batch holds at most " + nBatch + " inputs");
        }
        checkSequence(seq);
        checkPositions(pos, 1);
        int i = batchInputs++;
        posBuf.setInt((long) i * Integer.BYTES, pos);
        seqIdBuf.setInt((long) i * Integer.BYTES, seq);
        logitsFlags.setByte(i, (byte) (logits ? 1 : 0));
        return i;
    }

    private void submit(int count) {
        batch.n_tokens = count;
        batch.pos = posBuf;
        batch.n_seq_id = nSeqIdBuf;
        batch.seq_id = seqIdPtrs;
        batch.logits = logitsFlags;
        int rc = lib.llama_decode(ctx, batch);
        if (rc == 1) {
            throw new LlamaCppException("llama_decode found no free KV cache slot (context of " + nCtx + " tokens is full)");
        }
        if (rc != 0) {
            throw new LlamaCppException("llama_decode failed with code " + rc);
        }
    }

    /** Copies the logits of the last decoded input into {@code out} (length >= vocabSize). */
    public void readLogits(float[] out) {
        readLogits(-1, out);
    }

    /** Copies the logits of input {@code batchIndex} of the last decode (-1: the last input) into {@code out}. */
    public void readLogits(int batchIndex, float[] out) {
        ensureOpen();
        Pointer logits = lib.llama_get_logits_ith(ctx, batchIndex);
        if (logits == null) {
            throw new LlamaCppException("no logits: nothing was decoded with logits requested");
        }
        logits.read(0, out, 0, nVocab);
    }

    /**
     * Makes the end-of-generation tokens and the other control tokens (they print nothing) impossible for input
     * {@code batchIndex} of the last decode: their logits in llama.cpp's buffer become -infinity, so every later
     * read and the sampler see them so.
     */
    public void suppressEndAndControlTokens(int batchIndex) {
        ensureOpen();
        Pointer logits = lib.llama_get_logits_ith(ctx, batchIndex);
        if (logits == null) {
            throw new LlamaCppException("no logits: nothing was decoded with logits requested");
        }
        for (int token : endAndControlTokens()) {
            logits.setFloat(4L * token, Float.NEGATIVE_INFINITY);
        }
    }

    /** The vocabulary's end-of-generation and control tokens, found once. */
    private int[] endAndControlTokens() {
        if (endAndControl == null) {
            endAndControl = IntStream.range(0, nVocab)
                    .filter(token -> lib.llama_vocab_is_eog(vocab, token) || lib.llama_vocab_is_control(vocab, token))
                    .toArray();
        }
        return endAndControl;
    }

    /** The logit of one token for input {@code batchIndex} of the last decode (reads 4 bytes, not the vocabulary). */
    public float logit(int batchIndex, int token) {
        ensureOpen();
        Objects.checkIndex(token, nVocab);
        Pointer logits = lib.llama_get_logits_ith(ctx, batchIndex);
        if (logits == null) {
            throw new LlamaCppException("no logits: nothing was decoded with logits requested");
        }
        return logits.getFloat(4L * token);
    }

    /** Forgets every cached position. */
    public void clearCache() {
        ensureOpen();
        binding.clearMemory(ctx);
    }

    /** Forgets cached positions from {@code pos} on (sequence 0); see {@link #trimCache(int, int)}. */
    public boolean trimCache(int pos) {
        return trimCache(0, pos);
    }

    /**
     * Whether {@link #copyCache} can move a cached prompt between sequences: the current llama.cpp, with a KV cache
     * per sequence, on a model of attention layers only.
     */
    public boolean canCopyCache() {
        return sequenceCachesApart() && canCopySequences;
    }

    /**
     * Replaces the cache of sequence {@code to} with a copy of the whole cache of {@code from} (both keep it); the
     * data is copied at the next decode, one buffer the size of a sequence's context.
     */
    public void copyCache(int from, int to) {
        ensureOpen();
        checkSequence(from);
        checkSequence(to);
        if (!canCopyCache() || from == to) {
            throw new IllegalStateException("cannot copy the cache of sequence " + from + " to " + to
                    + (from == to ? "" : " on this model and llama.cpp (see canCopyCache)"));
        }
        binding.copySequence(ctx, from, to);
    }

    /**
     * Forgets the cached positions of a sequence from {@code pos} on (0: all of them). Returns false, with the whole
     * sequence forgotten, where llama.cpp cannot cut it at {@code pos}: a model with recurrent layers (Mamba, RWKV,
     * hybrids) keeps one state for the whole sequence.
     */
    public boolean trimCache(int seq, int pos) {
        ensureOpen();
        checkSequence(seq);
        if (binding.removeFromMemory(ctx, seq, pos)) {
            return true;
        }
        if (pos == 0 || !binding.removeFromMemory(ctx, seq, 0)) {
            throw new LlamaCppException("llama.cpp could not clear the cache of sequence " + seq);
        }
        return false;
    }

    /** The scaled input embedding row of a token, as fed through {@code batch.embd}. */
    public float[] embeddingRow(int token) {
        ensureOpen();
        return embeddings.row(token);
    }

    /** Adds {@code weight * e(token)} (scaled for the embedding path) to {@code acc}. */
    public void addEmbedding(int token, double weight, float[] acc) {
        ensureOpen();
        embeddings.addScaledRow(token, weight, acc);
    }

    /** A sampler for this model; the caller closes it. */
    public NativeSampler newSampler(SamplerParams options, String grammar) {
        ensureOpen();
        return new NativeSampler(binding, vocab, ctx, options, grammar, this);
    }

    /** The native vocabulary and context, for tests of this package that call llama.cpp directly. */
    Pointer vocabPointer() {
        return vocab;
    }

    Pointer contextPointer() {
        return ctx;
    }

    /** True once {@link #close()} ran. */
    public boolean isClosed() {
        return closed;
    }

    /** Frees the native model and context; later calls throw {@link IllegalStateException}. Idempotent. */
    @Override
    public void close() {
        closed = true;
        cleanable.clean();
    }

    /** Native memory is gone after close: every call that would touch it fails in Java instead. */
    void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("the model " + file.name() + " is closed");
        }
    }

    private void checkToken(int token) {
        if (token < 0 || token >= nVocab) {
            throw new IllegalArgumentException("token id " + token + " is outside the vocabulary [0, " + nVocab + ")");
        }
    }

    private void checkSequence(int seq) {
        if (seq < 0 || seq >= nSequences) {
            throw new IllegalArgumentException("sequence id " + seq + " is outside [0, " + nSequences + ")");
        }
    }

    private void checkPositions(int pos0, int count) {
        if (pos0 < 0 || pos0 + count > nCtx) {
            throw new IllegalArgumentException("positions " + pos0 + ".." + (pos0 + count - 1)
                    + " are outside the context of " + nCtx + " tokens");
        }
    }

    private static Memory cString(String s) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        Memory m = new Memory(bytes.length + 1L);
        m.write(0, bytes, 0, bytes.length);
        m.setByte(bytes.length, (byte) 0);
        return m;
    }

    /** Frees the native model and context once, from close() or when the model became unreachable. */
    private record Release(LlamaCommon lib, Pointer model, Pointer ctx, TokenEmbeddings embeddings) implements Runnable {
        @Override
        public void run() {
            embeddings.close();
            lib.llama_free(ctx);
            lib.llama_model_free(model);
        }
    }
}
