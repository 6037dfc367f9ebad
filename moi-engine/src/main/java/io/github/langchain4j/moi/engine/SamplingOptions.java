package io.github.langchain4j.moi.engine;

/**
 * The sampler that picks each output token (MoI keeps it unchanged: the text is still the sampled tokens).
 * A temperature of 0 means greedy decoding. Values are checked here, before they reach native code.
 *
 * @param temperature       softmax temperature, 0 for greedy
 * @param topK              keep the k most likely tokens, 0 to disable
 * @param topP              nucleus sampling threshold in (0, 1], 1 to disable
 * @param minP              drop tokens below minP times the top probability, in [0, 1), 0 to disable
 * @param repeatPenalty     penalty for tokens seen in the last {@code repeatLastN} tokens, 1 to disable
 * @param repeatLastN       window of the repetition penalty
 * @param seed              seed of the random choice; the same seed gives the same output
 * @param frequencyPenalty  subtracted from a token's logit once per time it was generated in the last
 *                          {@code repeatLastN} tokens (OpenAI's definition), 0 to disable
 * @param presencePenalty   subtracted from a token's logit if it was generated in the last {@code repeatLastN}
 *                          tokens, 0 to disable
 * @param temperatureFirst  apply the temperature before top-k, top-p and min-p (as vLLM does, and so the MoI
 *                          authors' reference runs) instead of last (llama.cpp's usual order); false by default
 */
public record SamplingOptions(double temperature, int topK, double topP, double minP,
                              double repeatPenalty, int repeatLastN, long seed,
                              double frequencyPenalty, double presencePenalty, boolean temperatureFirst) {

    public static final long DEFAULT_SEED = 42;
    /**
     * This library's default: temperature 0.6, top-k 40, top-p 0.95, min-p 0.05, temperature last. Not the MoI
     * authors' settings; those are temperature 0.6 first, then top-p 0.8 (AIME) or 0.4 (CountDown) alone.
     */
    public static final SamplingOptions DEFAULTS = new SamplingOptions(0.6, 40, 0.95, 0.05, 1.0, 64, DEFAULT_SEED);
    public static final SamplingOptions GREEDY = new SamplingOptions(0.0, 0, 1.0, 0.0, 1.0, 64, DEFAULT_SEED);

    public SamplingOptions {
        if (!(temperature >= 0) || Double.isInfinite(temperature)) {
            throw new InvalidOptionException("temperature", temperature,
                    "temperature must be a finite number >= 0, was " + temperature);
        }
        if (topK < 0) {
            throw new InvalidOptionException("topK", topK, "topK must be >= 0, was " + topK);
        }
        if (!(topP > 0 && topP <= 1)) {
            throw new InvalidOptionException("topP", topP, "topP must be in (0, 1], was " + topP);
        }
        if (!(minP >= 0 && minP < 1)) {
            throw new InvalidOptionException("minP", minP, "minP must be in [0, 1), was " + minP);
        }
        if (!(repeatPenalty > 0) || Double.isInfinite(repeatPenalty)) {
            throw new InvalidOptionException("repeatPenalty", repeatPenalty,
                    "repeatPenalty must be a finite number > 0, was " + repeatPenalty);
        }
        if (repeatLastN < 0) {
            throw new InvalidOptionException("repeatLastN", repeatLastN,
                    "repeatLastN must be >= 0, was " + repeatLastN);
        }
        if (!Double.isFinite(frequencyPenalty)) {
            throw new InvalidOptionException("frequencyPenalty", frequencyPenalty,
                    "frequencyPenalty must be a finite number, was " + frequencyPenalty);
        }
        if (!Double.isFinite(presencePenalty)) {
            throw new InvalidOptionException("presencePenalty", presencePenalty,
                    "presencePenalty must be a finite number, was " + presencePenalty);
        }
    }

    /** Temperature last, llama.cpp's usual order. */
    public SamplingOptions(double temperature, int topK, double topP, double minP, double repeatPenalty,
                           int repeatLastN, long seed, double frequencyPenalty, double presencePenalty) {
        this(temperature, topK, topP, minP, repeatPenalty, repeatLastN, seed, frequencyPenalty, presencePenalty,
                false);
    }

    /** Without frequency and presence penalties, temperature last. */
    public SamplingOptions(double temperature, int topK, double topP, double minP, double repeatPenalty,
                           int repeatLastN, long seed) {
        this(temperature, topK, topP, minP, repeatPenalty, repeatLastN, seed, 0, 0);
    }

    /** Whether any penalty for recently generated tokens is active. */
    public boolean penalizesRepetition() {
        return repeatLastN > 0 && (repeatPenalty != 1 || frequencyPenalty != 0 || presencePenalty != 0);
    }

    public boolean greedy() {
        return temperature == 0;
    }

    public SamplingOptions withSeed(long newSeed) {
        return new SamplingOptions(temperature, topK, topP, minP, repeatPenalty, repeatLastN, newSeed,
                frequencyPenalty, presencePenalty, temperatureFirst);
    }

    public SamplingOptions withTemperature(double newTemperature) {
        return new SamplingOptions(newTemperature, topK, topP, minP, repeatPenalty, repeatLastN, seed,
                frequencyPenalty, presencePenalty, temperatureFirst);
    }

    public SamplingOptions withPenalties(double newFrequencyPenalty, double newPresencePenalty) {
        return new SamplingOptions(temperature, topK, topP, minP, repeatPenalty, repeatLastN, seed,
                newFrequencyPenalty, newPresencePenalty, temperatureFirst);
    }

    public SamplingOptions withTemperatureFirst(boolean first) {
        return new SamplingOptions(temperature, topK, topP, minP, repeatPenalty, repeatLastN, seed,
                frequencyPenalty, presencePenalty, first);
    }
}
