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
import java.util.Collections;
import java.util.List;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
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

    /** Key of the request's {@link Ticket} in the listener attributes that LangChain4j keeps per request. */
    private static final Object TICKET = new Object();

    /** A request in flight; identity-compared, weakly held. */
    private static final class Ticket {
        final long start = System.nanoTime();
    }

    /**
     * Requests in flight. Weak, because LangChain4j tells listeners nothing about a stream that its caller
     * cancelled: such a ticket leaves the set once LangChain4j drops the request's attributes (at a GC).
     */
    private final Set<Ticket> inFlight = Collections.synchronizedSet(Collections.newSetFromMap(new WeakHashMap<>()));
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

    /**
     * Requests in flight: sequences the model is generating now or about to. A stream cancelled by its caller
     * counts until the garbage collector has seen that LangChain4j dropped it.
     */
    public int busySequences() {
        return inFlight.size();
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
            Ticket ticket = new Ticket();
            context.attributes().put(TICKET, ticket);
            inFlight.add(ticket);
        }

        @Override
        public void onResponse(ChatModelResponseContext context) {
            completed.incrementAndGet();
            Duration duration = Duration.ZERO;
            if (context.attributes().get(TICKET) instanceof Ticket ticket) {
                inFlight.remove(ticket);
                duration = Duration.ofNanos(System.nanoTime() - ticket.start);
            }
            TokenUsage usage = context.chatResponse().tokenUsage();
            int outputTokens = usage == null || usage.outputTokenCount() == null ? 0 : usage.outputTokenCount();
            Generation generation = new Generation(outputTokens, duration, meanEntropy(context.chatResponse()));
            observers.forEach(observer -> observer.accept(generation));
        }

        @Override
        public void onError(ChatModelErrorContext context) {
            if (context.attributes().get(TICKET) instanceof Ticket ticket) {
                inFlight.remove(ticket);
            }
            failed.incrementAndGet();
            Throwable error = context.error();
            lastError = new LastError(Instant.now(), error.getClass().getSimpleName(), String.valueOf(error.getMessage()));
        }
    }
}
