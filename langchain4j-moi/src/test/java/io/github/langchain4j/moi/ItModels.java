package io.github.langchain4j.moi;

import dev.langchain4j.model.ModelProvider;
import dev.langchain4j.model.chat.Capability;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.listener.ChatModelListener;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The chat models of the integration tests, all on the library's default model (resolved by the builder
 * itself, through the model cache). One shared instance serves the tests that need no special options;
 * instances made for a test are closed with {@link #closeCreated()}.
 */
final class ItModels {

    private static MoiChatLanguageModel shared;
    private static final List<MoiChatLanguageModel> created = new ArrayList<>();

    private ItModels() {
    }

    static synchronized MoiChatLanguageModel shared() {
        if (shared == null) {
            shared = MoiChatLanguageModel.builder().build();
            Runtime.getRuntime().addShutdownHook(new Thread(shared::close));
        }
        return shared;
    }

    /** A model of its own (closed by {@link #closeCreated()}), with these options. */
    static synchronized MoiChatLanguageModel create(MoiChatLanguageModel.Builder builder) {
        MoiChatLanguageModel model = builder.build();
        created.add(model);
        return model;
    }

    static MoiChatLanguageModel createWith(ChatRequestParameters defaults) {
        return create(MoiChatLanguageModel.builder().defaultRequestParameters(defaults));
    }

    static synchronized void closeCreated() {
        created.forEach(MoiChatLanguageModel::close);
        created.clear();
    }

    /**
     * The model seen only as a {@link ChatModel}. The contract kit needs this: its base class treats every
     * {@link StreamingChatModel} as streaming, and JUnit closes {@link AutoCloseable} arguments of parameterized
     * tests. Every call still goes through the model's own {@code chat}, merging and listeners included.
     */
    static ChatModel chatView(MoiChatLanguageModel model) {
        return new ChatModel() {
            @Override
            public ChatResponse chat(ChatRequest chatRequest) {
                return model.chat(chatRequest);
            }

            @Override
            public ChatRequestParameters defaultRequestParameters() {
                return model.defaultRequestParameters();
            }

            @Override
            public List<ChatModelListener> listeners() {
                return model.listeners();
            }

            @Override
            public ModelProvider provider() {
                return model.provider();
            }

            @Override
            public Set<Capability> supportedCapabilities() {
                return model.supportedCapabilities();
            }
        };
    }

    /** The model seen only as a {@link StreamingChatModel} (not AutoCloseable, see {@link #chatView}). */
    static StreamingChatModel streamingView(MoiChatLanguageModel model) {
        return new StreamingChatModel() {
            @Override
            public void chat(ChatRequest chatRequest, StreamingChatResponseHandler handler) {
                model.chat(chatRequest, handler);
            }

            @Override
            public ChatRequestParameters defaultRequestParameters() {
                return model.defaultRequestParameters();
            }

            @Override
            public List<ChatModelListener> listeners() {
                return model.listeners();
            }

            @Override
            public ModelProvider provider() {
                return model.provider();
            }

            @Override
            public Set<Capability> supportedCapabilities() {
                return model.supportedCapabilities();
            }
        };
    }

    /** A local picture for the tests that check images are refused (they are never sent anywhere). */
    static String pictureUrl() {
        return ItModels.class.getResource("/pixel.png").toString();
    }

    static String modelName() {
        return shared().defaultRequestParameters().modelName();
    }
}
