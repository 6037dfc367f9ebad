package io.github.langchain4j.moi;

import io.github.langchain4j.moi.engine.MoiMode;
import io.github.langchain4j.moi.engine.MoiScope;
import io.github.langchain4j.moi.engine.MoiSupport;
import static dev.langchain4j.internal.Utils.getOrDefault;

import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.request.DefaultChatRequestParameters;
import java.util.Objects;

/**
 * Chat request parameters with the Mixture-of-Inputs and sampler knobs of {@link MoiChatLanguageModel}.
 * Use it as the model's default parameters, per request ({@code ChatRequest.parameters(...)}), or as an
 * argument of an AI Service method; values not set ({@code null}) come from the layer below.
 */
public class MoiChatRequestParameters extends DefaultChatRequestParameters {

    public static final MoiChatRequestParameters EMPTY = MoiChatRequestParameters.builder().build();

    private final MoiMode mode;
    private final Double beta;
    private final Integer mixTopK;
    private final MoiSupport support;
    private final Boolean temperatureFirst;
    private final Double minP;
    private final Double repeatPenalty;
    private final Integer repeatLastN;
    private final Integer seed;
    private final Boolean trace;
    private final MoiScope scope;
    private final Boolean think;
    private final Integer thinkingBudget;
    private final Boolean returnThinking;

    protected MoiChatRequestParameters(Builder builder) {
        super(builder);
        this.mode = builder.mode;
        this.beta = builder.beta;
        this.mixTopK = builder.mixTopK;
        this.support = builder.support;
        this.temperatureFirst = builder.temperatureFirst;
        this.minP = builder.minP;
        this.repeatPenalty = builder.repeatPenalty;
        this.repeatLastN = builder.repeatLastN;
        this.seed = builder.seed;
        this.trace = builder.trace;
        this.scope = builder.scope;
        this.think = builder.think;
        this.thinkingBudget = builder.thinkingBudget;
        this.returnThinking = builder.returnThinking;
    }

    /** How each generated token is fed back: MOI (default), DIRECT, or OFF for standard decoding. */
    public MoiMode mode() {
        return mode;
    }

    /** MoI's concentration on the sampled token (default 1.0; larger trusts the sampled token more). */
    public Double beta() {
        return beta;
    }

    /** How many of the most likely tokens are mixed into the next input (default 20). */
    public Integer mixTopK() {
        return mixTopK;
    }

    /**
     * What the mixture does with a sampled token outside the top {@link #mixTopK()}: EXTENDED (default) adds it to
     * the support, REFERENCE keeps the top k only, as the MoI authors' reference implementation.
     */
    public MoiSupport support() {
        return support;
    }

    /** Whether the sampler applies the temperature before top-k/top-p/min-p, as vLLM does (default false: last). */
    public Boolean temperatureFirst() {
        return temperatureFirst;
    }

    /** Drops tokens below minP times the top token's probability, in [0, 1) (default 0.05; 0 disables). */
    public Double minP() {
        return minP;
    }

    /** Penalty for tokens seen in the last {@link #repeatLastN()} tokens (default 1.0: none). */
    public Double repeatPenalty() {
        return repeatPenalty;
    }

    /** Window of the repetition penalty in tokens (default 64). */
    public Integer repeatLastN() {
        return repeatLastN;
    }

    /** Seed of the sampler; the same seed, prompt and options give the same answer (default 42). */
    public Integer seed() {
        return seed;
    }

    /** Whether the response carries the per-token MoI trace in {@link MoiChatResponseMetadata#trace()}. */
    public Boolean trace() {
        return trace;
    }

    /**
     * Where MoI's mixture is fed: ALL generated tokens (default, the paper), only those of the THINKING segment
     * (the answer is standard decoding), or only the ANSWER's. Models without a thinking segment answer only.
     */
    public MoiScope scope() {
        return scope;
    }

    /**
     * Think-then-answer for any instruction model (default false): a short instruction asks the model to reason
     * inside {@code <think>...</think>} first, the prompt opens that segment, and the answer follows it (still
     * held to the JSON schema or tools where they apply). The thinking is reported as a reasoning model's is.
     */
    public Boolean think() {
        return think;
    }

    /**
     * The most tokens of thinking; then the segment is closed and the answer follows (default: none, only the
     * context bounds it). {@code maxOutputTokens} counts the answer's tokens, not the thinking's.
     */
    public Integer thinkingBudget() {
        return thinkingBudget;
    }

    /**
     * Whether the thinking is returned in {@code AiMessage.thinking()} and streamed through
     * {@code onPartialThinking} (default false, as LangChain4j's Ollama and OpenAI models have it); either way it
     * is never part of the answer's text.
     */
    public Boolean returnThinking() {
        return returnThinking;
    }

    @Override
    public MoiChatRequestParameters overrideWith(ChatRequestParameters that) {
        return MoiChatRequestParameters.builder().overrideWith(this).overrideWith(that).build();
    }

    @Override
    public MoiChatRequestParameters defaultedBy(ChatRequestParameters that) {
        return MoiChatRequestParameters.builder().overrideWith(that).overrideWith(this).build();
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (o == null || getClass() != o.getClass() || !super.equals(o)) {
            return false;
        }
        MoiChatRequestParameters that = (MoiChatRequestParameters) o;
        return mode == that.mode
                && Objects.equals(beta, that.beta)
                && Objects.equals(mixTopK, that.mixTopK)
                && support == that.support
                && Objects.equals(temperatureFirst, that.temperatureFirst)
                && Objects.equals(minP, that.minP)
                && Objects.equals(repeatPenalty, that.repeatPenalty)
                && Objects.equals(repeatLastN, that.repeatLastN)
                && Objects.equals(seed, that.seed)
                && Objects.equals(trace, that.trace)
                && scope == that.scope
                && Objects.equals(think, that.think)
                && Objects.equals(thinkingBudget, that.thinkingBudget)
                && Objects.equals(returnThinking, that.returnThinking);
    }

    @Override
    public int hashCode() {
        return Objects.hash(super.hashCode(), mode, beta, mixTopK, support, temperatureFirst, minP, repeatPenalty, repeatLastN, seed, trace,
                scope, think, thinkingBudget, returnThinking);
    }

    @Override
    public String toString() {
        return "MoiChatRequestParameters{"
                + "modelName=" + (modelName() == null ? null : "'" + modelName() + "'")
                + ", temperature=" + temperature()
                + ", topP=" + topP()
                + ", topK=" + topK()
                + ", frequencyPenalty=" + frequencyPenalty()
                + ", presencePenalty=" + presencePenalty()
                + ", maxOutputTokens=" + maxOutputTokens()
                + ", stopSequences=" + stopSequences()
                + ", toolSpecifications=" + toolSpecifications()
                + ", toolChoice=" + toolChoice()
                + ", responseFormat=" + responseFormat()
                + ", mode=" + mode
                + ", beta=" + beta
                + ", mixTopK=" + mixTopK
                + ", support=" + support
                + ", temperatureFirst=" + temperatureFirst
                + ", minP=" + minP
                + ", repeatPenalty=" + repeatPenalty
                + ", repeatLastN=" + repeatLastN
                + ", seed=" + seed
                + ", trace=" + trace
                + ", scope=" + scope
                + ", think=" + think
                + ", thinkingBudget=" + thinkingBudget
                + ", returnThinking=" + returnThinking
                + '}';
    }

    public static Builder builder() {
        return new Builder();
    }

    public static class Builder extends DefaultChatRequestParameters.Builder<Builder> {

        private MoiMode mode;
        private Double beta;
        private Integer mixTopK;
        private MoiSupport support;
        private Boolean temperatureFirst;
        private Double minP;
        private Double repeatPenalty;
        private Integer repeatLastN;
        private Integer seed;
        private Boolean trace;
        private MoiScope scope;
        private Boolean think;
        private Integer thinkingBudget;
        private Boolean returnThinking;

        /** Takes every value {@code parameters} sets (MoI values too when it is a {@link MoiChatRequestParameters}). */
        @Override
        public Builder overrideWith(ChatRequestParameters parameters) {
            super.overrideWith(parameters);
            if (parameters instanceof MoiChatRequestParameters moi) {
                mode(getOrDefault(moi.mode, mode));
                beta(getOrDefault(moi.beta, beta));
                mixTopK(getOrDefault(moi.mixTopK, mixTopK));
                support(getOrDefault(moi.support, support));
                temperatureFirst(getOrDefault(moi.temperatureFirst, temperatureFirst));
                minP(getOrDefault(moi.minP, minP));
                repeatPenalty(getOrDefault(moi.repeatPenalty, repeatPenalty));
                repeatLastN(getOrDefault(moi.repeatLastN, repeatLastN));
                seed(getOrDefault(moi.seed, seed));
                trace(getOrDefault(moi.trace, trace));
                scope(getOrDefault(moi.scope, scope));
                think(getOrDefault(moi.think, think));
                thinkingBudget(getOrDefault(moi.thinkingBudget, thinkingBudget));
                returnThinking(getOrDefault(moi.returnThinking, returnThinking));
            }
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

        /** @see MoiChatRequestParameters#trace() */
        public Builder trace(Boolean trace) {
            this.trace = trace;
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

        @Override
        public MoiChatRequestParameters build() {
            return new MoiChatRequestParameters(this);
        }
    }
}
