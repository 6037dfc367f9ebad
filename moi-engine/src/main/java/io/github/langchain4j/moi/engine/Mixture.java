package io.github.langchain4j.moi.engine;

/**
 * The result of one MoI mixing step: the next input is {@code sum_i weights[i] * e(support[i])}.
 *
 * @param support  token ids of the support S (the sampled token is always among them)
 * @param prior    p over S: softmax of the raw logits restricted to S (same order as support); in
 *                 {@link MoiSupport#REFERENCE} support a sampled token outside the top k has prior 0
 * @param entropy  normalized entropy H of p, in [0, 1] (0 when p ranges over a single token)
 * @param weights  w over S (same order as support), exactly as used for the next input; they sum to 1, except in
 *                 REFERENCE support with the sampled token outside the top k ({@code H / (1 + beta) + 1 - H})
 */
public record Mixture(int[] support, double[] prior, double entropy, double[] weights) {
}
