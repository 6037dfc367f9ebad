package io.github.langchain4j.moi;

import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.common.AbstractStreamingChatModelListenerIT;
import dev.langchain4j.model.chat.listener.ChatModelListener;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.TestInstance;

/** LangChain4j's own listener contract tests for streaming, on the default model. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MoiStreamingChatModelListenerIT extends AbstractStreamingChatModelListenerIT {

    @Override
    protected StreamingChatModel createModel(ChatModelListener listener) {
        return ItModels.create(MoiChatModelListenerIT.listening(listener));
    }

    @Override
    protected String modelName() {
        return ItModels.modelName();
    }

    @Override
    protected StreamingChatModel createFailingModel(ChatModelListener listener) {
        return ItModels.create(MoiChatModelListenerIT.failing(listener));
    }

    @Override
    protected Class<? extends Exception> expectedExceptionClass() {
        return ContextOverflowException.class;
    }

    @AfterAll
    void closeModels() {
        ItModels.closeCreated();
    }
}
