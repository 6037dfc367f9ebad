package io.github.langchain4j.moi;

import io.github.langchain4j.moi.engine.Engine;
import io.github.langchain4j.moi.engine.PromptText;
import io.github.langchain4j.moi.engine.ChatTurn;
import io.github.langchain4j.moi.engine.FinishReason;
import io.github.langchain4j.moi.engine.GenerationListener;
import io.github.langchain4j.moi.engine.GenerationRequest;
import io.github.langchain4j.moi.engine.GenerationResult;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;

/**
 * A model without native code for the starter's tests (same package as the model, to reach its runtime seam):
 * it writes "x" every 5 ms, on its own thread like the engine, until the generation is cancelled.
 */
public final class EndlessRuntime implements Engine {

    /** Makes the builder use this runtime instead of loading its model file. */
    public static MoiChatLanguageModel.Builder install(MoiChatLanguageModel.Builder builder) {
        return builder.runtimeLoader(config -> new EndlessRuntime());
    }

    @Override
    public CompletableFuture<GenerationResult> submit(GenerationRequest request, GenerationListener listener) {
        CompletableFuture<GenerationResult> result = new CompletableFuture<>();
        Thread thread = new Thread(() -> {
            int count = 0;
            while (!result.isDone() && !listener.isCancelled()) {
                listener.onText("x");
                count++;
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    break;
                }
            }
            result.complete(new GenerationResult("x".repeat(count), new int[count], 1, FinishReason.CANCELLED, List.of()));
        }, "endless-generation");
        thread.setDaemon(true);
        thread.start();
        return result;
    }

    @Override
    public GenerationResult generate(GenerationRequest request, GenerationListener listener) {
        return submit(request, listener).join();
    }

    @Override
    public PromptText applyChatTemplate(List<ChatTurn> turns, boolean addAssistantPrefix) {
        return PromptText.text(turns.stream().map(ChatTurn::content).collect(Collectors.joining("\n")));
    }

    @Override
    public String modelName() {
        return "endless";
    }

    @Override
    public int contextSize() {
        return 4096;
    }

    @Override
    public void close() {
    }
}
