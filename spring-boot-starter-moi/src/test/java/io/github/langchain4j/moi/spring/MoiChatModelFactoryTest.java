package io.github.langchain4j.moi.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.notNull;
import static org.mockito.Mockito.RETURNS_SELF;
import static org.mockito.Mockito.inOrder;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;

import dev.langchain4j.model.chat.listener.ChatModelListener;
import dev.langchain4j.model.chat.request.ResponseFormat;
import dev.langchain4j.model.chat.request.ResponseFormatType;
import io.github.langchain4j.moi.MoiChatLanguageModel;
import io.github.langchain4j.moi.engine.MoiMode;
import io.github.langchain4j.moi.engine.EngineConfig;
import io.github.langchain4j.moi.engine.MoiOptions;
import io.github.langchain4j.moi.engine.SamplingOptions;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.mockito.InOrder;
import org.springframework.beans.BeanWrapperImpl;

/** The one place where properties meet the builder: every property reaches its option. */
class MoiChatModelFactoryTest {

    private static final Path MODEL = Path.of("/models/m.gguf");

    @Test
    void appliesEveryPropertyToItsBuilderOption() {
        MoiChatModelProperties p = new MoiChatModelProperties();
        p.setContextSize(2048);
        p.setThreads(2);
        p.setBatchSize(256);
        p.setGpuLayers(-1);
        p.setUseMmap(false);
        p.setMaxSequences(3);
        p.setMode(MoiMode.DIRECT);
        p.setBeta(2.5);
        p.setMixTopK(10);
        p.setTemperature(0.2);
        p.setTopK(5);
        p.setTopP(0.9);
        p.setMinP(0.1);
        p.setRepeatPenalty(1.1);
        p.setRepeatLastN(32);
        p.setSeed(7);
        p.setFrequencyPenalty(0.4);
        p.setPresencePenalty(0.3);
        p.setMaxOutputTokens(100);
        p.setStopSequences(List.of("END"));
        p.setResponseFormat(ResponseFormatType.JSON);
        p.setTrace(true);
        p.setLogRequests(true);
        p.setLogResponses(true);
        MoiChatLanguageModel.Builder builder = mock(MoiChatLanguageModel.Builder.class, RETURNS_SELF);

        new MoiChatModelFactory(p).configure(builder, MODEL, List.of(), List.of());

        verify(builder).modelPath(MODEL);
        verify(builder).contextSize(2048);
        verify(builder).threads(2);
        verify(builder).batchSize(256);
        verify(builder).gpuLayers(-1);
        verify(builder).useMmap(false);
        verify(builder).maxSequences(3);
        verify(builder).mode(MoiMode.DIRECT);
        verify(builder).beta(2.5);
        verify(builder).mixTopK(10);
        verify(builder).temperature(0.2);
        verify(builder).topK(5);
        verify(builder).topP(0.9);
        verify(builder).minP(0.1);
        verify(builder).repeatPenalty(1.1);
        verify(builder).repeatLastN(32);
        verify(builder).seed(7);
        verify(builder).frequencyPenalty(0.4);
        verify(builder).presencePenalty(0.3);
        verify(builder).maxOutputTokens(100);
        verify(builder).stopSequences(List.of("END"));
        verify(builder).responseFormat(ResponseFormat.JSON);
        verify(builder).trace(true);
        verify(builder).logRequests(true);
        verify(builder).logResponses(true);
    }

    @Test
    void leavesUnsetOptionsToTheLibrary() {
        MoiChatLanguageModel.Builder builder = mock(MoiChatLanguageModel.Builder.class, RETURNS_SELF);

        new MoiChatModelFactory(new MoiChatModelProperties()).configure(builder, MODEL, List.of(), List.of());

        verify(builder, never()).stopSequences(any());
        verify(builder, never()).responseFormat(any());
        verify(builder, never()).trace(any());
        // the other setters get null, LangChain4j's "not set": the builder then keeps its defaultRequestParameters
        verify(builder).temperature(null);
        verify(builder).contextSize(null);
        verify(builder, never()).temperature(notNull());
        verify(builder, never()).contextSize(notNull());
    }

    @Test
    void passesTheListenersInOrderAndAppliesCustomizersAfterTheProperties() {
        ChatModelListener first = mock(ChatModelListener.class);
        ChatModelListener second = mock(ChatModelListener.class);
        MoiChatModelBuilderCustomizer customizer = builder -> builder.temperature(0.0);
        MoiChatLanguageModel.Builder builder = mock(MoiChatLanguageModel.Builder.class, RETURNS_SELF);
        MoiChatModelProperties properties = new MoiChatModelProperties();
        properties.setTemperature(0.6);

        new MoiChatModelFactory(properties)
                .configure(builder, MODEL, List.of(first, second), List.of(customizer));

        InOrder order = inOrder(builder);
        order.verify(builder).temperature(0.6);
        order.verify(builder).listeners(List.of(first, second));
        order.verify(builder).temperature(0.0);
    }

    @Test
    void noOptionPropertyIsSetByDefault() {
        // as in LangChain4j's own starters: only what the user sets reaches the builder, the library's defaults apply
        BeanWrapperImpl properties = new BeanWrapperImpl(new MoiChatModelProperties());
        for (var descriptor : properties.getPropertyDescriptors()) {
            if (descriptor.getWriteMethod() != null && !descriptor.getName().equals("enabled")) {
                assertThat(properties.getPropertyValue(descriptor.getName())).as(descriptor.getName()).isNull();
            }
        }
    }

    @Test
    void everyBuilderOptionHasAProperty() {
        // options that are not simple values come from beans (listeners) or customizers (defaultRequestParameters)
        List<String> notProperties = List.of("modelPath", "listeners", "defaultRequestParameters", "runtimeLoader");
        List<String> builderOptions = java.util.Arrays.stream(MoiChatLanguageModel.Builder.class.getDeclaredMethods())
                .filter(m -> java.lang.reflect.Modifier.isPublic(m.getModifiers()))
                .filter(m -> m.getReturnType() == MoiChatLanguageModel.Builder.class)
                .map(java.lang.reflect.Method::getName)
                .filter(name -> !notProperties.contains(name))
                .distinct()
                .toList();
        BeanWrapperImpl properties = new BeanWrapperImpl(new MoiChatModelProperties());
        assertThat(builderOptions).allSatisfy(option -> assertThat(properties.isWritableProperty(option)).isTrue());
    }

    @Test
    void namesPropertiesInKebabCase() {
        assertThat(MoiChatModelFactory.kebab("mixTopK")).isEqualTo("mix-top-k");
        assertThat(MoiChatModelFactory.kebab("repeatLastN")).isEqualTo("repeat-last-n");
        assertThat(MoiChatModelFactory.kebab("minP")).isEqualTo("min-p");
    }
}
