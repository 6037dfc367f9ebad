package io.github.langchain4j.moi;

import io.github.langchain4j.moi.engine.ChatTurn;
import io.github.langchain4j.moi.engine.EngineConfig;
import io.github.langchain4j.moi.engine.GenerationListener;
import io.github.langchain4j.moi.engine.GenerationRequest;
import io.github.langchain4j.moi.engine.GenerationResult;
import io.github.langchain4j.moi.engine.MoiEngine;
import io.github.langchain4j.moi.engine.PromptText;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * What the chat model needs from a loaded model: the seam between {@link MoiChatLanguageModel} and
 * {@link MoiEngine}, so that the chat model can be tested without native code.
 */
interface ModelRuntime extends AutoCloseable {

    GenerationResult generate(GenerationRequest request, GenerationListener listener);

    /** Starts a generation without waiting; by default it runs on the calling thread (test runtimes). */
    default CompletableFuture<GenerationResult> submit(GenerationRequest request, GenerationListener listener) {
        try {
            return CompletableFuture.completedFuture(generate(request, listener));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    PromptText applyChatTemplate(List<ChatTurn> turns, boolean addAssistantPrefix);

    String modelName();

    int contextSize();

    @Override
    void close();

    /** Loads the model file with the engine. */
    static ModelRuntime load(EngineConfig config) {
        MoiEngine engine = MoiEngine.load(config);
        return new ModelRuntime() {
            @Override
            public GenerationResult generate(GenerationRequest request, GenerationListener listener) {
                return engine.generate(request, listener);
            }

            @Override
            public CompletableFuture<GenerationResult> submit(GenerationRequest request, GenerationListener listener) {
                return engine.submit(request, listener);
            }

            @Override
            public PromptText applyChatTemplate(List<ChatTurn> turns, boolean addAssistantPrefix) {
                return engine.applyChatTemplate(turns, addAssistantPrefix);
            }

            @Override
            public String modelName() {
                return engine.modelName();
            }

            @Override
            public int contextSize() {
                return engine.contextSize();
            }

            @Override
            public void close() {
                engine.close();
            }
        };
    }
}
