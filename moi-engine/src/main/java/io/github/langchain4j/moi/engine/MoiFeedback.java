package io.github.langchain4j.moi.engine;

import io.github.langchain4j.moi.llamacpp.NativeModel;

import java.util.Arrays;

/**
 * MoI's feedback for one sequence: given the token just sampled and the raw logits it was sampled from, what
 * is the next input (see {@code design/moi-algorithm.md}).
 *
 * <ul>
 *   <li>{@link MoiMode#OFF}: the sampled token itself, fed as a token id;</li>
 *   <li>{@link MoiMode#MOI} and {@link MoiMode#DIRECT}: the weights {@code w} over the support S come from
 *       the pure function {@link MoiMixer#mix} (mode, beta, mixTopK), and the input is
 *       {@code h = sum_i w_i e_i}, fed through {@code batch.embd}.</li>
 * </ul>
 * The rows {@code e_i} come from the binding already in the scale the model's graph expects on its embedding
 * path (Gemma 3's sqrt(n_embd), which llama.cpp applies to token ids only): that scale is a property of the
 * loaded llama.cpp, which only the binding knows.
 */
final class MoiFeedback {

    /** How an OFF sequence is fed back; tests choose the embedding rows to show that both paths agree. */
    enum OffPath {
        /** The sampled token's id: standard decoding. */
        TOKENS,
        /** The sampled token's own embedding row through {@code batch.embd} (the path MoI inputs take). */
        EMBEDDING_ROWS
    }

    private final NativeModel model;
    private final MoiOptions options;
    private final boolean feedTokens;
    private final boolean readsLogits;
    private final float[] input;

    MoiFeedback(NativeModel model, MoiOptions options, boolean trace, OffPath offPath) {
        this.model = model;
        this.options = options;
        this.feedTokens = options.mode() == MoiMode.OFF && offPath == OffPath.TOKENS;
        this.readsLogits = !feedTokens || trace;
        this.input = new float[model.embeddingSize()];
    }

    /** Whether the step's raw logits are needed: for the mixture, or to trace it. */
    boolean readsLogits() {
        return readsLogits;
    }

    /**
     * The mixture for the sampled token over the raw logits, or null when nothing needs it (OFF fed as tokens,
     * untraced).
     *
     * @param generated how many tokens the sequence has generated, for the error message
     */
    Mixture mix(int token, float[] logits, int generated) {
        return mix(token, logits, generated, Segment.ANSWER);
    }

    /**
     * As {@link #mix(int, float[], int)} for a token in {@code segment}: outside the options' {@link MoiScope}
     * the mixture is the sampled token alone, weight 1 (as OFF).
     */
    Mixture mix(int token, float[] logits, int generated, Segment segment) {
        if (!readsLogits) {
            return null;
        }
        if (!options.scope().covers(segment)) {
            return tokenAlone(token);
        }
        try {
            return MoiMixer.mix(logits, model.vocabSize(), token, options);
        } catch (IllegalArgumentException e) {
            // sizes and the token come from the model itself: what remains is logits that are all NaN or -inf
            throw new MoiEngineException("model " + model.name() + " gave no usable next-token distribution after "
                    + generated + " tokens (damaged weights?): " + e.getMessage(), e);
        }
    }

    /** The mixture of a token fed as itself (outside the scope, or fed by the engine). */
    static Mixture tokenAlone(int token) {
        return new Mixture(new int[] {token}, new double[] {1.0}, 0.0, new double[] {1.0});
    }

    /** The next input: null to feed the sampled token's id, else {@code h = sum_i w_i e_i} (reused buffer). */
    float[] nextInput(Mixture mixture) {
        return nextInput(mixture, Segment.ANSWER);
    }

    /** As {@link #nextInput(Mixture)} for a token in {@code segment}: outside the scope, the token's id. */
    float[] nextInput(Mixture mixture, Segment segment) {
        if (feedTokens || (options.mode() != MoiMode.OFF && !options.scope().covers(segment))) {
            return null;
        }
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
}
