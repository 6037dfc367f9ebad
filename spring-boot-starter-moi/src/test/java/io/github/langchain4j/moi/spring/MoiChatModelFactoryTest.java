package io.github.langchain4j.moi.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
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
    }

    @Test
    void passesTheListenersInOrderAndAppliesCustomizersAfterTheProperties() {
        ChatModelListener first = mock(ChatModelListener.class);
        ChatModelListener second = mock(ChatModelListener.class);
        MoiChatModelBuilderCustomizer customizer = builder -> builder.temperature(0.0);
        MoiChatLanguageModel.Builder builder = mock(MoiChatLanguageModel.Builder.class, RETURNS_SELF);

        new MoiChatModelFactory(new MoiChatModelProperties())
                .configure(builder, MODEL, List.of(first, second), List.of(customizer));

        InOrder order = inOrder(builder);
        order.verify(builder).temperature(0.6);
        order.verify(builder).listeners(List.of(first, second));
        order.verify(builder).temperature(0.0);
    }

    @Test
    void propertyDefaultsAreTheLibraryDefaults() {
        MoiChatModelProperties p = new MoiChatModelProperties();
        EngineConfig engine = EngineConfig.of(MODEL);
        SamplingOptions sampling = SamplingOptions.DEFAULTS;
        MoiOptions moi = MoiOptions.DEFAULTS;
        assertThat(p.getContextSize()).isEqualTo(engine.contextSize());
        assertThat(p.getThreads()).isEqualTo(engine.threads());
        assertThat(p.getBatchSize()).isEqualTo(engine.batchSize());
        assertThat(p.getGpuLayers()).isEqualTo(engine.gpuLayers());
        assertThat(p.getUseMmap()).isEqualTo(engine.useMmap());
        assertThat(p.getMaxSequences()).isEqualTo(engine.maxSequences());
        assertThat(p.getMode()).isEqualTo(moi.mode());
        assertThat(p.getBeta()).isEqualTo(moi.beta());
        assertThat(p.getMixTopK()).isEqualTo(moi.mixTopK());
        assertThat(p.getTemperature()).isEqualTo(sampling.temperature());
        assertThat(p.getTopK()).isEqualTo(sampling.topK());
        assertThat(p.getTopP()).isEqualTo(sampling.topP());
        assertThat(p.getMinP()).isEqualTo(sampling.minP());
        assertThat(p.getRepeatPenalty()).isEqualTo(sampling.repeatPenalty());
        assertThat(p.getRepeatLastN()).isEqualTo(sampling.repeatLastN());
        assertThat((long) p.getSeed()).isEqualTo(sampling.seed());
        assertThat(p.getMaxOutputTokens()).isNull();
        assertThat(p.getTrace()).isNull();
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
        assertThat(MoiChatModelFactory.OPTIONS).containsExactlyInAnyOrderElementsOf(builderOptions);
        org.springframework.beans.BeanWrapperImpl properties = new org.springframework.beans.BeanWrapperImpl(
                new MoiChatModelProperties());
        assertThat(builderOptions).allSatisfy(option -> assertThat(properties.isWritableProperty(option)).isTrue());
    }

    @Test
    void namesPropertiesInKebabCase() {
        assertThat(MoiChatModelFactory.kebab("mixTopK")).isEqualTo("mix-top-k");
        assertThat(MoiChatModelFactory.kebab("repeatLastN")).isEqualTo("repeat-last-n");
        assertThat(MoiChatModelFactory.kebab("minP")).isEqualTo("min-p");
    }
}
