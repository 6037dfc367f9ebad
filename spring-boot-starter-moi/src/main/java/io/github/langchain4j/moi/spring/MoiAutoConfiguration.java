package io.github.langchain4j.moi.spring;

import dev.langchain4j.model.chat.listener.ChatModelListener;
import io.github.langchain4j.moi.MoiChatLanguageModel;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.health.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;

/**
 * Auto-configures one {@link MoiChatLanguageModel} from {@code langchain4j.moi.chat-model.*}, declared with its
 * concrete type so that AI Services find it as both {@code ChatModel} and {@code StreamingChatModel}; plus, when
 * Actuator or Micrometer are present, a health indicator and metrics.
 */
@AutoConfiguration(afterName = {
        "org.springframework.boot.actuate.autoconfigure.metrics.MetricsAutoConfiguration",
        "org.springframework.boot.actuate.autoconfigure.metrics.CompositeMeterRegistryAutoConfiguration"})
@ConditionalOnClass(MoiChatLanguageModel.class)
@ConditionalOnProperty(prefix = MoiChatModelProperties.PREFIX, name = "enabled", havingValue = "true", matchIfMissing = true)
@EnableConfigurationProperties(MoiChatModelProperties.class)
public class MoiAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    MoiChatModelMonitor moiChatModelMonitor() {
        return new MoiChatModelMonitor();
    }

    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    MoiChatLanguageModel moiChatModel(MoiChatModelProperties properties, MoiChatModelMonitor monitor,
                                      ObjectProvider<ChatModelListener> listeners,
                                      ObjectProvider<MoiChatModelBuilderCustomizer> customizers) {
        return new MoiChatModelFactory(properties)
                .create(listeners.orderedStream().toList(), customizers.orderedStream().toList(), monitor);
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(HealthIndicator.class)
    @ConditionalOnEnabledHealthIndicator("moi")
    static class MoiHealthConfiguration {

        @Bean
        @ConditionalOnMissingBean(name = "moiHealthIndicator")
        MoiHealthIndicator moiHealthIndicator(MoiChatModelMonitor monitor,
                @Value("${management.health.moi.show-model-path:false}") boolean showModelPath) {
            return new MoiHealthIndicator(monitor, showModelPath);
        }
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(MeterRegistry.class)
    @ConditionalOnBean(MeterRegistry.class)
    static class MoiMetricsConfiguration {

        @Bean
        @ConditionalOnMissingBean
        MoiMetrics moiMetrics(MoiChatModelMonitor monitor) {
            return new MoiMetrics(monitor);
        }

        /** The moi.entropy metric needs the per-token trace: on unless the trace property is set. */
        @Bean
        @Order(Ordered.HIGHEST_PRECEDENCE)
        MoiChatModelBuilderCustomizer moiEntropyTraceCustomizer(MoiChatModelProperties properties) {
            return builder -> {
                if (properties.getTrace() == null) {
                    builder.trace(true);
                }
            };
        }
    }
}
