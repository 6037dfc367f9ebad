package io.github.langchain4j.moi;

import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.common.AbstractChatModelIT;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.response.ChatResponseMetadata;
import java.util.List;
import org.junit.jupiter.api.AfterAll;

/** LangChain4j's own contract tests for chat models, on the default model. */
class MoiChatModelIT extends AbstractChatModelIT {

    @Override
    protected List<ChatModel> models() {
        return List.of(ItModels.chatView(ItModels.shared()));
    }

    @Override
    protected ChatModel createModelWith(ChatRequestParameters parameters) {
        return ItModels.chatView(ItModels.createWith(parameters));
    }

    @Override
    protected ChatRequestParameters createIntegrationSpecificParameters(int maxOutputTokens) {
        return MoiChatRequestParameters.builder().maxOutputTokens(maxOutputTokens).build();
    }

    @Override
    protected Class<? extends ChatResponseMetadata> chatResponseMetadataType(ChatModel model) {
        return MoiChatResponseMetadata.class;
    }

    // One model file per instance: another model is another MoiChatLanguageModel (see KNOWN LIMITATIONS).
    @Override
    protected boolean supportsModelNameParameter() {
        return false;
    }

    // Text models only.
    @Override
    protected boolean supportsSingleImageInputAsBase64EncodedString() {
        return false;
    }

    @Override
    protected boolean supportsSingleImageInputAsPublicURL() {
        return false;
    }

    @Override
    protected String catImageUrl() {
        return ItModels.pictureUrl();
    }

    @Override
    protected String diceImageUrl() {
        return ItModels.pictureUrl();
    }

    @AfterAll
    void closeModels() {
        ItModels.closeCreated();
    }
}
