package io.github.langchain4j.moi;

import io.github.langchain4j.moi.engine.MoiEngine;
import io.github.langchain4j.moi.engine.Engine;
import io.github.langchain4j.moi.engine.PromptText;
import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.PartialResponse;
import dev.langchain4j.model.chat.response.PartialResponseContext;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.data.message.UserMessage;
import io.github.langchain4j.moi.engine.ChatTurn;
import io.github.langchain4j.moi.engine.EngineConfig;
import io.github.langchain4j.moi.engine.GenerationListener;
import io.github.langchain4j.moi.engine.GenerationRequest;
import io.github.langchain4j.moi.engine.GenerationResult;
import io.github.langchain4j.moi.testing.TinyModel;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Streams on the real engine (tiny model, one sequence) that end early: a handler that throws hears of it once
 * and nothing after, a cancelled handle hears nothing more, and both free the sequence and leave
 * {@link MoiChatLanguageModel#requestsInFlight()} within a step.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class StreamingCancellationTest {

    private final MoiChatLanguageModel model = MoiChatLanguageModel.builder()
            .modelPath(TinyModel.shared())
            .contextSize(256)
            .threads(1)
            .maxSequences(1)
            .maxOutputTokens(250)
            .runtimeLoader(StreamingCancellationTest::tinyRuntime)
            .build();

    @AfterEach
    void close() {
        model.close();
    }

    /** The engine on the tiny model, which has no chat template: turns are joined as plain text. */
    private static Engine tinyRuntime(EngineConfig config) {
        Engine engine = MoiEngine.load(config);
        return new Engine() {
            @Override
            public GenerationResult generate(GenerationRequest request, GenerationListener listener) {
                return engine.generate(request, listener);
            }

            @Override
            public CompletableFuture<GenerationResult> submit(GenerationRequest request, GenerationListener listener) {
                return engine.submit(request, listener);
            }

            @Override
            public PromptText applyChatTemplate(List<ChatTurn> turns, boolean addAssistantPrefix) {
                return PromptText.text(turns.stream().map(ChatTurn::content).collect(Collectors.joining("\n")));
            }

            @Override
            public String modelName() {
                return engine.modelName();
            }

            @Override
            public int contextSize() {
                return engine.contextSize();
            }

            @Override
            public void close() {
                engine.close();
            }
        };
    }

    private static ChatRequest request() {
        return ChatRequest.builder().messages(UserMessage.from("the quick brown fox")).build();
    }

    private void assertNothingInFlightSoon() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
        while (model.requestsInFlight() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(model.requestsInFlight()).isZero();
    }

    @Test
    void a_handler_that_throws_hears_of_each_exception_and_the_stream_still_ends_and_frees_its_sequence() throws Exception {
        // LangChain4j's contract (its streaming test kit): a user exception goes to onError and the stream goes on;
        // to stop, a handler cancels its StreamingHandle (next test)
        AtomicInteger partials = new AtomicInteger();
        AtomicInteger errors = new AtomicInteger();
        CountDownLatch completed = new CountDownLatch(1);
        model.chat(request(), new StreamingChatResponseHandler() {
            @Override
            public void onPartialResponse(String partialResponse) {
                partials.incrementAndGet();
                throw new IllegalStateException("user code");
            }

            @Override
            public void onCompleteResponse(ChatResponse completeResponse) {
                completed.countDown();
            }

            @Override
            public void onError(Throwable error) {
                assertThat(error).hasMessage("user code");
                errors.incrementAndGet();
            }
        });

        assertThat(completed.await(10, TimeUnit.SECONDS)).isTrue();
        assertNothingInFlightSoon();
        assertThat(partials.get()).isPositive();
        assertThat(errors.get()).isEqualTo(partials.get());
    }

    @Test
    void a_cancelled_stream_leaves_the_requests_in_flight() throws Exception {
        AtomicInteger partials = new AtomicInteger();
        CountDownLatch cancelled = new CountDownLatch(1);
        model.chat(request(), new StreamingChatResponseHandler() {
            @Override
            public void onPartialResponse(PartialResponse partialResponse, PartialResponseContext context) {
                partials.incrementAndGet();
                context.streamingHandle().cancel();
                cancelled.countDown();
            }

            @Override
            public void onCompleteResponse(ChatResponse completeResponse) {
            }

            @Override
            public void onError(Throwable error) {
            }
        });

        assertThat(cancelled.await(10, TimeUnit.SECONDS)).isTrue();
        assertNothingInFlightSoon();
        assertThat(partials.get()).isEqualTo(1);
        // the sequence is free: a blocking chat gets it
        assertThat(model.chat(ChatRequest.builder().messages(UserMessage.from("hello"))
                .maxOutputTokens(3).build()).tokenUsage().outputTokenCount()).isEqualTo(3);
    }
}
