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
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.IntSupplier;

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

    /** Key of the request's start time in the listener attributes that LangChain4j keeps per request. */
    private static final Object TICKET = new Object();

    /** A request in flight: when it started. */
    private record Ticket(long start) {
    }

    private final AtomicLong completed = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final List<Consumer<Generation>> observers = new CopyOnWriteArrayList<>();
    private final ChatModelListener listener = new Listener();
    private volatile Path modelPath;
    private volatile String modelName;
    private volatile Integer contextSize;
    private volatile LastError lastError;
    private volatile IntSupplier requestsInFlight = () -> 0;

    /** The listener that feeds this monitor. */
    public ChatModelListener listener() {
        return listener;
    }

    /** Calls {@code observer} after every answer, on the generating thread. */
    public void addObserver(Consumer<Generation> observer) {
        observers.add(observer);
    }

    /** @param requestsInFlight the model's own count, which sees every ending (see busySequences) */
    void loaded(Path modelPath, String modelName, Integer contextSize, IntSupplier requestsInFlight) {
        this.modelPath = modelPath;
        this.modelName = modelName;
        this.contextSize = contextSize;
        this.requestsInFlight = requestsInFlight;
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

    /**
     * Requests in flight: sequences the model is generating now or about to. Counted by the model itself
     * ({@link io.github.langchain4j.moi.MoiChatLanguageModel#requestsInFlight()}), because LangChain4j tells
     * listeners nothing about a stream that its caller cancelled (an SSE client that went away): every
     * ending, answer, error or cancel, lowers it.
     */
    public int busySequences() {
        return requestsInFlight.getAsInt();
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
            context.attributes().put(TICKET, new Ticket(System.nanoTime()));
        }

        @Override
        public void onResponse(ChatModelResponseContext context) {
            completed.incrementAndGet();
            Duration duration = Duration.ZERO;
            if (context.attributes().get(TICKET) instanceof Ticket ticket) {
                duration = Duration.ofNanos(System.nanoTime() - ticket.start());
            }
            TokenUsage usage = context.chatResponse().tokenUsage();
            int outputTokens = usage == null || usage.outputTokenCount() == null ? 0 : usage.outputTokenCount();
            Generation generation = new Generation(outputTokens, duration, meanEntropy(context.chatResponse()));
            observers.forEach(observer -> observer.accept(generation));
        }

        @Override
        public void onError(ChatModelErrorContext context) {
            failed.incrementAndGet();
            Throwable error = context.error();
            lastError = new LastError(Instant.now(), error.getClass().getSimpleName(), String.valueOf(error.getMessage()));
        }
    }
}
