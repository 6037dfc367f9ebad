package io.github.langchain4j.moi.engine;

import io.github.langchain4j.moi.llamacpp.NativeModel;
import io.github.langchain4j.moi.llamacpp.NativeSampler;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.stream.IntStream;

/**
 * The decode loop of all active sequences, run by the engine's decoding thread alone.
 *
 * <p>Each step decodes, in a single batch, one pending input per generating sequence and the next chunk of at
 * most one admitted prompt (chunked prefill: the oldest admitted prompt first, so running streams keep producing
 * while a long prompt is read). Then, per generating sequence: read the raw logits, sample token {@code y}, emit
 * its text, and prepare the next input (the MoI mixture, or {@code y}); a prompt whose last chunk was decoded
 * samples its first token and joins them. A step feeds token ids when every generating sequence is in OFF mode
 * and embeddings otherwise (OFF inputs and prompt tokens then go as their tokens' embedding rows, which give the
 * same logits bit for bit, see MixedBatchIT).
 */
final class DecodeLoop {

    private final NativeModel model;
    private final BooleanSupplier closed;
    private final MoiFeedback.OffPath offPath;
    private final Slot[] slots;
    private final int block; // prompt tokens per step, and the granularity of prompt-cache reuse
    private final List<Sequence> active = new ArrayList<>(); // generating
    private final ArrayDeque<Sequence> prefilling = new ArrayDeque<>(); // admitted, prompt not fully decoded yet
    private final Sequence[] stepped; // the generating sequences of the current step, by batch index
    private final float[] logits;
    private volatile int activeCount;
    private volatile int lastReusedTokens;
    private long useCounter;
    // time accounting of the steps, read by benchmarks (see DecodeTimings)
    private volatile long steps;
    private volatile long decodeNanos;
    private volatile long sampleNanos;
    private volatile long javaNanos;
    private volatile long inputs;
    private volatile long logitsNanos;
    private volatile long mixNanos;
    private volatile long handOverNanos;
    private volatile long promptTokens;
    private volatile long promptSteps;
    private volatile long promptDecodeNanos;

    DecodeLoop(NativeModel model, BooleanSupplier closed, MoiFeedback.OffPath offPath, int prefillChunk) {
        this.model = model;
        this.closed = closed;
        this.offPath = offPath;
        this.slots = new Slot[model.sequences()];
        for (int i = 0; i < slots.length; i++) {
            slots[i] = new Slot(i);
        }
        // a chunk must fit next to one input of every other sequence (the batch holds at least one per sequence)
        this.block = Math.max(1, Math.min(prefillChunk, model.batchSize() - (slots.length - 1)));
        this.logits = new float[model.vocabSize()];
        this.stepped = new Sequence[slots.length];
    }

    boolean hasActive() {
        return !active.isEmpty() || !prefilling.isEmpty();
    }

    boolean hasFreeSequence(int reserved) {
        return active.size() + prefilling.size() + reserved < slots.length;
    }

    /** Prompt tokens per step, and the granularity of prompt-cache reuse. */
    int prefillBlock() {
        return block;
    }

    int activeCount() {
        return activeCount;
    }

    int lastReusedTokens() {
        return lastReusedTokens;
    }

    DecodeTimings timings() {
        return new DecodeTimings(steps, decodeNanos, sampleNanos, javaNanos, inputs, logitsNanos, mixNanos,
                handOverNanos, promptTokens, promptSteps, promptDecodeNanos);
    }

    /**
     * Admits a new request to a free sequence: its prompt is then read chunk by chunk in the next steps, after
     * the cached blocks it shares with the sequence's last prompt.
     */
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
            int reuse = reusable(slot, prompt);
            slot.cachedCount = 0; // invalid until the prefill succeeds
            if (!model.trimCache(slot.id, reuse)) {
                reuse = 0; // a recurrent state cannot be cut back to the shared blocks: the sequence was cleared
            }
            seq.prompt = prompt;
            seq.prefilled = reuse;
            lastReusedTokens = reuse;
            prefilling.add(seq);
            updateActiveCount();
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

    /** Decodes one input of every generating sequence and the next chunk of the oldest admitted prompt, then advances each. */
    void step() {
        dropCancelledPrompts();
        if (active.isEmpty() && prefilling.isEmpty()) {
            return;
        }
        long start = System.nanoTime();
        int n = active.size();
        Sequence reading = prefilling.peekFirst();
        int chunk = reading == null ? 0 : Math.min(block, reading.prompt.length - reading.prefilled);
        boolean promptDone = reading != null && reading.prefilled + chunk == reading.prompt.length;
        int promptLogits = -1;
        long decodeStart;
        long decodeEnd;
        try {
            boolean tokensOnly = true;
            for (Sequence seq : active) {
                tokensOnly &= seq.pendingEmbedding == null;
            }
            model.batchBegin(!tokensOnly);
            for (int i = 0; i < n; i++) {
                Sequence seq = active.get(i);
                stepped[i] = seq;
                if (seq.pendingEmbedding != null) {
                    model.batchEmbedding(seq.slot.id, seq.pos, seq.pendingEmbedding, true);
                } else {
                    model.batchToken(seq.slot.id, seq.pos, seq.pendingToken, true);
                }
            }
            if (reading != null) {
                promptLogits = model.batchPrompt(reading.slot.id, reading.prefilled, reading.prompt, reading.prefilled,
                        chunk, promptDone);
            }
            decodeStart = System.nanoTime();
            model.batchDecode();
            decodeEnd = System.nanoTime();
        } catch (RuntimeException | Error e) {
            for (Sequence seq : new ArrayList<>(active)) {
                fail(seq, e);
            }
            if (reading != null) {
                fail(reading, e);
            }
            return;
        }
        // the step is counted before any sequence advances: a caller woken by its result (which completes in
        // advance) then reads timings that hold the step it ended in; only its Java time after the decode comes later
        steps++;
        inputs += n;
        decodeNanos += decodeEnd - decodeStart;
        if (reading != null) {
            promptSteps++;
            promptTokens += chunk;
            promptDecodeNanos += decodeEnd - decodeStart;
        }
        javaNanos += decodeStart - start;
        long sampleBefore = sampleNanos;
        for (int i = 0; i < n; i++) {
            Sequence seq = stepped[i];
            stepped[i] = null;
            seq.pos++;
            try {
                advance(seq, i);
            } catch (RuntimeException | Error e) { // a listener's Error fails its own request only
                fail(seq, e);
            }
        }
        if (reading != null) {
            reading.prefilled += chunk;
            if (promptDone) {
                prefilling.remove(reading);
                reading.slot.cachedTokens = reading.prompt;
                reading.slot.cachedCount = reading.prompt.length;
                // in ascending sequence id: the current llama.cpp (a KV cache per sequence) puts sequences into one
                // micro-batch only while their ids rise by one in the batch's order (split_equal, sequential)
                int at = 0;
                while (at < active.size() && active.get(at).slot.id < reading.slot.id) {
                    at++;
                }
                active.add(at, reading);
                try {
                    advance(reading, promptLogits);
                } catch (RuntimeException | Error e) {
                    fail(reading, e);
                }
            }
        }
        javaNanos += (System.nanoTime() - decodeEnd) - (sampleNanos - sampleBefore);
    }

    /** A prompt still being read ends at once when its request is cancelled (or the engine closes). */
    private void dropCancelledPrompts() {
        if (prefilling.isEmpty()) {
            return;
        }
        for (Sequence seq : new ArrayList<>(prefilling)) {
            try { // the listener's isCancelled may throw: that fails its own request only
                if (closed.getAsBoolean() || seq.job.isCancelled()) {
                    finish(seq, FinishReason.CANCELLED);
                }
            } catch (RuntimeException | Error e) {
                fail(seq, e);
            }
        }
    }

    /** Ends every active sequence with CANCELLED (the engine is closing); a listener that throws fails its own. */
    void cancelAll() {
        List<Sequence> all = new ArrayList<>(active);
        all.addAll(prefilling);
        for (Sequence seq : all) {
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
            long logitsStart = System.nanoTime();
            if (seq.answerMustStart()) {
                // after a thinking segment the answer is never empty: small models tend to end their turn right
                // after the closing marker, having written the answer inside their thinking; control tokens are
                // held back too, as they print nothing
                model.suppressEndAndControlTokens(batchIndex);
            }
            if (seq.feedback.readsLogits()) {
                model.readLogits(batchIndex, logits); // raw logits, before the sampler's temperature and truncation
            }
            long sampleStart = System.nanoTime();
            logitsNanos += sampleStart - logitsStart;
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
        long handOverStart = System.nanoTime();
        if (!forced) {
            seq.splitter.accept(seq.utf8.append(bytes), seq);
        }
        long mixStart = System.nanoTime();
        handOverNanos += mixStart - handOverStart;
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
        mixNanos += System.nanoTime() - mixStart;
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
            long inputStart = System.nanoTime();
            seq.pendingEmbedding = forced ? null : seq.feedback.nextInput(mixture, segment);
            mixNanos += System.nanoTime() - inputStart;
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
        long start = System.nanoTime();
        try {
            if (!seq.stops.stopped()) {
                seq.splitter.accept(seq.utf8.flush(), seq);
                seq.splitter.finish(seq);
                seq.emit(seq.stops.flush());
            }
            release(seq);
            seq.job.complete(new GenerationResult(seq.text.toString(), Arrays.copyOf(seq.generated, seq.count),
                    seq.promptLength, reason, List.copyOf(seq.trace), seq.thinking.toString()));
        } finally {
            handOverNanos += System.nanoTime() - start;
        }
    }

    private void fail(Sequence seq, Throwable error) {
        prefilling.remove(seq); // a failed prompt's blocks are not kept
        seq.slot.forget(model);
        release(seq);
        seq.job.fail(error);
    }

    /**
     * Frees the sequence's generated positions at once; its prompt stays cached for the next request (of a
     * prompt still being read, the whole blocks read so far).
     */
    private void release(Sequence seq) {
        if (seq.thinkingSampler != null && seq.thinkingSampler != seq.answerSampler) {
            seq.thinkingSampler.close();
        }
        if (seq.answerSampler != null) {
            seq.answerSampler.close();
        }
        if (prefilling.remove(seq) && seq.slot.cachedCount == 0) {
            seq.slot.cachedTokens = seq.prompt;
            seq.slot.cachedCount = seq.prefilled / block * block;
        }
        if (seq.slot.cachedCount > 0 && !model.trimCache(seq.slot.id, seq.slot.cachedCount)) {
            seq.slot.cachedCount = 0; // cleared: a recurrent state holds the generated positions too
        }
        seq.slot.busy = false;
        active.remove(seq);
        updateActiveCount();
    }

    private void updateActiveCount() {
        activeCount = active.size() + prefilling.size();
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

    /**
     * The free sequence for a prompt: the one whose cached prompt saves the most prompt blocks; on a tie, where
     * each sequence has a KV cache of its own, one next to a busy sequence (llama.cpp then decodes a step in one
     * pass only over consecutive sequence ids); then the longest common prefix (a repeated prompt goes back to
     * its sequence: on b4916's shared cache another sequence's cells can change the logits' last bits); then the
     * least recently used. Where the cached prompt it picks is not next to a busy sequence, it is copied there.
     */
    private Slot pickSlot(int[] prompt) {
        Comparator<Slot> leastRecentlyUsed = Comparator.comparingLong(slot -> -slot.lastUsed);
        Comparator<Slot> nextToBusy = Comparator.comparingInt(
                slot -> model.sequenceCachesApart() ? busyNeighbours(slot.id) : 0);
        Slot best = bestFree(Comparator.comparingInt((Slot slot) -> reusable(slot, prompt)).thenComparing(nextToBusy)
                .thenComparingInt(slot -> slot.commonPrefix(prompt)).thenComparing(leastRecentlyUsed));
        if (best == null) {
            throw new IllegalStateException("no free sequence"); // the engine admits only what fits
        }
        if (model.canCopyCache() && busyNeighbours(best.id) == 0 && reusable(best, prompt) > 0) {
            // one copy of a sequence's cache costs less than a second pass in each of the steps they will share
            Slot neighbour = bestFree(nextToBusy.thenComparing(leastRecentlyUsed));
            if (busyNeighbours(neighbour.id) > 0) {
                model.copyCache(best.id, neighbour.id);
                neighbour.cachedTokens = best.cachedTokens;
                neighbour.cachedCount = best.cachedCount;
                best = neighbour;
            }
        }
        best.lastUsed = ++useCounter;
        return best;
    }

    private Slot bestFree(Comparator<Slot> preference) {
        Slot best = null;
        for (Slot slot : slots) {
            if (!slot.busy && (best == null || preference.compare(slot, best) > 0)) {
                best = slot;
            }
        }
        return best;
    }

    /** The prompt tokens a sequence's cache saves: whole blocks, short of the last token (it must give logits). */
    private int reusable(Slot slot, int[] prompt) {
        return Math.min(slot.commonPrefix(prompt), prompt.length - 1) / block * block;
    }

    private int busyNeighbours(int id) {
        return (id > 0 && slots[id - 1].busy ? 1 : 0) + (id + 1 < slots.length && slots[id + 1].busy ? 1 : 0);
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
        int[] prompt;
        int prefilled; // prompt tokens in the KV cache
        int count;
        int thinkingCount;
        int answerCount;
        boolean answerHasText;
        final StringBuilder answerStart = new StringBuilder(); // the answer's text until it says something
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
            ThinkingOptions thinking = job.request.thinking();
            if (!answerHasText && thinking != null) { // only an answer after a segment is held to saying something
                answerStart.append(piece);
                answerHasText = thinking.saysSomething(answerStart);
            }
            emit(stops.append(piece));
        }

        /** Whether a thinking segment has ended and its answer has said nothing yet (white space, markers). */
        boolean answerMustStart() {
            return thinkingCount > 0 && !answerHasText && !forcing()
                    && splitter.state() == SegmentSplitter.State.ANSWER;
        }

        void emit(String piece) {
            if (!piece.isEmpty()) {
                text.append(piece);
                job.listener.onText(piece);
            }
        }
    }
}
