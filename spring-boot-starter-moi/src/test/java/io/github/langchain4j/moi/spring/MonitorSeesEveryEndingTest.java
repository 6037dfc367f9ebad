package io.github.langchain4j.moi.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.PartialResponse;
import dev.langchain4j.model.chat.response.PartialResponseContext;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import io.github.langchain4j.moi.EndlessRuntime;
import io.github.langchain4j.moi.MoiChatLanguageModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The auto-configured model and its monitor, wired by the factory: streams that end without an answer or an
 * error (the caller cancelled, as when an SSE client goes away) no longer stay busy forever.
 */
class MonitorSeesEveryEndingTest {

    @Test
    void cancelled_and_failed_streams_leave_the_busy_sequences(@TempDir Path dir) throws Exception {
        MoiChatModelProperties properties = new MoiChatModelProperties();
        properties.setModelPath(Files.writeString(dir.resolve("model.gguf"), "not loaded: the runtime is replaced"));
        MoiChatModelMonitor monitor = new MoiChatModelMonitor();
        try (MoiChatLanguageModel model = new MoiChatModelFactory(properties)
                .create(List.of(), List.of(EndlessRuntime::install), monitor)) {
            int clients = 3;
            CountDownLatch streaming = new CountDownLatch(clients);
            CountDownLatch failing = new CountDownLatch(1);
            AtomicInteger cancelAfter = new AtomicInteger();
            // the clients cancel only after the test saw all of them busy at once (no race with a slow start)
            AtomicBoolean allSeenBusy = new AtomicBoolean();
            for (int i = 0; i < clients; i++) {
                model.chat("hi", new StreamingChatResponseHandler() {
                    final int limit = 3 + cancelAfter.getAndIncrement();
                    int partials;

                    @Override
                    public void onPartialResponse(PartialResponse partial, PartialResponseContext context) {
                        streaming.countDown();
                        if (allSeenBusy.get() && ++partials == limit) {
                            context.streamingHandle().cancel();
                        }
                    }

                    @Override
                    public void onCompleteResponse(ChatResponse response) {
                    }

                    @Override
                    public void onError(Throwable error) {
                    }
                });
            }
            assertThat(streaming.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(monitor.busySequences()).isEqualTo(clients);
            allSeenBusy.set(true);
            model.chat("hi", new StreamingChatResponseHandler() {
                @Override
                public void onPartialResponse(PartialResponse partial, PartialResponseContext context) {
                    // a client that is gone: it stops its stream and fails (the exception reaches onError)
                    context.streamingHandle().cancel();
                    throw new IllegalStateException("the client is gone");
                }

                @Override
                public void onCompleteResponse(ChatResponse response) {
                }

                @Override
                public void onError(Throwable error) {
                    failing.countDown();
                }
            });
            assertThat(failing.await(10, TimeUnit.SECONDS)).isTrue();

            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (monitor.busySequences() > 0 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(monitor.busySequences()).isZero();
            assertThat(monitor.failed()).isEqualTo(1);
            assertThat(new MoiHealthIndicator(monitor).health().getDetails()).containsEntry("busySequences", 0);
        }
    }
}
