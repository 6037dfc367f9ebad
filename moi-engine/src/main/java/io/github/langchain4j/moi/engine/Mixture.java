package io.github.langchain4j.moi.engine;

/**
 * The result of one MoI mixing step: the next input is {@code sum_i weights[i] * e(support[i])}.
 *
 * @param support  token ids of the support S (the sampled token is always among them)
 * @param prior    p over S: softmax of the raw logits restricted to S (same order as support)
 * @param entropy  normalized entropy H of p, in [0, 1] (0 when |S| = 1)
 * @param weights  w over S (same order as support); they sum to 1
 */
public record Mixture(int[] support, double[] prior, double entropy, double[] weights) {
}
