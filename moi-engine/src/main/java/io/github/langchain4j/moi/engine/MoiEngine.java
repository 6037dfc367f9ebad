package io.github.langchain4j.moi.engine;

import io.github.langchain4j.moi.llamacpp.BadModelFileException;
import io.github.langchain4j.moi.llamacpp.GgufFile;
import io.github.langchain4j.moi.llamacpp.LlamaCppException;
import io.github.langchain4j.moi.llamacpp.LlamaRuntime;
import io.github.langchain4j.moi.llamacpp.NativeModel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * A loaded GGUF model with Mixture of Inputs in its decode loop, serving concurrent requests.
 *
 * <p>The prompt is fed as ordinary tokens. For each generated position: the raw logits are read, the
 * standard sampler picks token {@code y} (the text that comes out is the sampled tokens), and the next
 * input is the MoI blend {@code h = sum_i w_i e_i} fed through {@code batch.embd} (or the token {@code y}
 * itself in {@link MoiMode#OFF}).
 *
 * <p>Continuous batching: up to {@link EngineConfig#maxSequences()} generations run at once, each in its own
 * KV-cache sequence, and one decode call per step advances all of them (see {@link DecodeLoop}). A request
 * that finds every sequence busy waits in a bounded queue; new requests join between steps. Callers block
 * in {@link #generate}; listeners are called on the engine's decoding thread.
 *
 * <p>Prompt cache: each sequence keeps the prompt of its last generation. A new request goes to the free
 * sequence whose cached prompt saves it the most blocks (same system prompt, tools, chat history) and decodes
 * only the rest; on the current llama.cpp, next to the busy sequences (see {@code DecodeLoop.pickSlot}). Prompts
 * are decoded in blocks of {@link EngineConfig#prefillChunk()} tokens aligned to position 0 and only whole blocks
 * are reused, so a cached position is bit-identical to a cold prefill (llama.cpp's CPU kernels give slightly
 * different numbers for other batch shapes).
 *
 * <p>Chunked prefill: a new request's prompt is read one block per step, in the same decode call as the running
 * sequences' next inputs, so they keep producing tokens while a long prompt is read. Prompts are read in the
 * order their requests were admitted, and requests are admitted in the order they arrived. Generated
 * positions are never reused: with MoI they hold mixed inputs, not the tokens the history text says, so an
 * answer that comes back as history is re-fed as ordinary tokens.
 */
public final class MoiEngine implements Engine {

    private static final Logger log = LoggerFactory.getLogger(MoiEngine.class);

    /** Requests that may wait for a free sequence before new ones are refused. */
    public static final int QUEUE_CAPACITY = 256;

    /**
     * How long the idle decoding thread waits for the next request before it ends (and with it the hold on a
     * forgotten engine). Long enough that requests a few seconds apart reuse one thread: each new thread
     * also brings a new OpenMP team into llama.cpp, and that churn added 20 MiB of RSS over 16 requests
     * 1.5 s apart when this was one second.
     */
    static final long IDLE_LINGER_MILLIS = 30_000;

    private final NativeModel model;
    private final DecodeLoop loop;
    /**
     * The template a model without {@code tokenizer.chat_template} is prompted with: the one llama.cpp's own
     * server uses then (common_chat_templates_init falls back to chatml).
     */
    static final String BUILTIN_TEMPLATE = "chatml";

    private final ChatTemplate chatTemplate;
    private final Object lock = new Object();
    private final ArrayDeque<Job> queue = new ArrayDeque<>();
    private Thread decodingThread; // guarded by lock; started on demand, ends when idle
    private volatile boolean closed;
    // MoI feeds rows through batch.embd: refused where that path was not verified, unless allowed
    private final boolean moiAllowed;

    private MoiEngine(NativeModel model, MoiFeedback.OffPath offPath, boolean allowUnverifiedArchitecture,
                      int prefillChunk) {
        this.model = model;
        this.loop = new DecodeLoop(model, () -> closed, offPath, prefillChunk);
        this.chatTemplate = model.chatTemplate() != null
                ? ChatTemplate.jinja(model.chatTemplate(), model.bosText(), model.eosText())
                : builtinTemplate(model);
        boolean verified = VerifiedArchitectures.isVerified(model.runtime(), model.architecture());
        this.moiAllowed = verified || allowUnverifiedArchitecture;
        if (!verified && allowUnverifiedArchitecture) {
            log.warn("!!! allowUnverifiedArchitecture: MoI runs on architecture '{}', whose embedding input path has NOT "
                    + "been verified on llama.cpp {} (verified: {}); its mixed inputs may be wrongly scaled and its "
                    + "answers silently worse !!!", model.architecture(), model.runtime().label(),
                    VerifiedArchitectures.of(model.runtime()));
        } else if (!verified) {
            log.info("architecture '{}' is not verified for MoI on llama.cpp {}: only MoiMode.OFF runs",
                    model.architecture(), model.runtime().label());
        }
    }

    private static ChatTemplate builtinTemplate(NativeModel model) {
        ChatTemplate template = ChatTemplate.of("llama.cpp's built-in chat template '" + BUILTIN_TEMPLATE + "'",
                (turns, addAssistantPrefix) -> model.applyBuiltinTemplate(BUILTIN_TEMPLATE,
                        turns.stream().map(ChatTurn::role).toList(),
                        turns.stream().map(ChatTurn::content).toList(), addAssistantPrefix));
        log.warn("model {} has no chat template (tokenizer.chat_template; a base model?): chat prompts use {}",
                model.name(), template.description());
        return template;
    }

    /** Loads the model; throws {@link ModelFileException} naming the problem for a bad file. */
    public static MoiEngine load(EngineConfig config) {
        return load(config, MoiFeedback.OffPath.TOKENS);
    }

    /** With a choice of how OFF sequences are fed back (tests: the embedding path must equal the token path). */
    static MoiEngine load(EngineConfig config, MoiFeedback.OffPath offPath) {
        Objects.requireNonNull(config, "config");
        try {
            return new MoiEngine(NativeModel.load(NativeParams.toLoadParams(config)), offPath,
                    config.allowUnverifiedArchitecture(), config.prefillChunk());
        } catch (LlamaCppException e) {
            throw fromBinding(e);
        }
    }

    /**
     * Checks that a path names a readable regular file, before a long load or a model download;
     * throws {@link ModelFileException} naming the problem (missing, a directory, a broken link...).
     */
    public static void checkModelFile(Path path) {
        try {
            GgufFile.checkPath(path);
        } catch (LlamaCppException e) {
            throw fromBinding(e);
        }
    }

    /** The engine's exception for a failure of the binding: same message, the binding's exception as cause. */
    static MoiEngineException fromBinding(LlamaCppException e) {
        return e instanceof BadModelFileException ? new ModelFileException(e.getMessage(), e)
                : new MoiEngineException(e.getMessage(), e);
    }

    /** Generates one answer; blocks until done. Thread-safe: concurrent calls are decoded together. */
    @Override
    public GenerationResult generate(GenerationRequest request, GenerationListener listener) {
        synchronized (lock) {
            if (Thread.currentThread() == decodingThread) {
                throw new IllegalStateException("a generation is already running on this thread: generate() was called "
                        + "from a listener, which runs on the decoding thread and must not wait for it");
            }
        }
        return enqueue(request, listener).await();
    }

    /**
     * Starts one generation without waiting for it: the future completes with its result, or with the
     * exception that ended it. The listener is called on the engine's decoding thread.
     *
     * <p>Cancelling the returned future ({@code cancel}, or completing it by hand) ends the generation before
     * its next token and frees its sequence; a queued request never starts. Futures derived from it
     * ({@code thenApply}...) do not pass a cancel back: cancel this one.
     */
    @Override
    public CompletableFuture<GenerationResult> submit(GenerationRequest request, GenerationListener listener) {
        return enqueue(request, listener).result;
    }

    private Job enqueue(GenerationRequest request, GenerationListener listener) {
        Objects.requireNonNull(request, "request");
        requireModeAllowed(request.moi().mode(), model.architecture(), model.runtime(), moiAllowed);
        Job job = new Job(request, listener == null ? GenerationListener.NONE : listener);
        synchronized (lock) {
            ensureOpen();
            if (queue.size() >= QUEUE_CAPACITY) {
                throw new MoiEngineException("the request queue is full (" + QUEUE_CAPACITY + " waiting for one of "
                        + model.sequences() + " sequences); retry later or raise maxSequences");
            }
            queue.add(job);
            if (decodingThread == null) {
                decodingThread = new Thread(this::decodeUntilIdle, "moi-decode");
                decodingThread.setDaemon(true);
                decodingThread.start();
            }
            lock.notifyAll();
        }
        return job;
    }

    /** MoI feeds rows through batch.embd, which must have been verified for the architecture on this runtime. */
    static void requireModeAllowed(MoiMode mode, String architecture, LlamaRuntime runtime, boolean moiAllowed) {
        if (mode != MoiMode.OFF && !moiAllowed) {
            throw new MoiEngineException("MoI mode " + mode + " is not verified for architecture '" + architecture
                    + "' on llama.cpp " + runtime.label() + " (verified: "
                    + new java.util.TreeSet<>(VerifiedArchitectures.of(runtime)) + "): its embedding input path was never "
                    + "checked against the token path. Use MoI mode OFF, or set allowUnverifiedArchitecture to run it anyway");
        }
    }

    /** The decoding thread: admits queued jobs between steps and steps while any sequence is active. */
    private void decodeUntilIdle() {
        try {
            while (true) {
                List<Job> admitted = new ArrayList<>();
                synchronized (lock) {
                    if (!closed && queue.isEmpty() && !loop.hasActive()) {
                        lock.wait(IDLE_LINGER_MILLIS); // then let the thread (and a forgotten engine) go
                    }
                    if (closed || (queue.isEmpty() && !loop.hasActive())) {
                        decodingThread = null;
                        break;
                    }
                    queue.removeIf(job -> job.result.isDone()); // cancelled while waiting: never started
                    while (!queue.isEmpty() && loop.hasFreeSequence(admitted.size())) {
                        admitted.add(queue.poll());
                    }
                }
                for (Job job : admitted) {
                    loop.start(job);
                }
                loop.step();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            shutdownIfClosed();
        }
    }

    private void shutdownIfClosed() {
        List<Job> waiting;
        synchronized (lock) {
            if (!closed) {
                return;
            }
            waiting = new ArrayList<>(queue);
            queue.clear();
            decodingThread = null;
        }
        loop.cancelAll();
        for (Job job : waiting) {
            job.fail(new IllegalStateException("the model was closed before this request started"));
        }
        if (!model.isClosed()) {
            model.close();
        }
    }

    /**
     * Formats messages with the model's own chat template (its Jinja source, defaults such as a default system
     * message included); addAssistantPrefix opens the assistant's turn. Message contents stay text: special
     * tokens written in them are not parsed. A model without a template is prompted in llama.cpp's built-in
     * {@code chatml} format, as llama.cpp's server does (a warning in the log says so at load).
     *
     * @throws MoiEngineException for a template that cannot be rendered as Python's Jinja renders it (the
     *                            message names the construct)
     */
    @Override
    public PromptText applyChatTemplate(List<ChatTurn> messages, boolean addAssistantPrefix) {
        return applyChatTemplate(messages, List.of(), addAssistantPrefix);
    }

    /** As {@link #applyChatTemplate(List, boolean)}, with tools for the template's {@code tools} variable. */
    @Override
    public PromptText applyChatTemplate(List<ChatTurn> messages, List<String> tools, boolean addAssistantPrefix) {
        Objects.requireNonNull(messages, "messages");
        Objects.requireNonNull(tools, "tools");
        ensureOpen();
        try {
            return chatTemplate.render(messages, tools, addAssistantPrefix);
        } catch (LlamaCppException e) { // llama.cpp's built-in template, for a model without one
            throw fromBinding(e);
        }
    }

    @Override
    public String chatTemplateSource() {
        return model.chatTemplate();
    }

    /** Which template chat prompts are rendered with, as the log names it. */
    String chatTemplateDescription() {
        return chatTemplate.description();
    }

    /** Token count of a prompt, as the decode loop tokenizes it (BOS included where the model adds one). */
    public int countTokens(PromptText prompt) {
        Objects.requireNonNull(prompt, "prompt");
        ensureOpen();
        try {
            return DecodeLoop.tokenize(model, prompt).length;
        } catch (LlamaCppException e) {
            throw fromBinding(e);
        }
    }

    /** The model's name from its metadata (general.name), or the file name. */
    @Override
    public String modelName() {
        return model.name();
    }

    /** The context window of one generation, in tokens. */
    @Override
    public int contextSize() {
        return model.contextSize();
    }

    /** How many generations run at once. */
    public int maxSequences() {
        return model.sequences();
    }

    /** Generations running now. */
    public int activeSequences() {
        return loop.activeCount();
    }

    /** The llama.cpp generation the model runs on. */
    public LlamaRuntime runtime() {
        return model.runtime();
    }

    /** The model's architecture (general.architecture), e.g. "qwen2", "gemma3". */
    public String architecture() {
        return model.architecture();
    }

    /** Requests waiting for a free sequence (tests). */
    int queuedRequests() {
        synchronized (lock) {
            return queue.size();
        }
    }

    /** The loaded native model (package use: tests compare the embedding and token paths). */
    NativeModel nativeModel() {
        return model;
    }

    /** Where the decoding thread spent its time so far: native decode, native sampling, Java. */
    public DecodeTimings timings() {
        return loop.timings();
    }

    /** Prompt tokens per step, and the granularity of prompt-cache reuse (tests). */
    int prefillBlock() {
        return loop.prefillBlock();
    }

    /** How many prompt tokens the last started generation took from the cache (tests and benchmarks). */
    int lastReusedTokens() {
        return loop.lastReusedTokens();
    }

    public boolean isClosed() {
        return closed;
    }

    /**
     * Frees native memory. Generations in progress end with finish reason CANCELLED, queued requests fail.
     * Safe to call from any thread, a listener included, and more than once.
     */
    @Override
    public void close() {
        Thread thread;
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            thread = decodingThread;
            lock.notifyAll();
        }
        if (thread == null) {
            shutdownIfClosed();
        } else if (thread != Thread.currentThread()) {
            try {
                thread.join(); // the decoding thread frees the model when it leaves its loop
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("the model is closed");
        }
    }
}
