package io.github.langchain4j.moi.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A prompt as the model reads it: a sequence of parts that are either template markup, whose special tokens
 * (such as {@code <|im_start|>}) are real control tokens, or text, which is data and is tokenized as plain
 * text whatever it contains. Message content is always text, so a user who writes {@code <|im_end|>} gets
 * those characters, not the token.
 *
 * @param parts the parts in order; empty parts are dropped
 */
public record PromptText(List<Part> parts) {

    /** One piece of the prompt; {@code markup} says whether special tokens in it are parsed. */
    public record Part(String text, boolean markup) {
        public Part {
            Objects.requireNonNull(text, "text");
        }
    }

    public PromptText {
        Objects.requireNonNull(parts, "parts");
        List<Part> kept = new ArrayList<>(parts.size());
        for (Part part : parts) {
            if (!Objects.requireNonNull(part, "part").text().isEmpty()) {
                kept.add(part);
            }
        }
        parts = List.copyOf(kept);
    }

    /** A prompt that is plain text only: nothing in it becomes a control token. */
    public static PromptText text(String text) {
        return new PromptText(List.of(new Part(text, false)));
    }

    /**
     * A prompt written in the model's own format by its author (a "raw" prompt): special tokens in it are
     * parsed. Never pass text from users or tools here; render it with the chat template instead.
     */
    public static PromptText markup(String markup) {
        return new PromptText(List.of(new Part(markup, true)));
    }

    /** The prompt as one string, markup and text together (for logs, traces and tests). */
    public String asString() {
        StringBuilder sb = new StringBuilder();
        for (Part part : parts) {
            sb.append(part.text());
        }
        return sb.toString();
    }

    public boolean isEmpty() {
        return parts.isEmpty();
    }
}
