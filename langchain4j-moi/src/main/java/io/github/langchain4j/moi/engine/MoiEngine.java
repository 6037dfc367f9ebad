package io.github.langchain4j.moi.engine;

import java.util.List;

/**
 * A loaded GGUF model with MoI in its decode loop. (Skeleton: the implementation is being written.)
 */
public final class MoiEngine implements AutoCloseable {

    /** Loads the model; throws ModelFileException naming the problem for a bad file. */
    public static MoiEngine load(EngineConfig config) {
        throw new UnsupportedOperationException("not yet");
    }

    /** Generates one answer; blocks until done. Thread-safe. */
    public GenerationResult generate(GenerationRequest request, GenerationListener listener) {
        throw new UnsupportedOperationException("not yet");
    }

    /** Formats messages with the model's own chat template; addAssistantPrefix opens the assistant's turn. */
    public String applyChatTemplate(List<ChatTurn> messages, boolean addAssistantPrefix) {
        throw new UnsupportedOperationException("not yet");
    }

    /** Token count of a text (special tokens parsed). */
    public int countTokens(String text) {
        throw new UnsupportedOperationException("not yet");
    }

    /** The model's name from its metadata (general.name), or the file name. */
    public String modelName() {
        throw new UnsupportedOperationException("not yet");
    }

    /** The context window in tokens. */
    public int contextSize() {
        throw new UnsupportedOperationException("not yet");
    }

    /** The model's architecture (general.architecture), e.g. "qwen2", "gemma3". */
    public String architecture() {
        throw new UnsupportedOperationException("not yet");
    }

    @Override
    public void close() {
    }
}
