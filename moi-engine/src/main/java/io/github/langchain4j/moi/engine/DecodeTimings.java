package io.github.langchain4j.moi.engine;

/**
 * Where the decoding thread spent its time since the engine was loaded (benchmarks read it).
 *
 * @param steps             decode steps (one {@code llama_decode} of all active sequences each, prompt chunks included)
 * @param decodeNanos       inside {@code llama_decode} for those steps (native model compute)
 * @param sampleNanos       inside llama.cpp's sampler chain
 * @param javaNanos         the rest of each step in Java: filling the batch, copying logits, MoI mixing, embedding
 *                          rows, text and the callers' listeners (the three parts below included)
 * @param inputs            generated-position inputs decoded (one per generating sequence and step; prompt tokens not)
 * @param logitsNanos       copying raw logits out of llama.cpp (part of javaNanos)
 * @param mixNanos          MoI: the mixture and the next input's embedding rows (part of javaNanos)
 * @param handOverNanos     in the callers' listeners (onText, onStep) and completing their results (part of javaNanos)
 * @param promptTokens      prompt tokens decoded in steps (chunked prefill)
 * @param promptSteps       the steps that carried prompt tokens
 * @param promptDecodeNanos inside {@code llama_decode} for those steps (part of decodeNanos)
 */
public record DecodeTimings(long steps, long decodeNanos, long sampleNanos, long javaNanos, long inputs,
                            long logitsNanos, long mixNanos, long handOverNanos,
                            long promptTokens, long promptSteps, long promptDecodeNanos) {

    /** The share of step time spent in Java. */
    public double javaShare() {
        long total = decodeNanos + sampleNanos + javaNanos;
        return total == 0 ? 0 : (double) javaNanos / total;
    }

    /** What happened between {@code earlier} and this (benchmarks measure a run by its difference). */
    public DecodeTimings minus(DecodeTimings earlier) {
        return new DecodeTimings(steps - earlier.steps, decodeNanos - earlier.decodeNanos, sampleNanos - earlier.sampleNanos,
                javaNanos - earlier.javaNanos, inputs - earlier.inputs, logitsNanos - earlier.logitsNanos,
                mixNanos - earlier.mixNanos, handOverNanos - earlier.handOverNanos, promptTokens - earlier.promptTokens,
                promptSteps - earlier.promptSteps, promptDecodeNanos - earlier.promptDecodeNanos);
    }
}
