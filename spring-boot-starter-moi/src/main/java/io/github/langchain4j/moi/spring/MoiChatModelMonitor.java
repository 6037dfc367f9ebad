package io.github.langchain4j.moi.spring;

import dev.langchain4j.model.chat.listener.ChatModelErrorContext;
import dev.langchain4j.model.chat.listener.ChatModelListener;
import dev.langchain4j.model.chat.listener.ChatModelRequestContext;
import dev.langchain4j.model.chat.listener.ChatModelResponseContext;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.output.TokenUsage;
import io.github.langchain4j.moi.MoiChatResponseMetadata;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.OptionalDouble;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * What the auto-configured model is doing, for the health indicator and the metrics: filled by a
 * {@link ChatModelListener} that the auto-configuration adds to the model (it is not a bean of that type, so other
 * chat models do not get it).
 */
public class MoiChatModelMonitor {

    /** One finished answer, as seen by the listener. */
    public record Generation(int outputTokens, Duration duration, OptionalDouble meanEntropy) {

        /** Output tokens per second of wall time, request to response (prompt processing included). */
        public double tokensPerSecond() {
            double seconds = duration.toNanos() / 1e9;
            return seconds > 0 ? outputTokens / seconds : 0;
        }
    }

    /** The last failed request. */
    public record LastError(Instant at, String type, String message) {
    }

    private static final Object START = new Object();

    private final AtomicInteger busy = new AtomicInteger();
    private final AtomicLong completed = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final List<Consumer<Generation>> observers = new CopyOnWriteArrayList<>();
    private final ChatModelListener listener = new Listener();
    private volatile Path modelPath;
    private volatile String modelName;
    private volatile Integer contextSize;
    private volatile LastError lastError;

    /** The listener that feeds this monitor. */
    public ChatModelListener listener() {
        return listener;
    }

    /** Calls {@code observer} after every answer, on the generating thread. */
    public void addObserver(Consumer<Generation> observer) {
        observers.add(observer);
    }

    void loaded(Path modelPath, String modelName, Integer contextSize) {
        this.modelPath = modelPath;
        this.modelName = modelName;
        this.contextSize = contextSize;
    }

    /** Whether the model has been loaded. */
    public boolean isLoaded() {
        return modelPath != null;
    }

    public Path modelPath() {
        return modelPath;
    }

    public String modelName() {
        return modelName;
    }

    /** The configured context window in tokens (0: the model's training context, capped at 4096). */
    public Integer contextSize() {
        return contextSize;
    }

    /** Requests in flight: sequences the model is generating now or about to. */
    public int busySequences() {
        return busy.get();
    }

    public long completed() {
        return completed.get();
    }

    public long failed() {
        return failed.get();
    }

    /** The last failed request, or {@code null}. */
    public LastError lastError() {
        return lastError;
    }

    static OptionalDouble meanEntropy(ChatResponse response) {
        if (response.metadata() instanceof MoiChatResponseMetadata metadata && !metadata.trace().isEmpty()) {
            return metadata.trace().stream().mapToDouble(step -> step.mixture().entropy()).average();
        }
        return OptionalDouble.empty();
    }

    private final class Listener implements ChatModelListener {

        @Override
        public void onRequest(ChatModelRequestContext context) {
            busy.incrementAndGet();
            context.attributes().put(START, System.nanoTime());
        }

        @Override
        public void onResponse(ChatModelResponseContext context) {
            busy.decrementAndGet();
            completed.incrementAndGet();
            Object start = context.attributes().get(START);
            Duration duration = start instanceof Long nanos ? Duration.ofNanos(System.nanoTime() - nanos) : Duration.ZERO;
            TokenUsage usage = context.chatResponse().tokenUsage();
            int outputTokens = usage == null || usage.outputTokenCount() == null ? 0 : usage.outputTokenCount();
            Generation generation = new Generation(outputTokens, duration, meanEntropy(context.chatResponse()));
            observers.forEach(observer -> observer.accept(generation));
        }

        @Override
        public void onError(ChatModelErrorContext context) {
            busy.updateAndGet(n -> Math.max(0, n - 1));
            failed.incrementAndGet();
            Throwable error = context.error();
            lastError = new LastError(Instant.now(), error.getClass().getSimpleName(), String.valueOf(error.getMessage()));
        }
    }
}
