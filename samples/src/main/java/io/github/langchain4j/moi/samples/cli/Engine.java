package io.github.langchain4j.moi.samples.cli;

import io.github.langchain4j.moi.engine.ChatTurn;
import io.github.langchain4j.moi.engine.EngineConfig;
import io.github.langchain4j.moi.engine.GenerationListener;
import io.github.langchain4j.moi.engine.GenerationRequest;
import io.github.langchain4j.moi.engine.GenerationResult;
import io.github.langchain4j.moi.engine.MoiEngine;
import io.github.langchain4j.moi.engine.PromptText;

import java.util.List;

/**
 * The part of {@link MoiEngine} that the commands use. An interface so that tests can run the commands, streaming
 * and tracing included, without a model.
 */
interface Engine extends AutoCloseable {

    PromptText applyChatTemplate(List<ChatTurn> turns, boolean addAssistantPrefix);

    GenerationResult generate(GenerationRequest request, GenerationListener listener);

    @Override
    void close();

    /** Loads a real model. */
    static Engine load(EngineConfig config) {
        MoiEngine engine = MoiEngine.load(config);
        return new Engine() {
            @Override
            public PromptText applyChatTemplate(List<ChatTurn> turns, boolean addAssistantPrefix) {
                return engine.applyChatTemplate(turns, addAssistantPrefix);
            }

            @Override
            public GenerationResult generate(GenerationRequest request, GenerationListener listener) {
                return engine.generate(request, listener);
            }

            @Override
            public void close() {
                engine.close();
            }
        };
    }
}
