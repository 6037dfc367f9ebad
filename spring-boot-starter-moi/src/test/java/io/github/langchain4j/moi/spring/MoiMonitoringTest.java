package io.github.langchain4j.moi.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.ModelProvider;
import dev.langchain4j.model.chat.listener.ChatModelErrorContext;
import dev.langchain4j.model.chat.listener.ChatModelListener;
import dev.langchain4j.model.chat.listener.ChatModelRequestContext;
import dev.langchain4j.model.chat.listener.ChatModelResponseContext;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.output.TokenUsage;
import io.github.langchain4j.moi.MoiChatResponseMetadata;
import io.github.langchain4j.moi.engine.MoiMode;
import io.github.langchain4j.moi.engine.Mixture;
import io.github.langchain4j.moi.engine.MoiStep;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.Status;

/** The monitor's listener feeds the health indicator and the metrics. */
class MoiMonitoringTest {

    private final MoiChatModelMonitor monitor = new MoiChatModelMonitor();
    private final ChatModelListener listener = monitor.listener();
    private final ChatRequest request = ChatRequest.builder().messages(UserMessage.from("hi")).build();

    @Test
    void healthIsUnknownUntilTheModelIsLoaded() {
        assertThat(new MoiHealthIndicator(monitor).health().getStatus()).isEqualTo(Status.UNKNOWN);
    }

    @Test
    void healthReportsTheModelBusySequencesAndTheLastError() {
        monitor.loaded(Path.of("/models/m.gguf"), "m", 2048, () -> 1);
        Map<Object, Object> failing = new HashMap<>();
        listener.onRequest(new ChatModelRequestContext(request, ModelProvider.OTHER, failing));
        listener.onError(new ChatModelErrorContext(new IllegalStateException("boom"), request, ModelProvider.OTHER, failing));

        Health health = new MoiHealthIndicator(monitor).health();

        assertThat(health.getStatus()).isEqualTo(Status.UP);
        assertThat(health.getDetails())
                .containsEntry("loaded", true)
                .containsEntry("modelFile", "m.gguf")
                .containsEntry("contextSize", 2048)
                .containsEntry("busySequences", 1)
                .containsEntry("failed", 1L)
                .containsEntry("lastError", "IllegalStateException: boom");
    }

    @Test
    void healthShowsNoFolderUnlessAskedTo() {
        monitor.loaded(Path.of("/secret/models/m.gguf"), "m", 2048, () -> 0);
        Map<Object, Object> failing = new HashMap<>();
        listener.onRequest(new ChatModelRequestContext(request, ModelProvider.OTHER, failing));
        listener.onError(new ChatModelErrorContext(new IllegalStateException("cannot read /secret/models/m.gguf"),
                request, ModelProvider.OTHER, failing));

        assertThat(new MoiHealthIndicator(monitor).health().getDetails().toString()).doesNotContain("/secret")
                .contains("m.gguf");
        assertThat(new MoiHealthIndicator(monitor, true).health().getDetails())
                .containsEntry("modelPath", "/secret/models/m.gguf")
                .containsEntry("lastError", "IllegalStateException: cannot read /secret/models/m.gguf");
    }

    @Test
    void metricsCountTokensThroughputAndEntropy() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        new MoiMetrics(monitor).bindTo(registry);
        AtomicInteger inFlight = new AtomicInteger(1);
        monitor.loaded(Path.of("/models/m.gguf"), "m", 2048, inFlight::get);
        Map<Object, Object> attributes = new HashMap<>();
        listener.onRequest(new ChatModelRequestContext(request, ModelProvider.OTHER, attributes));
        assertThat(registry.get("moi.sequences.busy").gauge().value()).isEqualTo(1.0);
        inFlight.set(0);
        ChatResponse response = ChatResponse.builder()
                .aiMessage(AiMessage.from("hello"))
                .metadata(MoiChatResponseMetadata.builder()
                        .tokenUsage(new TokenUsage(3, 2))
                        .trace(List.of(step(0, 0.2), step(1, 0.4)))
                        .build())
                .build();

        listener.onResponse(new ChatModelResponseContext(response, request, ModelProvider.OTHER, attributes));

        assertThat(registry.get("moi.generated.tokens").counter().count()).isEqualTo(2.0);
        assertThat(registry.get("moi.generation.throughput").summary().count()).isEqualTo(1);
        assertThat(registry.get("moi.generation.throughput").summary().totalAmount()).isPositive();
        assertThat(registry.get("moi.entropy").summary().mean()).isCloseTo(0.3, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(registry.get("moi.sequences.busy").gauge().value()).isZero();
    }

    @Test
    void recordsNoEntropyWithoutATrace() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        new MoiMetrics(monitor).bindTo(registry);
        Map<Object, Object> attributes = new HashMap<>();
        listener.onRequest(new ChatModelRequestContext(request, ModelProvider.OTHER, attributes));
        ChatResponse response = ChatResponse.builder().aiMessage(AiMessage.from("hello"))
                .tokenUsage(new TokenUsage(3, 1)).build();

        listener.onResponse(new ChatModelResponseContext(response, request, ModelProvider.OTHER, attributes));

        assertThat(registry.get("moi.generated.tokens").counter().count()).isEqualTo(1.0);
        assertThat(registry.get("moi.entropy").summary().count()).isZero();
    }

    private static MoiStep step(int index, double entropy) {
        return new MoiStep(index, 1, "x", MoiMode.MOI, 1.0,
                new Mixture(new int[] {1, 2}, new double[] {0.5, 0.5}, entropy, new double[] {0.5, 0.5}));
    }
}
