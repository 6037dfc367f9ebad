package io.github.langchain4j.moi.engine;

import java.util.Objects;

/** One message for the model's chat template: a role ("system", "user", "assistant", "tool") and its text. */
public record ChatTurn(String role, String content) {
    public ChatTurn {
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(content, "content");
    }
}
