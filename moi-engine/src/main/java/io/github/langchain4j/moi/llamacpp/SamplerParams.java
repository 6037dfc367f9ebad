package io.github.langchain4j.moi.llamacpp;

/**
 * The settings of llama.cpp's sampler chain (see {@link NativeSampler}); the engine maps its sampling options
 * to these after checking them.
 *
 * @param temperature      softmax temperature, 0 for greedy
 * @param topK             keep the k most likely tokens, 0 to disable
 * @param topP             nucleus threshold, 1 to disable
 * @param minP             relative probability floor, 0 to disable
 * @param repeatPenalty    repetition penalty, 1 to disable
 * @param repeatLastN      window of the penalties
 * @param seed             seed of the random choice
 * @param frequencyPenalty OpenAI-style frequency penalty, 0 to disable
 * @param presencePenalty  OpenAI-style presence penalty, 0 to disable
 * @param temperatureFirst the temperature before top-k, top-p and min-p in the chain (vLLM's order), else last
 */
public record SamplerParams(double temperature, int topK, double topP, double minP, double repeatPenalty,
                            int repeatLastN, long seed, double frequencyPenalty, double presencePenalty,
                            boolean temperatureFirst) {

    /** Greedy decoding without penalties. */
    public static final SamplerParams GREEDY = new SamplerParams(0, 0, 1, 0, 1, 64, 42, 0, 0);

    /** Temperature last. */
    public SamplerParams(double temperature, int topK, double topP, double minP, double repeatPenalty,
                         int repeatLastN, long seed, double frequencyPenalty, double presencePenalty) {
        this(temperature, topK, topP, minP, repeatPenalty, repeatLastN, seed, frequencyPenalty, presencePenalty,
                false);
    }

    boolean greedy() {
        return temperature == 0;
    }

    boolean penalizesRepetition() {
        return repeatLastN > 0 && (repeatPenalty != 1 || frequencyPenalty != 0 || presencePenalty != 0);
    }
}
