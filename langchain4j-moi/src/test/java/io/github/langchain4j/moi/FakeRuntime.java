package io.github.langchain4j.moi;

import io.github.langchain4j.moi.engine.Engine;
import io.github.langchain4j.moi.engine.PromptText;
import io.github.langchain4j.moi.engine.ChatTurn;
import io.github.langchain4j.moi.engine.EngineConfig;
import io.github.langchain4j.moi.engine.FinishReason;
import io.github.langchain4j.moi.engine.GenerationListener;
import io.github.langchain4j.moi.engine.GenerationRequest;
import io.github.langchain4j.moi.engine.GenerationResult;
import io.github.langchain4j.moi.engine.Mixture;
import io.github.langchain4j.moi.engine.MoiStep;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * A model without native code: renders ChatML, records what it is asked, and "generates" scripted answers
 * chunk by chunk (one token per chunk), polling for cancellation between chunks.
 */
final class FakeRuntime implements Engine {

    static final String NAME = "fake-model";

    final List<EngineConfig> configs = new CopyOnWriteArrayList<>();
    final List<GenerationRequest> requests = new CopyOnWriteArrayList<>();
    final List<Thread> generationThreads = new CopyOnWriteArrayList<>();
    private final Deque<List<String>> answers = new ArrayDeque<>();
    private final int contextSize;
    volatile boolean closed;
    volatile long delayPerChunkMillis;
    volatile RuntimeException failure;
    /** The chat template source the fake reports (a reasoning template makes the adapter expect thinking). */
    volatile String templateSource;

    /** A chunk the fake reports as thinking (where the request has a thinking segment), not as answer text. */
    static String thought(String text) {
        return "\u0001" + text;
    }

    FakeRuntime() {
        this(4096);
    }

    FakeRuntime(int contextSize) {
        this.contextSize = contextSize;
    }

    /** The next generation writes these chunks (then ends with STOP, or LENGTH at maxTokens). */
    synchronized FakeRuntime answer(String... chunks) {
        answers.add(List.of(chunks));
        return this;
    }

    Function<EngineConfig, Engine> loader() {
        return config -> {
            configs.add(config);
            return this;
        };
    }

    GenerationRequest lastRequest() {
        return requests.get(requests.size() - 1);
    }

    @Override
    public GenerationResult generate(GenerationRequest request, GenerationListener listener) {
        if (closed) {
            throw new IllegalStateException("the model is closed");
        }
        if (failure != null) {
            throw failure;
        }
        requests.add(request);
        generationThreads.add(Thread.currentThread());
        List<String> chunks;
        synchronized (this) {
            chunks = answers.isEmpty() ? List.of("Hello", " world") : answers.poll();
        }
        StringBuilder text = new StringBuilder();
        StringBuilder thinking = new StringBuilder();
        List<MoiStep> trace = new ArrayList<>();
        FinishReason reason = FinishReason.STOP;
        int count = 0;
        for (String chunk : chunks) {
            if (listener.isCancelled() || closed) {
                reason = FinishReason.CANCELLED;
                break;
            }
            if (count == request.maxTokens()) {
                reason = FinishReason.LENGTH;
                break;
            }
            if (chunk.startsWith("\u0001") && request.thinking() != null) {
                thinking.append(chunk.substring(1));
                listener.onThinking(chunk.substring(1));
            } else {
                text.append(chunk);
                listener.onText(chunk);
            }
            if (request.trace()) {
                MoiStep step = new MoiStep(count, 100 + count, chunk, request.moi().mode(), request.moi().beta(),
                        new Mixture(new int[] {100 + count}, new double[] {1}, 0, new double[] {1}));
                trace.add(step);
                listener.onStep(step);
            }
            count++;
            sleep();
        }
        return new GenerationResult(text.toString(), new int[count], 7, reason, List.copyOf(trace), thinking.toString());
    }

    private void sleep() {
        if (delayPerChunkMillis > 0) {
            try {
                Thread.sleep(delayPerChunkMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public PromptText applyChatTemplate(List<ChatTurn> turns, boolean addAssistantPrefix) {
        if (closed) {
            throw new IllegalStateException("the model is closed");
        }
        List<PromptText.Part> parts = new ArrayList<>();
        for (ChatTurn turn : turns) {
            parts.add(new PromptText.Part("<|im_start|>" + turn.role() + "\n", true));
            parts.add(new PromptText.Part(turn.content(), false));
            parts.add(new PromptText.Part("<|im_end|>\n", true));
        }
        if (addAssistantPrefix) {
            parts.add(new PromptText.Part("<|im_start|>assistant\n", true));
        }
        return new PromptText(parts);
    }

    @Override
    public String chatTemplateSource() {
        return templateSource;
    }

    @Override
    public String modelName() {
        return NAME;
    }

    @Override
    public int contextSize() {
        return contextSize;
    }

    @Override
    public void close() {
        closed = true;
    }
}
