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
            GenerationRequest request = job.request;
            MoiFeedback feedback = new MoiFeedback(model, request.moi(), request.trace(), offPath);
            SegmentSplitter splitter = SegmentSplitter.forPrompt(request.thinking(), request.prompt().asString(),
                    request.grammar() != null);
            int[] closeTokens = request.thinking() == null ? new int[0]
                    : model.tokenize("\n" + request.thinking().close() + "\n\n", false, true);
            seq = new Sequence(job, slot, feedback, splitter, closeTokens, prompt.length, model.contextSize());
            // The grammar (JSON schema, tool calls) constrains the answer only: the thinking is sampled without
            // it, and the grammar's sampler takes over once the segment is closed, starting at the answer's first
            // token. (The other way, one grammar "segment answer", would have to accept the closing marker the
            // engine forces at the budget, and would check every thinking token against the grammar for nothing.)
            seq.answerSampler = model.newSampler(NativeParams.toSamplerParams(request.sampling()), request.grammar());
            seq.thinkingSampler = request.grammar() == null || splitter.state() == SegmentSplitter.State.ANSWER
                    ? seq.answerSampler : model.newSampler(NativeParams.toSamplerParams(request.sampling()), null);
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
        // 1. the token: llama.cpp's standard sampler over the logits (MoI leaves sampling as it is), or the
        //    next token of a closing marker the engine feeds
        boolean forced = seq.forcing();
        int token;
        if (forced) {
            token = seq.nextForced();
        } else {
            if (seq.feedback.readsLogits()) {
                model.readLogits(batchIndex, logits); // raw logits, before the sampler's temperature and truncation
            }
            long sampleStart = System.nanoTime();
            token = seq.sampler().sample(batchIndex);
            sampleNanos += System.nanoTime() - sampleStart;
            checkFinite(seq.feedback.readsLogits() ? logits[token] : model.logit(batchIndex, token), seq.count);
            if (model.isEndOfGeneration(token)) {
                if (seq.splitter.state() != SegmentSplitter.State.THINKING) {
                    finish(seq, FinishReason.STOP);
                    return;
                }
                // the model ended its turn inside its thinking: close the segment, an answer follows
                seq.closeSegment();
                token = seq.nextForced();
                forced = true;
            }
        }

        // 2. its text: the output is the sampled tokens, split into thinking and answer
        SegmentSplitter.State before = seq.splitter.state();
        seq.generated[seq.count++] = token;
        byte[] bytes = model.tokenBytes(token);
        if (!forced) {
            seq.splitter.accept(seq.utf8.append(bytes), seq);
        }
        SegmentSplitter.State after = seq.splitter.state();
        Segment segment = forced || after != SegmentSplitter.State.ANSWER || before == SegmentSplitter.State.THINKING
                ? Segment.THINKING : Segment.ANSWER;
        if (segment == Segment.THINKING) {
            seq.thinkingCount++;
        } else {
            seq.answerCount++;
        }

        // 3. MoI: the mixture of the sampled token and the distribution becomes the next input (within its scope)
        Mixture mixture = forced ? MoiFeedback.tokenAlone(token) : seq.feedback.mix(token, logits, seq.count, segment);
        if (request.trace()) {
            boolean mixed = !forced && request.moi().scope().covers(segment);
            MoiStep step = new MoiStep(seq.count - 1, token, new String(bytes, StandardCharsets.UTF_8),
                    mixed ? request.moi().mode() : MoiMode.OFF, request.moi().beta(), mixture, segment);
            seq.trace.add(step);
            seq.job.listener.onStep(step);
        }
        if (!forced && after == SegmentSplitter.State.THINKING && thinkingMustEnd(seq)) {
            seq.closeSegment(); // the next steps feed the closing marker
        }

        // 4. stop, or queue the next input for the next step
        if (seq.stops.stopped()) {
            finish(seq, FinishReason.STOP);
        } else if (seq.answerCount >= request.maxTokens() || seq.pos >= model.contextSize()) {
            finish(seq, FinishReason.LENGTH);
        } else {
            seq.pendingToken = token;
            seq.pendingEmbedding = forced ? null : seq.feedback.nextInput(mixture, segment);
        }
    }

    /**
     * Whether the thinking must be closed now: its budget is spent, or the context has just room left for the
     * closing marker and the start of an answer.
     */
    private boolean thinkingMustEnd(Sequence seq) {
        GenerationRequest request = seq.job.request;
        int answerRoom = Math.min(request.maxTokens(), 16);
        return seq.thinkingCount >= request.thinking().budget()
                || model.contextSize() - seq.pos <= seq.closeTokens.length + answerRoom;
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
            seq.splitter.accept(seq.utf8.flush(), seq);
            seq.splitter.finish(seq);
            seq.emit(seq.stops.flush());
        }
        release(seq);
        seq.job.complete(new GenerationResult(seq.text.toString(), Arrays.copyOf(seq.generated, seq.count),
                seq.promptLength, reason, List.copyOf(seq.trace), seq.thinking.toString()));
    }

    private void fail(Sequence seq, Throwable error) {
        seq.slot.forget(model);
        release(seq);
        seq.job.fail(error);
    }

    /** Frees the sequence's generated positions at once; its prompt stays cached for the next request. */
    private void release(Sequence seq) {
        if (seq.thinkingSampler != null && seq.thinkingSampler != seq.answerSampler) {
            seq.thinkingSampler.close();
        }
        if (seq.answerSampler != null) {
            seq.answerSampler.close();
        }
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
    private static final class Sequence implements SegmentSplitter.Sink {
        final Job job;
        final Slot slot;
        final MoiFeedback feedback;
        final SegmentSplitter splitter;
        final int[] closeTokens;
        final int promptLength;
        final Utf8Accumulator utf8 = new Utf8Accumulator();
        final StopStringMatcher stops;
        final StringBuilder text = new StringBuilder();
        final StringBuilder thinking = new StringBuilder();
        final List<MoiStep> trace = new ArrayList<>();
        final int[] generated;
        NativeSampler thinkingSampler; // the same as answerSampler without a grammar
        NativeSampler answerSampler;
        int count;
        int thinkingCount;
        int answerCount;
        int forcedAt = -1; // next index in closeTokens while the closing marker is fed, else -1
        int pos;
        int pendingToken;
        float[] pendingEmbedding; // null: feed pendingToken by id

        Sequence(Job job, Slot slot, MoiFeedback feedback, SegmentSplitter splitter, int[] closeTokens,
                 int promptLength, int contextSize) {
            this.job = job;
            this.slot = slot;
            this.feedback = feedback;
            this.splitter = splitter;
            this.closeTokens = closeTokens;
            this.promptLength = promptLength;
            this.pos = promptLength;
            GenerationRequest request = job.request;
            this.stops = new StopStringMatcher(request.stopStrings());
            // with thinking, maxTokens counts the answer only: the context bounds the whole
            this.generated = new int[request.thinking() == null ? Math.min(request.maxTokens(), contextSize) : contextSize];
        }

        NativeSampler sampler() {
            return splitter.state() == SegmentSplitter.State.ANSWER ? answerSampler : thinkingSampler;
        }

        boolean forcing() {
            return forcedAt >= 0;
        }

        /** Ends the thinking text now and starts feeding the closing marker. */
        void closeSegment() {
            splitter.accept(utf8.flush(), this);
            splitter.close(this);
            forcedAt = 0;
        }

        int nextForced() {
            int token = closeTokens[forcedAt++];
            if (forcedAt == closeTokens.length) {
                forcedAt = -1;
            }
            return token;
        }

        @Override
        public void thinking(String piece) {
            thinking.append(piece);
            job.listener.onThinking(piece);
        }

        @Override
        public void answer(String piece) {
            emit(stops.append(piece));
        }

        void emit(String piece) {
            if (!piece.isEmpty()) {
                text.append(piece);
                job.listener.onText(piece);
            }
        }
    }
}
