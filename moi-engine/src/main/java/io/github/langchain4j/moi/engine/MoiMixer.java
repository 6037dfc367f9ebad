package io.github.langchain4j.moi.engine;


import java.util.Arrays;
import java.util.Objects;

/**
 * Computes the MoI mixture for one generated position (see {@code design/moi-algorithm.md}).
 *
 * <p>The support S is the {@code k = min(mixTopK, vocabSize)} most likely tokens of the raw logits, plus the
 * sampled token (placed last) if it is not among them. Tokens whose logit is NaN or -infinity have zero
 * probability and are never chosen for the top-k, so S may be smaller than k when fewer logits are finite.
 * The prior p is the softmax of the raw logits over S ({@link MoiSupport#EXTENDED}) or over the top k alone
 * ({@link MoiSupport#REFERENCE}: a sampled token outside them has prior 0), H is its entropy normalized by the log
 * of the number of tokens p ranges over, and the weights follow the mode:
 * <ul>
 *   <li>{@link MoiMode#MOI}: {@code w_i = (H p_i + (beta + 1 - H) [i == y]) / (beta + 1)}; in REFERENCE support a
 *       sampled token outside the top k gets {@code w_y = 1 - H} (the reference's
 *       {@code h = H sum_i ((p_i + beta [i == y]) / (1 + beta)) e_i + (1 - H) e_y} with the indicator 0), so the
 *       weights sum to {@code H / (1 + beta) + 1 - H}</li>
 *   <li>{@link MoiMode#DIRECT}: {@code w_i = p_i}</li>
 *   <li>{@link MoiMode#OFF}: the sampled token alone, weight 1 (the logits are not read)</li>
 * </ul>
 *
 * <p>Runs once per generated token over the whole vocabulary, so the scan is a single pass with a
 * size-k min-heap over primitive arrays: O(V log k) time and O(k) memory.
 */
final class MoiMixer {

    private MoiMixer() {
    }

    /**
     * Mixes the next-token distribution with the sampled token.
     *
     * @param logits       raw next-token logits (before temperature, top-p and the like); only the first
     *                     {@code vocabSize} entries are read
     * @param vocabSize    number of tokens in the vocabulary
     * @param sampledToken the token the sampler picked
     * @param options      mode, beta and support size
     * @return support, prior, entropy and weights, support ordered by descending prior (ties: lower id first)
     * @throws IllegalArgumentException on inconsistent sizes, a sampled token out of range, or (unless the mode
     *                                  is OFF) when no logit is finite
     */
    public static Mixture mix(float[] logits, int vocabSize, int sampledToken, MoiOptions options) {
        Objects.requireNonNull(logits, "logits");
        Objects.requireNonNull(options, "options");
        if (vocabSize < 1) {
            throw new IllegalArgumentException("vocabSize must be >= 1, was " + vocabSize);
        }
        if (logits.length < vocabSize) {
            throw new IllegalArgumentException(
                    "logits has " + logits.length + " entries, fewer than vocabSize " + vocabSize);
        }
        if (sampledToken < 0 || sampledToken >= vocabSize) {
            throw new IllegalArgumentException(
                    "sampledToken must be in [0, " + vocabSize + "), was " + sampledToken);
        }
        if (options.mode() == MoiMode.OFF) {
            return new Mixture(new int[] {sampledToken}, new double[] {1.0}, 0.0, new double[] {1.0});
        }

        int k = Math.min(options.mixTopK(), vocabSize);
        int[] ids = new int[k + 1];          // one spare slot for the sampled token
        float[] values = new float[k + 1];
        int n = selectTopK(logits, vocabSize, k, ids, values);
        if (n == 0) {
            throw new IllegalArgumentException("all " + vocabSize + " logits are NaN or -Infinity");
        }
        sortDescending(ids, values, n);

        int sampledIndex = indexOf(ids, n, sampledToken);
        boolean outside = sampledIndex < 0;
        if (outside) {
            sampledIndex = n;
            ids[n] = sampledToken;
            values[n] = sanitize(logits[sampledToken]);
        }
        // EXTENDED: the sampled token joins the prior's support; REFERENCE: the prior stays over the top k and the
        // token outside it has prior 0 (its indicator term in the reference is zero).
        boolean extend = outside && options.support() == MoiSupport.EXTENDED;
        int priorSize = extend ? n + 1 : n;
        if (outside) {
            n++;
        }

        double[] prior = softmax(values, priorSize, n);
        double entropy = normalizedEntropy(prior, priorSize);
        double[] weights = new double[n];
        if (options.mode() == MoiMode.DIRECT) {
            System.arraycopy(prior, 0, weights, 0, n);
        } else {
            double beta = options.beta();
            for (int i = 0; i < n; i++) {
                weights[i] = entropy * prior[i] / (beta + 1);
            }
            if (outside && !extend) {
                weights[sampledIndex] += 1 - entropy;      // h = H sum_{top k} p_i e_i / (1 + beta) + (1 - H) e_y
            } else {
                weights[sampledIndex] += (beta + 1 - entropy) / (beta + 1);
            }
        }
        int[] support = n == ids.length ? ids : Arrays.copyOf(ids, n);
        return new Mixture(support, prior, entropy, weights);
    }

    /** NaN counts as "impossible"; +Infinity becomes the largest float so the softmax stays finite. */
    private static float sanitize(float logit) {
        if (Float.isNaN(logit)) {
            return Float.NEGATIVE_INFINITY;
        }
        return logit == Float.POSITIVE_INFINITY ? Float.MAX_VALUE : logit;
    }

    /**
     * Fills a min-heap (root = the worst kept entry) with the k best finite logits; returns how many were kept.
     * Scanning ids in increasing order, a newcomer equal to the root has the higher id and so loses the tie,
     * which is why only a strictly greater value replaces the root.
     */
    private static int selectTopK(float[] logits, int vocabSize, int k, int[] ids, float[] values) {
        int size = 0;
        int id = 0;
        for (; id < vocabSize && size < k; id++) { // the first k finite logits
            float v = sanitize(logits[id]);
            if (v != Float.NEGATIVE_INFINITY) {
                ids[size] = id;
                values[size] = v;
                siftUp(ids, values, size);
                size++;
            }
        }
        // The hot loop, once per vocabulary entry and step: one load and one comparison. NaN and -infinity
        // never compare greater than the finite root, so they need no test of their own here.
        float root = size > 0 ? values[0] : Float.POSITIVE_INFINITY;
        for (; id < vocabSize; id++) {
            float raw = logits[id];
            if (raw > root) {
                float v = sanitize(raw); // +infinity becomes MAX_VALUE, which may tie with the root
                if (v > root) {
                    ids[0] = id;
                    values[0] = v;
                    siftDown(ids, values, 0, size);
                    root = values[0];
                }
            }
        }
        return size;
    }

    /** True when entry a ranks below entry b: smaller logit, or the same logit and a higher id. */
    private static boolean worse(int[] ids, float[] values, int a, int b) {
        return values[a] < values[b] || (values[a] == values[b] && ids[a] > ids[b]);
    }

    private static void siftUp(int[] ids, float[] values, int i) {
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            if (!worse(ids, values, i, parent)) {
                return;
            }
            swap(ids, values, i, parent);
            i = parent;
        }
    }

    private static void siftDown(int[] ids, float[] values, int i, int size) {
        while (true) {
            int left = 2 * i + 1;
            if (left >= size) {
                return;
            }
            int child = left + 1 < size && worse(ids, values, left + 1, left) ? left + 1 : left;
            if (!worse(ids, values, child, i)) {
                return;
            }
            swap(ids, values, i, child);
            i = child;
        }
    }

    /** Heap-sorts in place: popping the worst entry to the end each time leaves the best first. */
    private static void sortDescending(int[] ids, float[] values, int size) {
        for (int end = size - 1; end > 0; end--) {
            swap(ids, values, 0, end);
            siftDown(ids, values, 0, end);
        }
    }

    private static void swap(int[] ids, float[] values, int a, int b) {
        int id = ids[a];
        ids[a] = ids[b];
        ids[b] = id;
        float v = values[a];
        values[a] = values[b];
        values[b] = v;
    }

    private static int indexOf(int[] ids, int size, int id) {
        for (int i = 0; i < size; i++) {
            if (ids[i] == id) {
                return i;
            }
        }
        return -1;
    }

    /**
     * Softmax over the first {@code size} values into an array of {@code length} (the rest stay 0); values[0] is
     * the maximum, subtracted for stability.
     */
    private static double[] softmax(float[] values, int size, int length) {
        double max = values[0];
        double[] p = new double[length];
        double sum = 0;
        for (int i = 0; i < size; i++) {
            p[i] = Math.exp(values[i] - max);   // exp(-inf) = 0 for an impossible sampled token
            sum += p[i];
        }
        for (int i = 0; i < size; i++) {
            p[i] /= sum;
        }
        return p;
    }

    /** Entropy of the first {@code size} entries of p, normalized by {@code log size}. */
    private static double normalizedEntropy(double[] p, int size) {
        if (size < 2) {
            return 0.0;
        }
        double h = 0;
        for (int i = 0; i < size; i++) {
            double pi = p[i];
            if (pi > 0) {
                h -= pi * Math.log(pi);
            }
        }
        h /= Math.log(size);
        return Math.min(1.0, Math.max(0.0, h));   // rounding can step just outside [0, 1]
    }
}
