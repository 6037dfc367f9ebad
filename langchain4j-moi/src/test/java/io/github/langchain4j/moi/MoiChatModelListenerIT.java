package io.github.langchain4j.moi;

import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.common.AbstractChatModelListenerIT;
import dev.langchain4j.model.chat.listener.ChatModelListener;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.TestInstance;

/** LangChain4j's own listener contract tests, on the default model. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MoiChatModelListenerIT extends AbstractChatModelListenerIT {

    @Override
    protected ChatModel createModel(ChatModelListener listener) {
        return ItModels.create(listening(listener));
    }

    @Override
    protected String modelName() {
        return ItModels.modelName();
    }

    @Override
    protected ChatModel createFailingModel(ChatModelListener listener) {
        return ItModels.create(failing(listener));
    }

    @Override
    protected Class<? extends Exception> expectedExceptionClass() {
        return ContextOverflowException.class;
    }

    /** With the options the kit checks on the observed request. */
    static MoiChatLanguageModel.Builder listening(ChatModelListener listener) {
        return MoiChatLanguageModel.builder().temperature(0.7).topP(1.0).maxOutputTokens(7).listeners(listener);
    }

    /** A context of 64 tokens cannot hold the prompt that describes a tool: the generation fails. */
    static MoiChatLanguageModel.Builder failing(ChatModelListener listener) {
        return MoiChatLanguageModel.builder()
                .contextSize(64)
                .defaultRequestParameters(ChatRequestParameters.builder()
                        .toolSpecifications(ToolSpecification.builder()
                                .name("lookUp")
                                .description("Looks up a word in the dictionary and returns its definitions")
                                .build())
                        .build())
                .listeners(listener);
    }

    @AfterAll
    void closeModels() {
        ItModels.closeCreated();
    }
}
