package io.github.langchain4j.moi.testing;

/** Distances between logit vectors, for the tests that compare the token path with the embedding path. */
public final class Logits {

    private Logits() {
    }

    /** The largest |a[i] - b[i]|. */
    public static float maxAbsDiff(float[] a, float[] b) {
        float max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs(a[i] - b[i]));
        }
        return max;
    }

    /** The largest |a[i]|: the scale that a tolerance is relative to. */
    public static float maxAbs(float[] a) {
        float max = 0;
        for (float v : a) {
            max = Math.max(max, Math.abs(v));
        }
        return max;
    }
}
