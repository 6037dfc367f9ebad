package io.github.langchain4j.moi;

import io.github.langchain4j.moi.engine.ChatTurn;
import io.github.langchain4j.moi.engine.Engine;
import io.github.langchain4j.moi.engine.EngineConfig;
import io.github.langchain4j.moi.engine.FinishReason;
import io.github.langchain4j.moi.engine.GenerationListener;
import io.github.langchain4j.moi.engine.GenerationRequest;
import io.github.langchain4j.moi.engine.GenerationResult;
import io.github.langchain4j.moi.engine.PromptText;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A model without native code for the starter's tests (same package as the model, to reach its runtime seam): it
 * records the configuration it is loaded with and the last request, and answers "ok".
 */
public final class RecordingRuntime implements Engine {

    private volatile EngineConfig config;
    private volatile GenerationRequest lastRequest;
    private final String templateSource;

    public RecordingRuntime() {
        this(null);
    }

    /** @param templateSource the chat template it reports (a reasoning one makes requests carry a thinking segment) */
    public RecordingRuntime(String templateSource) {
        this.templateSource = templateSource;
    }

    @Override
    public String chatTemplateSource() {
        return templateSource;
    }

    /** Makes the builder load this runtime instead of its model file. */
    public MoiChatLanguageModel.Builder install(MoiChatLanguageModel.Builder builder) {
        return builder.runtimeLoader(engineConfig -> {
            this.config = engineConfig;
            return this;
        });
    }

    /** The configuration the model was loaded with. */
    public EngineConfig config() {
        return config;
    }

    /** The last request that reached the engine. */
    public GenerationRequest lastRequest() {
        return lastRequest;
    }

    @Override
    public GenerationResult generate(GenerationRequest request, GenerationListener listener) {
        lastRequest = request;
        if (listener != null) {
            listener.onText("ok");
        }
        return new GenerationResult("ok", new int[] {1}, 1, FinishReason.STOP, List.of());
    }

    @Override
    public PromptText applyChatTemplate(List<ChatTurn> turns, boolean addAssistantPrefix) {
        return PromptText.text(turns.stream().map(ChatTurn::content).collect(Collectors.joining("\n")));
    }

    @Override
    public String modelName() {
        return "recording";
    }

    @Override
    public int contextSize() {
        return 4096;
    }

    @Override
    public void close() {
    }
}
