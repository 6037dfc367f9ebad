package io.github.langchain4j.moi.engine;

import io.github.langchain4j.moi.llamacpp.NativeModel;
import io.github.langchain4j.moi.llamacpp.NativeSampler;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.stream.IntStream;

/**
 * The decode loop of all active sequences, run by the engine's decoding thread alone.
 *
 * <p>Each step decodes one pending input per active sequence in a single batch, then, per sequence: read the
 * raw logits, sample token {@code y}, emit its text, and prepare the next input (the MoI mixture, or {@code y}).
 * A step feeds token ids when every active sequence is in OFF mode and embeddings otherwise (an OFF sequence
 * then feeds its token's embedding row, which gives the same logits, see EmbeddingPathIT).
 */
final class DecodeLoop {

    /** Prompt tokens per decode call during prefill, and the granularity of prompt-cache reuse. */
    static final int PREFILL_BLOCK = 64;

    private final NativeModel model;
    private final BooleanSupplier closed;
    private final MoiFeedback.OffPath offPath;
    private final Slot[] slots;
    private final List<Sequence> active = new ArrayList<>();
    private final float[] logits;
    private final int[] stepSeqs;
    private final int[] stepPositions;
    private final int[] stepTokens;
    private final float[][] stepEmbeddings;
    private volatile int activeCount;
    private volatile int lastReusedTokens;
    private long useCounter;
    // time accounting of the generation steps (prefill excluded), read by benchmarks
    private volatile long steps;
    private volatile long decodeNanos;
    private volatile long sampleNanos;
    private volatile long javaNanos;

    DecodeLoop(NativeModel model, BooleanSupplier closed, MoiFeedback.OffPath offPath) {
        this.model = model;
        this.closed = closed;
        this.offPath = offPath;
        this.slots = new Slot[model.sequences()];
        for (int i = 0; i < slots.length; i++) {
            slots[i] = new Slot(i);
        }
        this.logits = new float[model.vocabSize()];
        this.stepSeqs = new int[slots.length];
        this.stepPositions = new int[slots.length];
        this.stepTokens = new int[slots.length];
        this.stepEmbeddings = new float[slots.length][];
    }

    boolean hasActive() {
        return !active.isEmpty();
    }

    boolean hasFreeSequence(int reserved) {
        return active.size() + reserved < slots.length;
    }

    int activeCount() {
        return activeCount;
    }

    int lastReusedTokens() {
        return lastReusedTokens;
    }

    DecodeTimings timings() {
        return new DecodeTimings(steps, decodeNanos, sampleNanos, javaNanos);
    }

    /** Prefills a new request's prompt in a free sequence and samples its first token. */
    void start(Job job) {
        Slot slot = null;
        Sequence seq = null;
        try {
            if (job.isCancelled()) { // cancelled between admission and start
                job.complete(new GenerationResult("", new int[0], 0, FinishReason.CANCELLED, List.of()));
                return;
            }
            int[] prompt = tokenize(job.request.prompt());
            slot = pickSlot(prompt);
            slot.busy = true;
            MoiFeedback feedback = new MoiFeedback(model, job.request.moi(), job.request.trace(), offPath);
            seq = new Sequence(job, slot, model.newSampler(NativeParams.toSamplerParams(job.request.sampling()),
                    job.request.grammar()), feedback, prompt.length, model.contextSize());
            int lastIndex = prefill(slot, prompt);
            active.add(seq);
            activeCount = active.size();
            advance(seq, lastIndex);
        } catch (RuntimeException | Error e) { // a listener's Error too: it must not end the decoding thread
            if (seq != null) {
                fail(seq, e);
            } else {
                if (slot != null) {
                    slot.forget(model);
                }
                job.fail(e);
            }
        }
    }

    /** Decodes one input of every active sequence, then advances each. */
    void step() {
        if (active.isEmpty()) {
            return;
        }
        long start = System.nanoTime();
        int n = active.size();
        boolean tokensOnly = true;
        for (Sequence seq : active) {
            tokensOnly &= seq.pendingEmbedding == null;
        }
        for (int i = 0; i < n; i++) {
            Sequence seq = active.get(i);
            stepSeqs[i] = seq.slot.id;
            stepPositions[i] = seq.pos;
            stepTokens[i] = seq.pendingToken;
            stepEmbeddings[i] = seq.pendingEmbedding != null ? seq.pendingEmbedding : tokensOnly ? null
                    : seq.feedback.row(seq.pendingToken);
        }
        long decodeStart = System.nanoTime();
        try {
            if (tokensOnly) {
                model.decodeStep(n, stepSeqs, stepPositions, stepTokens, null);
            } else {
                model.decodeStep(n, stepSeqs, stepPositions, null, stepEmbeddings);
            }
        } catch (RuntimeException | Error e) {
            for (Sequence seq : new ArrayList<>(active)) {
                fail(seq, e);
            }
            return;
        }
        long decodeEnd = System.nanoTime();
        long sampleBefore = sampleNanos;
        List<Sequence> stepped = new ArrayList<>(active);
        for (int i = 0; i < n; i++) {
            Sequence seq = stepped.get(i);
            seq.pos++;
            try {
                advance(seq, i);
            } catch (RuntimeException | Error e) { // a listener's Error fails its own request only
                fail(seq, e);
            }
        }
        long end = System.nanoTime();
        steps++;
        decodeNanos += decodeEnd - decodeStart;
        javaNanos += (decodeStart - start) + (end - decodeEnd) - (sampleNanos - sampleBefore);
    }

    /** Ends every active sequence with CANCELLED (the engine is closing); a listener that throws fails its own. */
    void cancelAll() {
        for (Sequence seq : new ArrayList<>(active)) {
            try {
                finish(seq, FinishReason.CANCELLED);
            } catch (RuntimeException | Error e) {
                fail(seq, e);
            }
        }
    }

    /**
     * One generated position of one sequence, from input {@code batchIndex} of the last decode: sample the
     * token, emit its text, compute MoI's next input from the token and the logits, then stop or queue it.
     */
    private void advance(Sequence seq, int batchIndex) {
        GenerationRequest request = seq.job.request;
        if (closed.getAsBoolean() || seq.job.isCancelled()) {
            finish(seq, FinishReason.CANCELLED);
            return;
        }
        // 1. the token: llama.cpp's standard sampler over the logits (MoI leaves sampling as it is)
        if (seq.feedback.readsLogits()) {
            model.readLogits(batchIndex, logits); // raw logits, before the sampler's temperature and truncation
        }
        long sampleStart = System.nanoTime();
        int token = seq.sampler.sample(batchIndex);
        sampleNanos += System.nanoTime() - sampleStart;
        checkFinite(seq.feedback.readsLogits() ? logits[token] : model.logit(batchIndex, token), seq.count);
        if (model.isEndOfGeneration(token)) {
            finish(seq, FinishReason.STOP);
            return;
        }

        // 2. its text: the output is the sampled tokens
        seq.generated[seq.count++] = token;
        byte[] bytes = model.tokenBytes(token);
        seq.emit(seq.stops.append(seq.utf8.append(bytes)));

        // 3. MoI: the mixture of the sampled token and the distribution becomes the next input
        Mixture mixture = seq.feedback.mix(token, logits, seq.count);
        if (request.trace()) {
            MoiStep step = new MoiStep(seq.count - 1, token, new String(bytes, StandardCharsets.UTF_8),
                    request.moi().mode(), request.moi().beta(), mixture);
            seq.trace.add(step);
            seq.job.listener.onStep(step);
        }

        // 4. stop, or queue the next input for the next step
        if (seq.stops.stopped()) {
            finish(seq, FinishReason.STOP);
        } else if (seq.count >= request.maxTokens() || seq.pos >= model.contextSize()) {
            finish(seq, FinishReason.LENGTH);
        } else {
            seq.pendingToken = token;
            seq.pendingEmbedding = seq.feedback.nextInput(mixture);
        }
    }

    /**
     * NaN or infinite weights make every logit NaN or infinite, and the sampler then still picks some token:
     * the sampled token's logit is checked in every mode (reading one float costs nothing next to a decode).
     */
    private void checkFinite(float sampledLogit, int count) {
        if (!Float.isFinite(sampledLogit)) {
            throw new MoiEngineException("model " + model.name() + " gave a non-finite logit (" + sampledLogit
                    + ") for its next token after " + count + " tokens (damaged weights?)");
        }
    }

    private void finish(Sequence seq, FinishReason reason) {
        if (!seq.stops.stopped()) {
            seq.emit(seq.stops.append(seq.utf8.flush()));
            seq.emit(seq.stops.flush());
        }
        release(seq);
        seq.job.complete(new GenerationResult(seq.text.toString(), Arrays.copyOf(seq.generated, seq.count),
                seq.promptLength, reason, List.copyOf(seq.trace)));
    }

    private void fail(Sequence seq, Throwable error) {
        seq.slot.forget(model);
        release(seq);
        seq.job.fail(error);
    }

    /** Frees the sequence's generated positions at once; its prompt stays cached for the next request. */
    private void release(Sequence seq) {
        seq.sampler.close();
        if (seq.slot.cachedCount > 0) {
            model.trimCache(seq.slot.id, seq.slot.cachedCount);
        }
        seq.slot.busy = false;
        active.remove(seq);
        activeCount = active.size();
    }

    private int[] tokenize(PromptText prompt) {
        if (prompt.isEmpty()) {
            throw new IllegalArgumentException("prompt must not be empty");
        }
        int[] tokens = tokenize(model, prompt);
        if (tokens.length == 0) {
            throw new IllegalArgumentException("prompt has no tokens");
        }
        checkPromptFits(tokens.length, model.contextSize());
        return tokens;
    }

    private static void checkPromptFits(int promptTokens, int contextSize) {
        if (promptTokens >= contextSize) {
            throw new ContextOverflowException("prompt has " + promptTokens + " tokens but the context holds "
                    + contextSize + " (including at least one generated token); shorten the prompt or raise contextSize");
        }
    }

    /** Markup with special tokens parsed, text without; BOS where the model wants one, once. */
    static int[] tokenize(NativeModel model, PromptText prompt) {
        IntStream.Builder all = IntStream.builder();
        boolean first = true;
        for (PromptText.Part part : prompt.parts()) {
            for (int token : model.tokenize(part.text(), first, part.markup())) {
                all.add(token);
            }
            first = false;
        }
        int[] tokens = all.build().toArray();
        // a template that writes bos_token itself, on a model that adds BOS: keep one, as llama.cpp's server does
        int bos = model.bosToken();
        if (tokens.length > 1 && bos >= 0 && tokens[0] == bos && tokens[1] == bos) {
            tokens = Arrays.copyOfRange(tokens, 1, tokens.length);
        }
        return tokens;
    }

    /** The free sequence whose cached prompt shares the longest prefix with this one; on a tie, the least recently used. */
    private Slot pickSlot(int[] prompt) {
        Slot best = null;
        int bestCommon = -1;
        for (Slot slot : slots) {
            if (!slot.busy) {
                int common = slot.commonPrefix(prompt);
                if (common > bestCommon || (common == bestCommon && slot.lastUsed < best.lastUsed)) {
                    best = slot;
                    bestCommon = common;
                }
            }
        }
        if (best == null) {
            throw new IllegalStateException("no free sequence"); // the engine admits only what fits
        }
        best.lastUsed = ++useCounter;
        return best;
    }

    /** Decodes the prompt in aligned blocks, reusing whole cached blocks; returns the batch index of its logits. */
    private int prefill(Slot slot, int[] prompt) {
        int block = Math.min(PREFILL_BLOCK, model.batchSize());
        int reuse = Math.min(slot.commonPrefix(prompt), prompt.length - 1) / block * block; // last token: logits
        slot.cachedCount = 0; // invalid until the prefill succeeds
        model.trimCache(slot.id, reuse);
        int last = 0;
        for (int from = reuse; from < prompt.length; from += block) {
            int count = Math.min(block, prompt.length - from);
            model.decodeTokens(prompt, from, count, from, slot.id);
            last = count - 1;
        }
        slot.cachedTokens = prompt;
        slot.cachedCount = prompt.length;
        lastReusedTokens = reuse;
        return last;
    }

    /** One KV-cache sequence and the prompt cached in it. */
    private static final class Slot {
        final int id;
        boolean busy;
        long lastUsed;
        int[] cachedTokens = new int[0];
        int cachedCount;

        Slot(int id) {
            this.id = id;
        }

        int commonPrefix(int[] prompt) {
            int limit = Math.min(cachedCount, prompt.length);
            int n = 0;
            while (n < limit && cachedTokens[n] == prompt[n]) {
                n++;
            }
            return n;
        }

        void forget(NativeModel model) {
            cachedCount = 0;
            if (!model.isClosed()) {
                model.trimCache(id, 0);
            }
        }
    }

    /** The state of one generation. */
    private static final class Sequence {
        final Job job;
        final Slot slot;
        final NativeSampler sampler;
        final MoiFeedback feedback;
        final int promptLength;
        final Utf8Accumulator utf8 = new Utf8Accumulator();
        final StopStringMatcher stops;
        final StringBuilder text = new StringBuilder();
        final List<MoiStep> trace = new ArrayList<>();
        final int[] generated;
        int count;
        int pos;
        int pendingToken;
        float[] pendingEmbedding; // null: feed pendingToken by id

        Sequence(Job job, Slot slot, NativeSampler sampler, MoiFeedback feedback, int promptLength, int contextSize) {
            this.job = job;
            this.slot = slot;
            this.sampler = sampler;
            this.feedback = feedback;
            this.promptLength = promptLength;
            this.pos = promptLength;
            GenerationRequest request = job.request;
            this.stops = new StopStringMatcher(request.stopStrings());
            this.generated = new int[Math.min(request.maxTokens(), contextSize)];
        }

        void emit(String piece) {
            if (!piece.isEmpty()) {
                text.append(piece);
                job.listener.onText(piece);
            }
        }
    }
}
