package io.github.langchain4j.moi;

import io.github.langchain4j.moi.engine.MoiMode;
import io.github.langchain4j.moi.engine.MoiSupport;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.ImageContent;
import dev.langchain4j.data.message.TextContent;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.exception.UnsupportedFeatureException;
import dev.langchain4j.model.ModelProvider;
import dev.langchain4j.model.chat.Capability;
import dev.langchain4j.model.chat.listener.ChatModelErrorContext;
import dev.langchain4j.model.chat.listener.ChatModelListener;
import dev.langchain4j.model.chat.listener.ChatModelRequestContext;
import dev.langchain4j.model.chat.listener.ChatModelResponseContext;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.request.ResponseFormat;
import dev.langchain4j.model.chat.request.ToolChoice;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.CompleteToolCall;
import dev.langchain4j.model.chat.response.PartialResponse;
import dev.langchain4j.model.chat.response.PartialResponseContext;
import dev.langchain4j.model.chat.response.PartialToolCall;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.output.FinishReason;
import io.github.langchain4j.moi.engine.EngineConfig;
import io.github.langchain4j.moi.engine.GenerationRequest;
import io.github.langchain4j.moi.engine.MoiOptions;
import io.github.langchain4j.moi.engine.MoiStep;
import io.github.langchain4j.moi.engine.SamplingOptions;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class MoiChatLanguageModelTest {

    private static final Path MODEL = Path.of("/models/test.gguf");

    private final FakeRuntime fake = new FakeRuntime();

    private MoiChatLanguageModel.Builder builder() {
        return MoiChatLanguageModel.builder().modelPath(MODEL).runtimeLoader(fake.loader());
    }

    @Test
    void every_builder_option_reaches_the_engine() {
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        List<String> events = new CopyOnWriteArrayList<>();
        ChatModelListener listener = new ChatModelListener() {
            @Override
            public void onRequest(ChatModelRequestContext context) {
                events.add("request");
            }
        };
        MoiChatLanguageModel model = builder()
                .modelPath(Path.of("/models/other.gguf"))
                .contextSize(2048)
                .threads(3)
                .batchSize(256)
                .gpuLayers(-1)
                .useMmap(false)
                .maxSequences(2)
                .prefillChunk(16)
                .llamaCppPath(tmp)
                .allowUnverifiedArchitecture(true)
                .mode(MoiMode.DIRECT)
                .beta(2.5)
                .mixTopK(7)
                .support(MoiSupport.REFERENCE)
                .temperatureFirst(true)
                .temperature(0.3)
                .topK(11)
                .topP(0.8)
                .minP(0.02)
                .repeatPenalty(1.1)
                .repeatLastN(32)
                .seed(1234)
                .frequencyPenalty(0.4)
                .presencePenalty(0.25)
                .maxOutputTokens(99)
                .stopSequences(List.of("STOP"))
                .responseFormat(ResponseFormat.JSON)
                .trace(true)
                .scope(io.github.langchain4j.moi.engine.MoiScope.THINKING)
                .think(true)
                .thinkingBudget(77)
                .returnThinking(true)
                .defaultRequestParameters(ChatRequestParameters.builder().toolChoice(ToolChoice.AUTO).build())
                .listeners(listener)
                .logRequests(true)
                .logResponses(true)
                .build();

        model.chat("hi");

        assertThat(fake.configs).containsExactly(new EngineConfig(Path.of("/models/other.gguf"), 2048, 3, 256, -1,
                false, 2, tmp, true, 16));
        GenerationRequest request = fake.lastRequest();
        assertThat(request.sampling()).isEqualTo(new SamplingOptions(0.3, 11, 0.8, 0.02, 1.1, 32, 1234, 0.4, 0.25,
                true));
        assertThat(request.moi()).isEqualTo(new MoiOptions(MoiMode.DIRECT, 2.5, 7, MoiSupport.REFERENCE,
                io.github.langchain4j.moi.engine.MoiScope.THINKING));
        assertThat(request.maxTokens()).isEqualTo(99);
        assertThat(request.stopStrings()).containsExactly("STOP");
        assertThat(request.grammar()).contains("root ::= json-object");
        assertThat(request.trace()).isTrue();
        assertThat(request.thinking()).isEqualTo(io.github.langchain4j.moi.engine.ThinkingOptions.think(77));
        assertThat(request.prompt().asString()).endsWith("<think>\n");
        assertThat(model.defaultRequestParameters().returnThinking()).isTrue();
        assertThat(model.defaultRequestParameters().toolChoice()).isEqualTo(ToolChoice.AUTO);
        assertThat(events).containsExactly("request");
        assertThat(model.listeners()).containsExactly(listener);
    }

    @Test
    void the_test_above_sets_every_option_of_the_builder() {
        // a new builder option must be added to every_builder_option_reaches_the_engine, then to this list
        List<String> options = Arrays.stream(MoiChatLanguageModel.Builder.class.getDeclaredFields())
                .filter(field -> !Modifier.isStatic(field.getModifiers()))
                .map(Field::getName)
                .toList();
        assertThat(options).containsExactlyInAnyOrder("modelPath", "contextSize", "threads", "batchSize",
                "gpuLayers", "useMmap", "maxSequences", "prefillChunk", "llamaCppPath", "allowUnverifiedArchitecture", "mode", "beta", "mixTopK", "support", "temperatureFirst", "temperature", "topK", "topP", "minP",
                "repeatPenalty", "repeatLastN", "seed", "frequencyPenalty", "presencePenalty", "maxOutputTokens", "stopSequences", "responseFormat", "trace",
                "scope", "think", "thinkingBudget", "returnThinking",
                "defaultRequestParameters", "listeners", "logRequests", "logResponses", "runtimeLoader");
    }

    @Test
    void options_not_set_take_the_library_defaults() {
        MoiChatLanguageModel model = builder().build();

        model.chat("hi");

        assertThat(fake.configs).containsExactly(EngineConfig.of(MODEL));
        GenerationRequest request = fake.lastRequest();
        assertThat(request.sampling()).isEqualTo(SamplingOptions.DEFAULTS);
        assertThat(request.moi()).isEqualTo(MoiOptions.DEFAULTS);
        assertThat(request.maxTokens()).isEqualTo(fake.contextSize());
        assertThat(request.stopStrings()).isEmpty();
        assertThat(request.grammar()).isNull();
        assertThat(request.trace()).isFalse();
        assertThat(request.prompt().asString()).isEqualTo("<|im_start|>user\nhi<|im_end|>\n<|im_start|>assistant\n");

        MoiChatRequestParameters defaults = model.defaultRequestParameters();
        assertThat(defaults.modelName()).isEqualTo(FakeRuntime.NAME);
        assertThat(defaults.temperature()).isEqualTo(SamplingOptions.DEFAULTS.temperature());
        assertThat(defaults.mode()).isEqualTo(MoiMode.MOI);
        assertThat(defaults.trace()).isFalse();
    }

    @Test
    void builder_options_override_default_request_parameters() {
        MoiChatLanguageModel model = builder()
                .defaultRequestParameters(MoiChatRequestParameters.builder()
                        .temperature(0.1)
                        .mode(MoiMode.OFF)
                        .seed(5)
                        .build())
                .temperature(0.2)
                .build();

        model.chat("hi");

        assertThat(fake.lastRequest().sampling().temperature()).isEqualTo(0.2);
        assertThat(fake.lastRequest().sampling().seed()).isEqualTo(5);
        assertThat(fake.lastRequest().moi().mode()).isEqualTo(MoiMode.OFF);
        assertThat(model.defaultRequestParameters().temperature()).isEqualTo(0.2);
    }

    @Test
    void request_parameters_override_the_model_defaults() {
        MoiChatLanguageModel model = builder().beta(2.0).topK(9).build();

        model.chat(ChatRequest.builder()
                .messages(UserMessage.from("hi"))
                .parameters(MoiChatRequestParameters.builder()
                        .mode(MoiMode.OFF)
                        .trace(true)
                        .temperature(0.0)
                        .maxOutputTokens(3)
                        .build())
                .build());

        GenerationRequest request = fake.lastRequest();
        assertThat(request.moi()).isEqualTo(new MoiOptions(MoiMode.OFF, 2.0, MoiOptions.DEFAULT_MIX_TOP_K));
        assertThat(request.sampling().greedy()).isTrue();
        assertThat(request.sampling().topK()).isEqualTo(9);
        assertThat(request.maxTokens()).isEqualTo(3);
        assertThat(request.trace()).isTrue();

        // plain LangChain4j parameters keep the model's MoI defaults
        model.chat(ChatRequest.builder()
                .messages(UserMessage.from("hi"))
                .parameters(ChatRequestParameters.builder().temperature(0.9).build())
                .build());
        assertThat(fake.lastRequest().moi()).isEqualTo(new MoiOptions(MoiMode.MOI, 2.0, MoiOptions.DEFAULT_MIX_TOP_K));
        assertThat(fake.lastRequest().sampling().temperature()).isEqualTo(0.9);
    }

    @Test
    void a_bad_option_fails_the_build_naming_it_before_the_model_is_loaded() {
        assertThatThrownBy(() -> builder().temperature(-1.0).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("temperature");
        assertThatThrownBy(() -> builder().mixTopK(0).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("mixTopK");
        assertThatThrownBy(() -> builder().maxOutputTokens(0).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxOutputTokens");
        assertThatThrownBy(() -> builder().contextSize(-1).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("contextSize");
        assertThatThrownBy(() -> builder().defaultRequestParameters(
                ChatRequestParameters.builder().frequencyPenalty(Double.NaN).build()).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("frequencyPenalty");
        assertThatThrownBy(() -> builder().defaultRequestParameters(
                ChatRequestParameters.builder().presencePenalty(Double.POSITIVE_INFINITY).build()).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("presencePenalty");
        assertThat(fake.configs).isEmpty();
    }

    @Test
    void empty_or_null_stop_sequences_and_out_of_bound_load_options_fail_the_build_naming_them() {
        assertThatThrownBy(() -> builder().stopSequences(List.of("")).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("stopSequences");
        assertThatThrownBy(() -> builder().stopSequences(java.util.Arrays.asList("END", null)).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("stopSequences");
        assertThatThrownBy(() -> builder().threads(10_000).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("threads");
        assertThatThrownBy(() -> builder().contextSize(99_999_999).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("contextSize");
        assertThat(fake.configs).isEmpty();
    }

    @Test
    void a_message_with_a_nul_character_is_rejected_not_cut() {
        MoiChatLanguageModel model = builder().build();

        assertThatThrownBy(() -> model.chat(ChatRequest.builder().messages(UserMessage.from("hi\0 and the rest")).build()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("NUL character");
        assertThat(fake.requests).isEmpty();
    }

    @Test
    void frequency_and_presence_penalties_reach_the_sampler() {
        MoiChatLanguageModel model = builder()
                .defaultRequestParameters(ChatRequestParameters.builder().presencePenalty(0.25).build())
                .build();

        model.chat(ChatRequest.builder().messages(UserMessage.from("hi"))
                .parameters(ChatRequestParameters.builder().frequencyPenalty(0.5).build()).build());

        SamplingOptions sampling = fake.lastRequest().sampling();
        assertThat(sampling.frequencyPenalty()).isEqualTo(0.5);
        assertThat(sampling.presencePenalty()).isEqualTo(0.25);
        assertThat(sampling.penalizesRepetition()).isTrue();
        assertThat(SamplingOptions.DEFAULTS.penalizesRepetition()).isFalse();
    }

    @Test
    void a_request_value_out_of_range_is_rejected_naming_it() {
        MoiChatLanguageModel model = builder().build();
        ChatRequest request = ChatRequest.builder()
                .messages(UserMessage.from("hi"))
                .parameters(MoiChatRequestParameters.builder().beta(-2.0).build())
                .build();

        assertThatThrownBy(() -> model.chat(request))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("beta");
        assertThat(fake.requests).isEmpty();
    }

    @Test
    void another_model_name_is_not_supported() {
        assertThatThrownBy(() -> builder()
                .defaultRequestParameters(ChatRequestParameters.builder().modelName("dummy").build())
                .build())
                .isExactlyInstanceOf(UnsupportedFeatureException.class)
                .hasMessageContaining("modelName")
                .hasMessageContaining("not support");
        assertThat(fake.closed).isTrue();

        FakeRuntime other = new FakeRuntime();
        MoiChatLanguageModel model = MoiChatLanguageModel.builder().modelPath(MODEL).runtimeLoader(other.loader())
                .build();
        assertThatThrownBy(() -> model.chat(ChatRequest.builder()
                .messages(UserMessage.from("hi"))
                .parameters(ChatRequestParameters.builder().modelName("dummy").build())
                .build()))
                .isExactlyInstanceOf(UnsupportedFeatureException.class)
                .hasMessageContaining("modelName")
                .hasMessageContaining("not support");
        ChatResponse sameName = model.chat(ChatRequest.builder()
                .messages(UserMessage.from("hi"))
                .parameters(ChatRequestParameters.builder().modelName(FakeRuntime.NAME).build())
                .build());
        assertThat(sameName.metadata().modelName()).isEqualTo(FakeRuntime.NAME);
    }

    @Test
    void images_are_rejected_with_the_usual_wording_on_both_paths_before_generating() {
        MoiChatLanguageModel model = builder().build();
        UserMessage withImage = UserMessage.from(TextContent.from("What do you see?"),
                ImageContent.from("https://example.com/cat.png"));

        assertThatThrownBy(() -> model.chat(withImage))
                .isExactlyInstanceOf(UnsupportedFeatureException.class)
                .hasMessageContaining("image")
                .hasMessageContaining("not support");
        assertThatThrownBy(() -> model.chat(List.of(withImage), new RecordingHandler()))
                .isExactlyInstanceOf(UnsupportedFeatureException.class)
                .hasMessageContaining("image");
        assertThat(fake.requests).isEmpty();
    }

    @Test
    void response_carries_id_model_name_token_usage_finish_reason_and_trace() {
        MoiChatLanguageModel model = builder().build();
        fake.answer("Ber", "lin");

        ChatResponse response = model.chat(ChatRequest.builder()
                .messages(UserMessage.from("capital of Germany?"))
                .parameters(MoiChatRequestParameters.builder().trace(true).beta(3.0).build())
                .build());

        assertThat(response.aiMessage().text()).isEqualTo("Berlin");
        assertThat(response.metadata()).isExactlyInstanceOf(MoiChatResponseMetadata.class);
        assertThat(response.metadata().id()).isNotBlank();
        assertThat(response.metadata().modelName()).isEqualTo(FakeRuntime.NAME);
        assertThat(response.metadata().tokenUsage().inputTokenCount()).isEqualTo(7);
        assertThat(response.metadata().tokenUsage().outputTokenCount()).isEqualTo(2);
        assertThat(response.metadata().finishReason()).isEqualTo(FinishReason.STOP);
        List<MoiStep> trace = ((MoiChatResponseMetadata) response.metadata()).trace();
        assertThat(trace).hasSize(2);
        assertThat(trace).allSatisfy(step -> {
            assertThat(step.mode()).isEqualTo(MoiMode.MOI);
            assertThat(step.beta()).isEqualTo(3.0);
        });
    }

    @Test
    void finish_reason_is_length_when_max_output_tokens_cut_the_answer() {
        MoiChatLanguageModel model = builder().maxOutputTokens(2).build();
        fake.answer("a", "b", "c");

        ChatResponse response = model.chat(UserMessage.from("hi"));

        assertThat(response.aiMessage().text()).isEqualTo("ab");
        assertThat(response.metadata().finishReason()).isEqualTo(FinishReason.LENGTH);
        assertThat(response.metadata().tokenUsage().outputTokenCount()).isEqualTo(2);
    }

    @Test
    void tool_calls_become_tool_execution_requests_with_ids() {
        MoiChatLanguageModel model = builder().build();
        fake.answer("<tool_call>", "\n{\"name\": \"getWeather\", \"arguments\": {\"city\": \"Munich\"}}",
                "\n</tool_call>", "\n<tool_call>\n{\"name\": \"getTime\", \"arguments\": {}}\n</tool_call>");

        ChatResponse response = model.chat(ChatRequest.builder()
                .messages(UserMessage.from("weather and time?"))
                .toolSpecifications(weatherTool(), ToolSpecification.builder().name("getTime").build())
                .build());

        assertThat(response.aiMessage().text()).isNull();
        assertThat(response.aiMessage().toolExecutionRequests()).hasSize(2);
        assertThat(response.aiMessage().toolExecutionRequests().get(0).name()).isEqualTo("getWeather");
        assertThat(response.aiMessage().toolExecutionRequests().get(0).arguments()).isEqualTo("{\"city\": \"Munich\"}");
        assertThat(response.aiMessage().toolExecutionRequests().get(1).name()).isEqualTo("getTime");
        assertThat(response.aiMessage().toolExecutionRequests())
                .extracting(request -> request.id())
                .doesNotHaveDuplicates()
                .allSatisfy(id -> assertThat(id).isNotBlank());
        assertThat(response.metadata().finishReason()).isEqualTo(FinishReason.TOOL_EXECUTION);
        assertThat(fake.lastRequest().grammar()).contains("<tool_call>").contains("getWeather");
        assertThat(fake.lastRequest().prompt().asString()).contains("# Tools").contains("\"name\": \"getWeather\"");
    }

    @Test
    void streaming_delivers_text_on_another_thread_then_the_response_once() throws Exception {
        MoiChatLanguageModel model = builder().build();
        fake.answer("Ber", "lin", "!");
        RecordingHandler handler = new RecordingHandler();

        model.chat(List.of(UserMessage.from("hi")), handler);
        ChatResponse response = handler.response.get(10, TimeUnit.SECONDS);

        assertThat(handler.partials).containsExactly("Ber", "lin", "!");
        assertThat(response.aiMessage().text()).isEqualTo("Berlin!");
        assertThat(handler.threads).doesNotContain(Thread.currentThread()).hasSize(1);
        assertThat(fake.generationThreads).doesNotContain(Thread.currentThread());
        assertThat(handler.events).endsWith("complete").containsOnlyOnce("complete");
    }

    @Test
    void streaming_reports_each_tool_call_complete_before_the_response() throws Exception {
        MoiChatLanguageModel model = builder().build();
        fake.answer("<tool_call>\n{\"name\": \"getWeather\", ", "\"arguments\": {\"city\": ", "\"Munich\"}}",
                "\n</tool_call>");
        RecordingHandler handler = new RecordingHandler();

        model.chat(ChatRequest.builder()
                .messages(UserMessage.from("weather?"))
                .toolSpecifications(weatherTool())
                .build(), handler);
        ChatResponse response = handler.response.get(10, TimeUnit.SECONDS);

        assertThat(handler.events).containsExactly("partialTool", "partialTool", "completeTool", "complete");
        assertThat(handler.partialToolArguments()).isEqualTo("{\"city\": \"Munich\"}");
        assertThat(handler.completeToolCalls).hasSize(1);
        assertThat(handler.completeToolCalls.get(0).toolExecutionRequest())
                .isEqualTo(response.aiMessage().toolExecutionRequests().get(0));
        assertThat(handler.partialToolCalls).allSatisfy(call ->
                assertThat(call.id()).isEqualTo(response.aiMessage().toolExecutionRequests().get(0).id()));
        assertThat(handler.partials).isEmpty();
    }

    @Test
    void cancelling_the_streaming_handle_stops_generation_and_the_callbacks() throws Exception {
        MoiChatLanguageModel model = builder().build();
        fake.delayPerChunkMillis = 20;
        fake.answer("a", "b", "c", "d", "e", "f", "g", "h");
        CountDownLatch cancelled = new CountDownLatch(1);
        List<String> events = new CopyOnWriteArrayList<>();
        StreamingChatResponseHandler handler = new StreamingChatResponseHandler() {
            @Override
            public void onPartialResponse(PartialResponse partial, PartialResponseContext context) {
                events.add(partial.text());
                if (events.size() == 2) {
                    context.streamingHandle().cancel();
                    cancelled.countDown();
                }
            }

            @Override
            public void onCompleteResponse(ChatResponse response) {
                events.add("complete");
            }

            @Override
            public void onError(Throwable error) {
                events.add("error");
            }
        };

        model.chat("hi", handler);
        assertThat(cancelled.await(10, TimeUnit.SECONDS)).isTrue();
        Thread.sleep(300);

        assertThat(events).containsExactly("a", "b");
    }

    @Test
    void an_exception_thrown_by_the_handler_goes_to_its_on_error_and_streaming_goes_on() throws Exception {
        // LangChain4j's contract (its test kit checks it): user exceptions go to onError, the stream goes on
        MoiChatLanguageModel model = builder().build();
        fake.answer("a", "b");
        List<Throwable> errors = new CopyOnWriteArrayList<>();
        CompletableFuture<ChatResponse> done = new CompletableFuture<>();
        model.chat("hi", new StreamingChatResponseHandler() {
            @Override
            public void onPartialResponse(String partialResponse) {
                throw new IllegalStateException("user code");
            }

            @Override
            public void onCompleteResponse(ChatResponse response) {
                done.complete(response);
            }

            @Override
            public void onError(Throwable error) {
                errors.add(error);
            }
        });

        assertThat(done.get(10, TimeUnit.SECONDS).aiMessage().text()).isEqualTo("ab");
        assertThat(errors).hasSize(2).allSatisfy(e -> assertThat(e).hasMessage("user code"));
    }

    @Test
    void a_handler_that_cancels_its_streaming_handle_hears_nothing_more_and_frees_the_sequence() throws Exception {
        MoiChatLanguageModel model = builder().build();
        fake.answer("a", "b", "c", "d");
        List<String> partials = new CopyOnWriteArrayList<>();
        CompletableFuture<ChatResponse> done = new CompletableFuture<>();
        model.chat(ChatRequest.builder().messages(UserMessage.from("hi")).build(), new StreamingChatResponseHandler() {
            @Override
            public void onPartialResponse(PartialResponse partialResponse, PartialResponseContext context) {
                partials.add(partialResponse.text());
                context.streamingHandle().cancel();
            }

            @Override
            public void onCompleteResponse(ChatResponse response) {
                done.complete(response);
            }

            @Override
            public void onError(Throwable error) {
                done.completeExceptionally(error);
            }
        });

        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (model.requestsInFlight() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        Thread.sleep(100);
        assertThat(partials).containsExactly("a");
        assertThat(done).isNotDone();
        assertThat(model.requestsInFlight()).isZero();
    }

    @Test
    void an_error_thrown_by_the_handler_on_completion_reaches_its_on_error() throws Exception {
        MoiChatLanguageModel model = builder().build();
        CompletableFuture<Throwable> reported = new CompletableFuture<>();
        AssertionError failure = new AssertionError("a failed assertion in user code");

        model.chat("hi", new StreamingChatResponseHandler() {
            @Override
            public void onCompleteResponse(ChatResponse response) {
                throw failure;
            }

            @Override
            public void onError(Throwable error) {
                reported.complete(error);
            }
        });

        assertThat(reported.get(10, TimeUnit.SECONDS)).isSameAs(failure);
    }

    @Test
    void an_answer_cut_off_inside_its_first_tool_call_has_empty_text_and_no_calls() {
        MoiChatLanguageModel model = builder().maxOutputTokens(2).build();
        fake.answer("<tool_call>", "\n{\"name\": \"getWeather\", ", "\"arguments\": {}}\n</tool_call>");

        ChatResponse response = model.chat(ChatRequest.builder()
                .messages(UserMessage.from("weather?"))
                .toolSpecifications(weatherTool())
                .build());

        assertThat(response.aiMessage().text()).isEmpty();
        assertThat(response.aiMessage().hasToolExecutionRequests()).isFalse();
        assertThat(response.metadata().finishReason()).isEqualTo(FinishReason.LENGTH);
    }

    @Test
    void listeners_hear_both_paths() throws Exception {
        List<String> events = new CopyOnWriteArrayList<>();
        ChatModelListener listener = new ChatModelListener() {
            @Override
            public void onRequest(ChatModelRequestContext context) {
                events.add("request:" + context.chatRequest().parameters().modelName());
            }

            @Override
            public void onResponse(ChatModelResponseContext context) {
                events.add("response");
            }

            @Override
            public void onError(ChatModelErrorContext context) {
                events.add("error");
            }
        };
        MoiChatLanguageModel model = builder().listeners(List.of(listener)).build();

        model.chat("hi");
        RecordingHandler handler = new RecordingHandler();
        model.chat("hi", handler);
        handler.response.get(10, TimeUnit.SECONDS);

        assertThat(events).containsExactly("request:" + FakeRuntime.NAME, "response",
                "request:" + FakeRuntime.NAME, "response");
    }

    @Test
    void a_failing_generation_reaches_on_error_when_streaming() {
        MoiChatLanguageModel model = builder().build();
        // what the engine throws; the handler gets the adapter's exception of the same kind, with it as the cause
        var failure = new io.github.langchain4j.moi.engine.ContextOverflowException("prompt too long");
        fake.failure = failure;
        RecordingHandler handler = new RecordingHandler();

        model.chat("hi", handler);

        assertThatThrownBy(() -> handler.response.get(10, TimeUnit.SECONDS)).cause()
                .isExactlyInstanceOf(ContextOverflowException.class).hasMessage("prompt too long")
                .cause().isSameAs(failure);
        assertThat(handler.events).containsExactly("error");
    }

    @Test
    void engine_failures_reach_callers_as_the_adapters_exceptions_with_the_engines_as_cause() {
        MoiChatLanguageModel model = builder().build();
        var overflow = new io.github.langchain4j.moi.engine.ContextOverflowException("prompt too long");
        fake.failure = overflow;
        assertThatThrownBy(() -> model.chat("hi")).isExactlyInstanceOf(ContextOverflowException.class)
                .hasMessage("prompt too long").cause().isSameAs(overflow);

        var other = new io.github.langchain4j.moi.engine.MoiEngineException("non-finite logit");
        fake.failure = other;
        assertThatThrownBy(() -> model.chat("hi")).isExactlyInstanceOf(MoiException.class)
                .hasMessage("non-finite logit").cause().isSameAs(other);

        var badFile = new io.github.langchain4j.moi.engine.ModelFileException("not a GGUF file");
        assertThatThrownBy(() -> builder().runtimeLoader(config -> {
            throw badFile;
        }).build()).isExactlyInstanceOf(ModelFileException.class).hasMessage("not a GGUF file").cause().isSameAs(badFile);
    }

    @Test
    void close_frees_the_model_and_later_calls_fail() {
        MoiChatLanguageModel model = builder().build();

        model.close();

        assertThat(fake.closed).isTrue();
        assertThatThrownBy(() -> model.chat("hi")).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void declares_json_schema_support_and_provider() {
        MoiChatLanguageModel model = builder().build();

        assertThat(model.supportedCapabilities()).containsExactly(Capability.RESPONSE_FORMAT_JSON_SCHEMA);
        assertThat(model.provider()).isEqualTo(ModelProvider.OTHER);
    }

    private static ToolSpecification weatherTool() {
        return ToolSpecification.builder()
                .name("getWeather")
                .parameters(JsonObjectSchema.builder().addStringProperty("city").required("city").build())
                .build();
    }

    static final class RecordingHandler implements StreamingChatResponseHandler {

        final CompletableFuture<ChatResponse> response = new CompletableFuture<>();
        final List<String> partials = new CopyOnWriteArrayList<>();
        final List<String> events = new CopyOnWriteArrayList<>();
        final List<PartialToolCall> partialToolCalls = new CopyOnWriteArrayList<>();
        final List<CompleteToolCall> completeToolCalls = new CopyOnWriteArrayList<>();
        final CopyOnWriteArrayList<Thread> threads = new CopyOnWriteArrayList<>();

        @Override
        public void onPartialResponse(String partialResponse) {
            partials.add(partialResponse);
            events.add("partial");
            threads.addIfAbsent(Thread.currentThread());
        }

        @Override
        public void onPartialToolCall(PartialToolCall partialToolCall) {
            partialToolCalls.add(partialToolCall);
            events.add("partialTool");
            threads.addIfAbsent(Thread.currentThread());
        }

        @Override
        public void onCompleteToolCall(CompleteToolCall completeToolCall) {
            completeToolCalls.add(completeToolCall);
            events.add("completeTool");
            threads.addIfAbsent(Thread.currentThread());
        }

        @Override
        public void onCompleteResponse(ChatResponse completeResponse) {
            events.add("complete");
            threads.addIfAbsent(Thread.currentThread());
            response.complete(completeResponse);
        }

        @Override
        public void onError(Throwable error) {
            events.add("error");
            response.completeExceptionally(error);
        }

        String partialToolArguments() {
            StringBuilder sb = new StringBuilder();
            new ArrayList<>(partialToolCalls).forEach(call -> sb.append(call.partialArguments()));
            return sb.toString();
        }
    }
}
