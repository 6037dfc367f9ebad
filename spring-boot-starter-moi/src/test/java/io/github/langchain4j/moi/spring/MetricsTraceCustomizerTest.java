package io.github.langchain4j.moi.spring;

import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.RETURNS_SELF;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;

import io.github.langchain4j.moi.MoiChatLanguageModel;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.boot.LazyInitializationBeanFactoryPostProcessor;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** With metrics on, responses carry the trace that moi.entropy is computed from, unless the user decided. */
class MetricsTraceCustomizerTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(MoiAutoConfiguration.class))
            .withBean(MeterRegistry.class, SimpleMeterRegistry::new)
            .withInitializer(context -> context.addBeanFactoryPostProcessor(new LazyInitializationBeanFactoryPostProcessor()));

    @Test
    void turnsTheTraceOnWhenTheTracePropertyIsNotSet() {
        runner.run(context -> {
            MoiChatLanguageModel.Builder builder = mock(MoiChatLanguageModel.Builder.class, RETURNS_SELF);
            context.getBean("moiEntropyTraceCustomizer", MoiChatModelBuilderCustomizer.class).customize(builder);
            verify(builder).trace(true);
        });
    }

    @Test
    void leavesTheTraceAloneWhenTheTracePropertyIsSet() {
        runner.withPropertyValues("langchain4j.moi.chat-model.trace=false").run(context -> {
            MoiChatLanguageModel.Builder builder = mock(MoiChatLanguageModel.Builder.class, RETURNS_SELF);
            context.getBean("moiEntropyTraceCustomizer", MoiChatModelBuilderCustomizer.class).customize(builder);
            verify(builder, never()).trace(any());
        });
    }
}
