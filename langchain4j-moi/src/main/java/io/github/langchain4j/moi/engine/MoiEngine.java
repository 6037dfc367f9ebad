package io.github.langchain4j.moi.engine;

import io.github.langchain4j.moi.ContextOverflowException;
import io.github.langchain4j.moi.MoiException;
import io.github.langchain4j.moi.MoiMode;
import io.github.langchain4j.moi.llamacpp.NativeModel;
import io.github.langchain4j.moi.llamacpp.NativeSampler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A loaded GGUF model with Mixture of Inputs in its decode loop.
 *
 * <p>The prompt is fed as ordinary tokens. For each generated position: the raw logits are read, the
 * standard sampler picks token {@code y} (the text that comes out is the sampled tokens), and the next
 * input is the MoI blend {@code h = sum_i w_i e_i} fed through {@code batch.embd} (or the token {@code y}
 * itself in {@link MoiMode#OFF}). One generation runs at a time; callers on other threads wait.
 */
public final class MoiEngine implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(MoiEngine.class);

    /** Architectures whose embedding path was checked against the token path by the test suite. */
    public static final Set<String> VERIFIED_ARCHITECTURES = Set.of("qwen2", "gemma3");

    private final NativeModel model;
    private final Object lock = new Object();
    private final float[] logits;
    private final float[] input;
    private volatile boolean closed;
    private boolean generating; // guarded by lock

    private MoiEngine(NativeModel model) {
        this.model = model;
        this.logits = new float[model.vocabSize()];
        this.input = new float[model.embeddingSize()];
        if (!VERIFIED_ARCHITECTURES.contains(model.architecture())) {
            log.warn("architecture '{}' has not been verified for MoI's embedding input path (verified: {}); "
                    + "MoiMode.OFF is unaffected", model.architecture(), VERIFIED_ARCHITECTURES);
        }
    }

    /** Loads the model; throws {@link io.github.langchain4j.moi.ModelFileException} naming the problem for a bad file. */
    public static MoiEngine load(EngineConfig config) {
        Objects.requireNonNull(config, "config");
        return new MoiEngine(NativeModel.load(config));
    }

    /** Generates one answer; blocks until done. */
    public GenerationResult generate(GenerationRequest request, GenerationListener listener) {
        return generate(request, listener, false);
    }

    /**
     * @param embeddingPathWhenOff feed OFF-mode tokens through {@code batch.embd} as their embedding rows
     *                             (tests use it to show that the embedding path equals the token path)
     */
    GenerationResult generate(GenerationRequest request, GenerationListener listener, boolean embeddingPathWhenOff) {
        Objects.requireNonNull(request, "request");
        GenerationListener events = listener == null ? GenerationListener.NONE : listener;
        synchronized (lock) {
            ensureOpen();
            if (generating) {
                throw new IllegalStateException("a generation is already running on this thread (called from a listener?)");
            }
            generating = true;
            try {
                int[] prompt = tokenizePrompt(request.prompt());
                prefill(prompt);
                try (NativeSampler sampler = model.newSampler(request.sampling(), request.grammar())) {
                    return decodeLoop(request, events, sampler, prompt.length, embeddingPathWhenOff);
                }
            } finally {
                generating = false;
                if (closed) {
                    model.close(); // close() was called from a listener: free now that the loop is done
                }
            }
        }
    }

    private GenerationResult decodeLoop(GenerationRequest request, GenerationListener events, NativeSampler sampler,
                                        int promptLength, boolean embeddingPathWhenOff) {
        MoiOptions moi = request.moi();
        boolean feedTokens = moi.mode() == MoiMode.OFF && !embeddingPathWhenOff;
        boolean needMixture = !feedTokens || request.trace();
        Utf8Accumulator utf8 = new Utf8Accumulator();
        StopStringMatcher stops = new StopStringMatcher(request.stopStrings());
        StringBuilder text = new StringBuilder();
        int[] generated = new int[Math.min(request.maxTokens(), model.contextSize())];
        int count = 0;
        List<MoiStep> trace = request.trace() ? new ArrayList<>() : List.of();
        int pos = promptLength;
        FinishReason reason;
        while (true) {
            if (closed || events.isCancelled()) {
                reason = FinishReason.CANCELLED;
                break;
            }
            if (needMixture) {
                model.readLogits(logits); // raw logits, before the sampler's temperature and truncation
            }
            int token = sampler.sample();
            if (model.isEndOfGeneration(token)) {
                reason = FinishReason.STOP;
                break;
            }
            generated[count++] = token;
            byte[] bytes = model.tokenBytes(token);
            emit(stops.append(utf8.append(bytes)), text, events);

            Mixture mixture = needMixture ? mixture(token, moi, count) : null;
            if (request.trace()) {
                MoiStep step = new MoiStep(count - 1, token, new String(bytes, StandardCharsets.UTF_8),
                        moi.mode(), moi.beta(), mixture);
                trace.add(step);
                events.onStep(step);
            }
            if (stops.stopped()) {
                reason = FinishReason.STOP;
                break;
            }
            if (count >= request.maxTokens() || pos >= model.contextSize()) {
                reason = FinishReason.LENGTH;
                break;
            }
            if (feedTokens) {
                model.decodeTokens(new int[]{token}, 0, 1, pos);
            } else {
                model.decodeEmbedding(mix(mixture), pos);
            }
            pos++;
        }
        if (!stops.stopped()) {
            emit(stops.append(utf8.flush()), text, events);
            emit(stops.flush(), text, events);
        }
        return new GenerationResult(text.toString(), Arrays.copyOf(generated, count), promptLength, reason,
                request.trace() ? List.copyOf(trace) : List.of());
    }

    private Mixture mixture(int token, MoiOptions moi, int count) {
        try {
            return MoiMixer.mix(logits, model.vocabSize(), token, moi);
        } catch (IllegalArgumentException e) {
            // sizes and the token come from the model itself: what remains is logits that are all NaN or -inf
            throw new MoiException("model " + model.name() + " gave no usable next-token distribution after "
                    + count + " tokens (damaged weights?): " + e.getMessage(), e);
        }
    }

    /** h = sum_i w_i e_i over the mixture's support. */
    private float[] mix(Mixture mixture) {
        Arrays.fill(input, 0f);
        int[] support = mixture.support();
        double[] weights = mixture.weights();
        for (int i = 0; i < support.length; i++) {
            if (weights[i] != 0) {
                model.addEmbedding(support[i], weights[i], input);
            }
        }
        return input;
    }

    private static void emit(String piece, StringBuilder text, GenerationListener events) {
        if (!piece.isEmpty()) {
            text.append(piece);
            events.onText(piece);
        }
    }

    private int[] tokenizePrompt(String prompt) {
        if (prompt.isEmpty()) {
            throw new IllegalArgumentException("prompt must not be empty");
        }
        int[] tokens = model.tokenize(prompt, true, true);
        if (tokens.length == 0) {
            throw new IllegalArgumentException("prompt has no tokens");
        }
        if (tokens.length >= model.contextSize()) {
            throw new ContextOverflowException("prompt has " + tokens.length + " tokens but the context holds "
                    + model.contextSize() + " (including at least one generated token); shorten the prompt or "
                    + "raise contextSize");
        }
        return tokens;
    }

    private void prefill(int[] prompt) {
        model.clearCache();
        int batch = model.batchSize();
        for (int from = 0; from < prompt.length; from += batch) {
            model.decodeTokens(prompt, from, Math.min(batch, prompt.length - from), from);
        }
    }

    /** Formats messages with the model's own chat template; addAssistantPrefix opens the assistant's turn. */
    public String applyChatTemplate(List<ChatTurn> messages, boolean addAssistantPrefix) {
        Objects.requireNonNull(messages, "messages");
        synchronized (lock) {
            ensureOpen();
            return model.applyChatTemplate(messages, addAssistantPrefix);
        }
    }

    /** Whether the model carries a chat template (instruction-tuned models do, base models usually not). */
    public boolean hasChatTemplate() {
        return model.chatTemplate() != null;
    }

    /** Token count of a text (special tokens parsed, no BOS added). */
    public int countTokens(String text) {
        synchronized (lock) {
            ensureOpen();
            return model.tokenize(text, false, true).length;
        }
    }

    /** The model's name from its metadata (general.name), or the file name. */
    public String modelName() {
        return model.name();
    }

    /** The context window in tokens. */
    public int contextSize() {
        return model.contextSize();
    }

    /** The model's architecture (general.architecture), e.g. "qwen2", "gemma3". */
    public String architecture() {
        return model.architecture();
    }

    /** The loaded native model (package use: tests compare the embedding and token paths). */
    NativeModel nativeModel() {
        return model;
    }

    public boolean isClosed() {
        return closed;
    }

    /**
     * Frees native memory; a generation in progress stops first (finish reason CANCELLED). Called from a
     * listener, on the generating thread, the memory is freed when that generation returns.
     */
    @Override
    public void close() {
        closed = true;
        synchronized (lock) {
            if (!generating) {
                model.close();
            }
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("the model is closed");
        }
    }
}
