package io.github.langchain4j.moi.engine;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * What a loaded model offers to the layers above: chat templating and generation. {@link MoiEngine} is the
 * implementation; the adapter and the command line take an {@code Engine} so that their tests can run
 * without native code.
 */
public interface Engine extends AutoCloseable {

    /** Generates one answer; blocks until done. */
    GenerationResult generate(GenerationRequest request, GenerationListener listener);

    /**
     * Starts a generation without waiting; cancelling the future ends it. By default it runs on the calling
     * thread (for test engines).
     */
    default CompletableFuture<GenerationResult> submit(GenerationRequest request, GenerationListener listener) {
        try {
            return CompletableFuture.completedFuture(generate(request, listener));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** Formats messages with the model's chat template; see {@link MoiEngine#applyChatTemplate}. */
    PromptText applyChatTemplate(List<ChatTurn> turns, boolean addAssistantPrefix);

    /**
     * Formats messages and tools (JSON objects in Hugging Face's shape, for the template's {@code tools}) with
     * the model's chat template. Engines without Jinja templates accept no tools.
     */
    default PromptText applyChatTemplate(List<ChatTurn> turns, List<String> tools, boolean addAssistantPrefix) {
        if (!tools.isEmpty()) {
            throw new MoiEngineException("this engine cannot pass tools to a chat template");
        }
        return applyChatTemplate(turns, addAssistantPrefix);
    }

    /** The model's Jinja chat template source, or null (none, or not known to this engine). */
    default String chatTemplateSource() {
        return null;
    }

    /** The model's name from its metadata (general.name), or the file name. */
    String modelName();

    /** The context window of one generation, in tokens. */
    int contextSize();

    /** Frees the model. */
    @Override
    void close();
}
