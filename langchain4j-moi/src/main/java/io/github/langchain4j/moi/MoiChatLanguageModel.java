package io.github.langchain4j.moi;

import io.github.langchain4j.moi.engine.MoiEngine;
import io.github.langchain4j.moi.engine.Engine;
import io.github.langchain4j.moi.engine.MoiMode;
import io.github.langchain4j.moi.engine.MoiSupport;
import io.github.langchain4j.moi.engine.MoiScope;
import static dev.langchain4j.internal.Utils.getOrDefault;
import static java.util.Arrays.asList;

import dev.langchain4j.model.ModelProvider;
import dev.langchain4j.model.chat.Capability;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.listener.ChatModelListener;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.request.ResponseFormat;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import io.github.langchain4j.moi.engine.PromptText;
import io.github.langchain4j.moi.engine.ChatTurn;
import io.github.langchain4j.moi.engine.EngineConfig;
import io.github.langchain4j.moi.engine.GenerationListener;
import io.github.langchain4j.moi.engine.GenerationRequest;
import io.github.langchain4j.moi.engine.GenerationResult;
import io.github.langchain4j.moi.model.KnownModel;
import io.github.langchain4j.moi.model.ModelCache;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A local GGUF model with Mixture-of-Inputs decoding, usable wherever LangChain4j takes a {@link ChatModel} or a
 * {@link StreamingChatModel}: AI Services, chat memory, tools, structured output, listeners.
 *
 * <p>Tool calls and JSON answers are constrained by a grammar made from the tools' and the response format's
 * JSON schemas, so every tool call names a declared tool with arguments valid for its schema. Streaming runs
 * on a thread of this model, and cancelling the {@code StreamingHandle} stops the generation.
 *
 * <p>The model holds native memory: {@link #close()} it when done.
 *
 * <p>Known limitations:
 * <ul>
 *   <li>One model file per instance: a {@code modelName} other than the loaded model's is rejected with an
 *       {@code UnsupportedFeatureException}; build another instance for another model.</li>
 *   <li>Text only: images, audio, video and PDF content are rejected (the engine runs text models).</li>
 *   <li>{@code frequencyPenalty} and {@code presencePenalty}
 *       count the last {@code repeatLastN} generated tokens only (llama.cpp's penalties sampler), not the
 *       whole text as OpenAI does.</li>
 *   <li>Tools are described to every model in the Qwen2.5 (Hermes) format. With tools offered and
 *       {@code ToolChoice.AUTO}, a plain-text answer cannot start like a tool call ({@code <tool_call>},
 *       {@code ```json} or, without a JSON response format, <code>{</code>); at most 8 calls per answer.
 *       Calls may also come as a {@code ```json} block or bare JSON, as small models tend to write them.</li>
 *   <li>With {@code ToolChoice.AUTO}, a tool whose results end the conversation cannot be called (nor is it
 *       described) in the next answer: the default model otherwise repeats the call it just got the answer
 *       to, without end. {@code ToolChoice.REQUIRED} is unaffected.</li>
 *   <li>JSON schemas: keywords a grammar cannot enforce ({@code pattern}, {@code minimum}, {@code oneOf} ...)
 *       are rejected; an object declaring {@code properties} gets exactly those, required ones first.</li>
 *   <li>Tool-call arguments stream as partial calls; a tool without parameters gets one partial call.</li>
 *   <li>{@code AiServices.create(Class, model)} is ambiguous for a class that is both a chat and a streaming
 *       model: use {@code AiServices.builder(Class).chatModel(model)} (or {@code .streamingChatModel}).</li>
 * </ul>
 */
public class MoiChatLanguageModel implements ChatModel, StreamingChatModel, AutoCloseable {

    private final Engine runtime;
    private final MoiChatRequestParameters defaultRequestParameters;
    private final List<ChatModelListener> listeners;
    private final boolean logRequests;
    private final boolean logResponses;
    private final ExecutorService streamingExecutor;
    private final AtomicInteger inFlight = new AtomicInteger();

    protected MoiChatLanguageModel(Builder builder) {
        MoiChatRequestParameters defaults = builder.toDefaultRequestParameters();
        // fail on a bad option, or on tools or a response format this model cannot serve, before loading
        EngineMapping.validate(defaults);
        ChatPrompt.from(List.of(), defaults);
        Engine runtime;
        try {
            runtime = builder.runtimeLoader.apply(builder.toEngineConfig());
        } catch (RuntimeException e) {
            throw EngineErrors.toMoiException(e);
        }
        try {
            if (defaults.modelName() != null && !defaults.modelName().equals(runtime.modelName())) {
                throw ChatGeneration.modelNameNotSupported(defaults.modelName(), runtime.modelName());
            }
            this.defaultRequestParameters = MoiChatRequestParameters.builder()
                    .overrideWith(defaults)
                    .modelName(runtime.modelName())
                    .build();
        } catch (RuntimeException e) {
            runtime.close();
            throw e;
        }
        this.runtime = new CountingEngine(runtime, inFlight);
        this.listeners = List.copyOf(getOrDefault(builder.listeners, List.of()));
        this.logRequests = getOrDefault(builder.logRequests, false);
        this.logResponses = getOrDefault(builder.logResponses, false);
        AtomicInteger threads = new AtomicInteger();
        this.streamingExecutor = Executors.newCachedThreadPool(task -> {
            Thread thread = new Thread(task, "moi-streaming-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    @Override
    public ChatResponse doChat(ChatRequest chatRequest) {
        return prepare(chatRequest).call(runtime);
    }

    @Override
    public void doChat(ChatRequest chatRequest, StreamingChatResponseHandler handler) {
        ChatGeneration generation = prepare(chatRequest);
        try {
            streamingExecutor.execute(() -> generation.stream(runtime, handler, new ChatGeneration.Handle()));
        } catch (RejectedExecutionException e) {
            throw new IllegalStateException("the MoiChatLanguageModel is closed", e);
        }
    }

    /** The request checked and mapped, nothing generated (package-private: tests read its format, prompt, grammar). */
    ChatGeneration prepare(ChatRequest chatRequest) {
        return ChatGeneration.prepare(chatRequest, runtime, logRequests, logResponses);
    }

    /**
     * Requests this model is serving now, queued or generating. Every ending counts, whatever it is: an
     * answer, an error, or a cancel (a cancelled stream, an interrupted caller, a handler that threw); a
     * cancelled generation leaves this count at once and frees its sequence before its next token.
     */
    public int requestsInFlight() {
        return inFlight.get();
    }

    /** This model's defaults: the builder's options, over its {@code defaultRequestParameters}, over the library's. */
    @Override
    public MoiChatRequestParameters defaultRequestParameters() {
        return defaultRequestParameters;
    }

    @Override
    public List<ChatModelListener> listeners() {
        return listeners;
    }

    @Override
    public ModelProvider provider() {
        return ModelProvider.OTHER;
    }

    @Override
    public Set<Capability> supportedCapabilities() {
        return Set.of(Capability.RESPONSE_FORMAT_JSON_SCHEMA);
    }

    /** Frees the model's native memory; a generation in progress stops first and reports an error. */
    @Override
    public void close() {
        streamingExecutor.shutdown();
        runtime.close();
    }

    /**
     * The adapter's side of the engine: counts the generations it is working on (for {@link #requestsInFlight()})
     * and turns the engine's exceptions into this adapter's ({@link EngineErrors}).
     */
    private record CountingEngine(Engine delegate, AtomicInteger inFlight) implements Engine {

        @Override
        public GenerationResult generate(GenerationRequest request, GenerationListener listener) {
            inFlight.incrementAndGet();
            try {
                return delegate.generate(request, listener);
            } catch (RuntimeException e) {
                throw EngineErrors.toMoiException(e);
            } finally {
                inFlight.decrementAndGet();
            }
        }

        @Override
        public CompletableFuture<GenerationResult> submit(GenerationRequest request, GenerationListener listener) {
            inFlight.incrementAndGet();
            CompletableFuture<GenerationResult> pending;
            try {
                pending = delegate.submit(request, listener);
            } catch (RuntimeException e) {
                inFlight.decrementAndGet();
                throw EngineErrors.toMoiException(e);
            } catch (Error e) {
                inFlight.decrementAndGet();
                throw e;
            }
            pending.whenComplete((result, error) -> inFlight.decrementAndGet());
            return pending; // the engine's own future: cancelling it cancels the generation
        }

        @Override
        public PromptText applyChatTemplate(List<ChatTurn> turns, boolean addAssistantPrefix) {
            return applyChatTemplate(turns, List.of(), addAssistantPrefix);
        }

        @Override
        public PromptText applyChatTemplate(List<ChatTurn> turns, List<String> tools, boolean addAssistantPrefix) {
            try {
                return delegate.applyChatTemplate(turns, tools, addAssistantPrefix);
            } catch (RuntimeException e) {
                throw EngineErrors.toMoiException(e);
            }
        }

        @Override
        public String chatTemplateSource() {
            return delegate.chatTemplateSource();
        }

        @Override
        public String modelName() {
            return delegate.modelName();
        }

        @Override
        public int contextSize() {
            return delegate.contextSize();
        }

        @Override
        public void close() {
            delegate.close();
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Options of {@link MoiChatLanguageModel}. Load-time options (model file, context, threads, batch, GPU layers)
     * are fixed for the model's life; the others become its {@link #defaultRequestParameters() default request
     * parameters}, which each request may override.
     *
     * <p>Precedence, as in LangChain4j's own providers: a value set with this builder's setters wins over the same
     * value in {@link #defaultRequestParameters(ChatRequestParameters)}, which wins over the library's defaults
     * (those of {@code SamplingOptions}, {@code MoiOptions} and {@code EngineConfig}); a request's own parameters
     * win over all of them. An option set nowhere ({@code null}) keeps the library's default.
     */
    public static class Builder {

        private Path modelPath;
        private Integer contextSize;
        private Integer threads;
        private Integer batchSize;
        private Integer gpuLayers;
        private Boolean useMmap;
        private Integer maxSequences;
        private Integer prefillChunk;
        private Path llamaCppPath;
        private Boolean allowUnverifiedArchitecture;
        private MoiMode mode;
        private Double beta;
        private Integer mixTopK;
        private MoiSupport support;
        private Boolean temperatureFirst;
        private Double temperature;
        private Integer topK;
        private Double topP;
        private Double minP;
        private Double repeatPenalty;
        private Integer repeatLastN;
        private Integer seed;
        private Double frequencyPenalty;
        private Double presencePenalty;
        private Integer maxOutputTokens;
        private List<String> stopSequences;
        private ResponseFormat responseFormat;
        private Boolean trace;
        private MoiScope scope;
        private Boolean think;
        private Integer thinkingBudget;
        private Boolean returnThinking;
        private ChatRequestParameters defaultRequestParameters;
        private List<ChatModelListener> listeners;
        private Boolean logRequests;
        private Boolean logResponses;
        private Function<EngineConfig, Engine> runtimeLoader = MoiEngine::load;

        protected Builder() {
        }

        /** The GGUF model file; without it, the default model (Qwen2.5-Coder-0.5B-Instruct) is used. */
        public Builder modelPath(Path modelPath) {
            this.modelPath = modelPath;
            return this;
        }

        /** The context window in tokens (default 4096; 0: the model's training context, capped at 4096). */
        public Builder contextSize(Integer contextSize) {
            this.contextSize = contextSize;
            return this;
        }

        /** CPU threads for generation (default 0: one per core that other work leaves free when the model loads). */
        public Builder threads(Integer threads) {
            this.threads = threads;
            return this;
        }

        /** The most prompt tokens decoded in one native call (default 512). */
        public Builder batchSize(Integer batchSize) {
            this.batchSize = batchSize;
            return this;
        }

        /** Layers offloaded to the GPU with a GPU build of the native library (default 0; -1: all). */
        public Builder gpuLayers(Integer gpuLayers) {
            this.gpuLayers = gpuLayers;
            return this;
        }

        /** Whether to map the model file instead of reading it into memory (default true). */
        public Builder useMmap(Boolean useMmap) {
            this.useMmap = useMmap;
            return this;
        }

        /**
         * How many requests are generated at once, decoded together in one batch per step (default 4); each has
         * a context of {@code contextSize} tokens, and further requests wait in a queue.
         */
        public Builder maxSequences(Integer maxSequences) {
            this.maxSequences = maxSequences;
            return this;
        }

        /**
         * Prompt tokens read per decoding step while other requests generate (chunked prefill), and the
         * granularity of prompt-cache reuse (default 32, see {@link EngineConfig#DEFAULT_PREFILL_CHUNK}).
         */
        public Builder prefillChunk(Integer prefillChunk) {
            this.prefillChunk = prefillChunk;
            return this;
        }

        /**
         * The folder of a current llama.cpp build ({@code ./moi native build} prints it), for models the bundled
         * llama.cpp b4916 cannot load (qwen3, gemma3n, smollm3...); default: the system property
         * {@code moi.llama.lib.path}, else the bundled b4916. One JVM runs one llama.cpp.
         */
        public Builder llamaCppPath(Path llamaCppPath) {
            this.llamaCppPath = llamaCppPath;
            return this;
        }

        /**
         * Runs MoI on an architecture whose embedding input path was not verified for the loaded llama.cpp (default
         * false: such a model runs only with MoI mode OFF); logged as a warning.
         */
        public Builder allowUnverifiedArchitecture(Boolean allowUnverifiedArchitecture) {
            this.allowUnverifiedArchitecture = allowUnverifiedArchitecture;
            return this;
        }

        /** @see MoiChatRequestParameters#mode() */
        public Builder mode(MoiMode mode) {
            this.mode = mode;
            return this;
        }

        /** @see MoiChatRequestParameters#beta() */
        public Builder beta(Double beta) {
            this.beta = beta;
            return this;
        }

        /** @see MoiChatRequestParameters#mixTopK() */
        public Builder mixTopK(Integer mixTopK) {
            this.mixTopK = mixTopK;
            return this;
        }

        /** @see MoiChatRequestParameters#support() */
        public Builder support(MoiSupport support) {
            this.support = support;
            return this;
        }

        /** @see MoiChatRequestParameters#temperatureFirst() */
        public Builder temperatureFirst(Boolean temperatureFirst) {
            this.temperatureFirst = temperatureFirst;
            return this;
        }

        /** Sampling temperature (default 0.6; 0: greedy). */
        public Builder temperature(Double temperature) {
            this.temperature = temperature;
            return this;
        }

        /** Sample among the k most likely tokens (default 40; 0 disables). */
        public Builder topK(Integer topK) {
            this.topK = topK;
            return this;
        }

        /** Nucleus sampling threshold in (0, 1] (default 0.95; 1 disables). */
        public Builder topP(Double topP) {
            this.topP = topP;
            return this;
        }

        /** @see MoiChatRequestParameters#minP() */
        public Builder minP(Double minP) {
            this.minP = minP;
            return this;
        }

        /** @see MoiChatRequestParameters#repeatPenalty() */
        public Builder repeatPenalty(Double repeatPenalty) {
            this.repeatPenalty = repeatPenalty;
            return this;
        }

        /** @see MoiChatRequestParameters#repeatLastN() */
        public Builder repeatLastN(Integer repeatLastN) {
            this.repeatLastN = repeatLastN;
            return this;
        }

        /** @see MoiChatRequestParameters#seed() */
        public Builder seed(Integer seed) {
            this.seed = seed;
            return this;
        }

        /**
         * Subtracted from a token's logit once per time it was generated in the last {@code repeatLastN} tokens
         * (default 0: none).
         */
        public Builder frequencyPenalty(Double frequencyPenalty) {
            this.frequencyPenalty = frequencyPenalty;
            return this;
        }

        /** Subtracted from a token's logit if it was generated in the last {@code repeatLastN} tokens (default 0: none). */
        public Builder presencePenalty(Double presencePenalty) {
            this.presencePenalty = presencePenalty;
            return this;
        }

        /** The most tokens an answer may have (default: until the context window is full). */
        public Builder maxOutputTokens(Integer maxOutputTokens) {
            this.maxOutputTokens = maxOutputTokens;
            return this;
        }

        /** Generation stops before any of these strings, which are left out of the answer. */
        public Builder stopSequences(List<String> stopSequences) {
            this.stopSequences = stopSequences;
            return this;
        }

        /** The default answer format: text, any JSON object, or JSON following a schema. */
        public Builder responseFormat(ResponseFormat responseFormat) {
            this.responseFormat = responseFormat;
            return this;
        }

        /** @see MoiChatRequestParameters#trace() */
        public Builder trace(Boolean trace) {
            this.trace = trace;
            return this;
        }

        /**
         * Default request parameters (a {@link MoiChatRequestParameters} for the MoI knobs); the options set on
         * this builder take precedence over them.
         */
        public Builder defaultRequestParameters(ChatRequestParameters defaultRequestParameters) {
            this.defaultRequestParameters = defaultRequestParameters;
            return this;
        }

        public Builder listeners(List<ChatModelListener> listeners) {
            this.listeners = listeners;
            return this;
        }

        public Builder listeners(ChatModelListener... listeners) {
            return listeners(asList(listeners));
        }

        /** Logs each prompt (as formatted for the model), its options and grammar, at INFO through SLF4J. */
        public Builder logRequests(Boolean logRequests) {
            this.logRequests = logRequests;
            return this;
        }

        /** Logs each response at INFO through SLF4J. */
        public Builder logResponses(Boolean logResponses) {
            this.logResponses = logResponses;
            return this;
        }

        /** @see MoiChatRequestParameters#scope() */
        public Builder scope(MoiScope scope) {
            this.scope = scope;
            return this;
        }

        /** @see MoiChatRequestParameters#think() */
        public Builder think(Boolean think) {
            this.think = think;
            return this;
        }

        /** @see MoiChatRequestParameters#thinkingBudget() */
        public Builder thinkingBudget(Integer thinkingBudget) {
            this.thinkingBudget = thinkingBudget;
            return this;
        }

        /** @see MoiChatRequestParameters#returnThinking() */
        public Builder returnThinking(Boolean returnThinking) {
            this.returnThinking = returnThinking;
            return this;
        }

        /** Replaces the engine: for tests without a native model. */
        Builder runtimeLoader(Function<EngineConfig, Engine> runtimeLoader) {
            this.runtimeLoader = runtimeLoader;
            return this;
        }

        /**
         * Loads the model.
         *
         * @throws io.github.langchain4j.moi.engine.InvalidOptionException for an option out of range, naming it
         * @throws dev.langchain4j.exception.UnsupportedFeatureException for a default that this model cannot serve
         * @throws ModelFileException for a model file that is missing or cannot be loaded
         */
        public MoiChatLanguageModel build() {
            return new MoiChatLanguageModel(this);
        }

        /** The one place where the builder's options meet: shortcuts over defaultRequestParameters over the library's. */
        MoiChatRequestParameters toDefaultRequestParameters() {
            MoiChatRequestParameters shortcuts = MoiChatRequestParameters.builder()
                    .temperature(temperature)
                    .topK(topK)
                    .topP(topP)
                    .frequencyPenalty(frequencyPenalty)
                    .presencePenalty(presencePenalty)
                    .maxOutputTokens(maxOutputTokens)
                    .stopSequences(stopSequences)
                    .responseFormat(responseFormat)
                    .mode(mode)
                    .beta(beta)
                    .mixTopK(mixTopK)
                    .support(support)
                    .temperatureFirst(temperatureFirst)
                    .minP(minP)
                    .repeatPenalty(repeatPenalty)
                    .repeatLastN(repeatLastN)
                    .seed(seed)
                    .trace(trace)
                    .scope(scope)
                    .think(think)
                    .thinkingBudget(thinkingBudget)
                    .returnThinking(returnThinking)
                    .build();
            return MoiChatRequestParameters.builder()
                    .overrideWith(EngineMapping.DEFAULTS)
                    .overrideWith(getOrDefault(defaultRequestParameters, MoiChatRequestParameters.EMPTY))
                    .overrideWith(shortcuts)
                    .build();
        }

        EngineConfig toEngineConfig() {
            Path path = modelPath != null ? modelPath : resolveDefaultModel();
            EngineConfig defaults = EngineConfig.of(path);
            return new EngineConfig(path,
                    getOrDefault(contextSize, defaults.contextSize()),
                    getOrDefault(threads, defaults.threads()),
                    getOrDefault(batchSize, defaults.batchSize()),
                    getOrDefault(gpuLayers, defaults.gpuLayers()),
                    getOrDefault(useMmap, defaults.useMmap()),
                    getOrDefault(maxSequences, defaults.maxSequences()),
                    getOrDefault(llamaCppPath, defaults.llamaCppPath()),
                    getOrDefault(allowUnverifiedArchitecture, defaults.allowUnverifiedArchitecture()),
                    getOrDefault(prefillChunk, defaults.prefillChunk()));
        }

        /** The default model's file, fetched and verified on first use (see {@link ModelCache}). */
        private static Path resolveDefaultModel() {
            return new ModelCache().resolve(KnownModel.DEFAULT);
        }
    }
}
