package io.github.langchain4j.moi.engine;

/**
 * Where the decoding thread spent its time since the engine was loaded (benchmarks read it).
 *
 * @param steps        decode steps (one {@code llama_decode} of all active sequences each)
 * @param decodeNanos  inside {@code llama_decode} for those steps (native model compute)
 * @param sampleNanos  inside llama.cpp's sampler chain
 * @param javaNanos    the rest of each step in Java: copying logits, MoI mixing, embedding rows, text
 */
public record DecodeTimings(long steps, long decodeNanos, long sampleNanos, long javaNanos) {

    /** The share of step time spent in Java. */
    public double javaShare() {
        long total = decodeNanos + sampleNanos + javaNanos;
        return total == 0 ? 0 : (double) javaNanos / total;
    }
}
