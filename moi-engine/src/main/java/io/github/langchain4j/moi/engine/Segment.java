package io.github.langchain4j.moi.engine;

/** The part of a generation a token belongs to: the model's thinking, or its answer. */
public enum Segment {
    /** Inside a thinking segment ({@code <think>} ... {@code </think>}), the markers included. */
    THINKING,
    /** The answer: everything of a model without a thinking segment, else what follows the segment. */
    ANSWER
}
