package io.github.langchain4j.moi.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;

import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.request.ResponseFormatType;
import io.github.langchain4j.moi.MoiChatLanguageModel;
import io.github.langchain4j.moi.engine.MoiMode;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.LazyInitializationBeanFactoryPostProcessor;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * Conditions, binding and startup failures of {@link MoiAutoConfiguration}. No test here loads a model: those that
 * expect the model bean make the context lazy, so the bean is defined but never created.
 */
class MoiAutoConfigurationTest {

    private static final String P = MoiChatModelProperties.PREFIX + ".";

    @TempDir
    Path tempDir;

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(MoiAutoConfiguration.class));

    /** Defines every bean without creating any, so that no model is loaded. */
    private final ApplicationContextRunner lazyRunner = runner
            .withInitializer(context -> context.addBeanFactoryPostProcessor(new LazyInitializationBeanFactoryPostProcessor()));

    @Test
    void definesOneModelBeanThatIsBothChatModelAndStreamingChatModel() {
        lazyRunner.run(context -> {
            assertThat(context).hasSingleBean(MoiChatLanguageModel.class);
            assertThat(context.getBeanNamesForType(ChatModel.class)).containsExactly("moiChatModel");
            assertThat(context.getBeanNamesForType(StreamingChatModel.class)).containsExactly("moiChatModel");
        });
    }

    @Test
    void closesTheModelWithTheContext() {
        lazyRunner.run(context -> assertThat(context.getBeanFactory().getBeanDefinition("moiChatModel")
                .getDestroyMethodName()).isEqualTo("close"));
    }

    @Test
    void backsOffWhenDisabled() {
        lazyRunner.withPropertyValues(P + "enabled=false").run(context -> {
            assertThat(context).doesNotHaveBean(MoiChatLanguageModel.class);
            assertThat(context).doesNotHaveBean(MoiChatModelProperties.class);
        });
    }

    @Test
    void backsOffWhenTheModuleIsNotOnTheClasspath() {
        lazyRunner.withClassLoader(new FilteredClassLoader(MoiChatLanguageModel.class))
                .run(context -> assertThat(context).doesNotHaveBean("moiChatModel"));
    }

    @Test
    void backsOffWhenTheUserDefinesTheirOwnModel() {
        MoiChatLanguageModel own = mock(MoiChatLanguageModel.class);
        runner.withBean("myModel", MoiChatLanguageModel.class, () -> own).run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context).hasSingleBean(MoiChatLanguageModel.class);
            assertThat(context.getBean(MoiChatLanguageModel.class)).isSameAs(own);
        });
    }

    @Test
    void bindsEveryProperty() {
        lazyRunner.withPropertyValues(
                P + "model-path=/models/m.gguf", P + "model-cache-dir=/tmp/cache", P + "context-size=2048",
                P + "threads=2", P + "batch-size=256", P + "gpu-layers=-1", P + "use-mmap=false", P + "mode=direct",
                P + "beta=2.5", P + "mix-top-k=10", P + "temperature=0.2", P + "top-k=5", P + "top-p=0.9",
                P + "min-p=0.1", P + "repeat-penalty=1.1", P + "repeat-last-n=32", P + "seed=7",
                P + "frequency-penalty=0.4", P + "presence-penalty=0.3",
                P + "max-output-tokens=100", P + "stop-sequences=END,STOP", P + "response-format=json",
                P + "trace=true", P + "log-requests=true", P + "log-responses=true").run(context -> {
            MoiChatModelProperties p = context.getBean(MoiChatModelProperties.class);
            assertThat(p.getModelPath()).isEqualTo(Path.of("/models/m.gguf"));
            assertThat(p.getModelCacheDir()).isEqualTo(Path.of("/tmp/cache"));
            assertThat(p.getContextSize()).isEqualTo(2048);
            assertThat(p.getThreads()).isEqualTo(2);
            assertThat(p.getBatchSize()).isEqualTo(256);
            assertThat(p.getGpuLayers()).isEqualTo(-1);
            assertThat(p.getUseMmap()).isFalse();
            assertThat(p.getMode()).isEqualTo(MoiMode.DIRECT);
            assertThat(p.getBeta()).isEqualTo(2.5);
            assertThat(p.getMixTopK()).isEqualTo(10);
            assertThat(p.getTemperature()).isEqualTo(0.2);
            assertThat(p.getTopK()).isEqualTo(5);
            assertThat(p.getTopP()).isEqualTo(0.9);
            assertThat(p.getMinP()).isEqualTo(0.1);
            assertThat(p.getRepeatPenalty()).isEqualTo(1.1);
            assertThat(p.getRepeatLastN()).isEqualTo(32);
            assertThat(p.getSeed()).isEqualTo(7);
            assertThat(p.getFrequencyPenalty()).isEqualTo(0.4);
            assertThat(p.getPresencePenalty()).isEqualTo(0.3);
            assertThat(p.getMaxOutputTokens()).isEqualTo(100);
            assertThat(p.getStopSequences()).containsExactly("END", "STOP");
            assertThat(p.getResponseFormat()).isEqualTo(ResponseFormatType.JSON);
            assertThat(p.getTrace()).isTrue();
            assertThat(p.getLogRequests()).isTrue();
            assertThat(p.getLogResponses()).isTrue();
        });
    }

    @Test
    void addsAHealthIndicatorWhenActuatorIsPresent() {
        lazyRunner.run(context -> assertThat(context).hasSingleBean(MoiHealthIndicator.class)
                .getBeanNames(HealthIndicator.class).containsExactly("moiHealthIndicator"));
    }

    @Test
    void addsNoHealthIndicatorWithoutActuator() {
        lazyRunner.withClassLoader(new FilteredClassLoader(HealthIndicator.class))
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context).doesNotHaveBean(MoiHealthIndicator.class);
                    assertThat(context).hasSingleBean(MoiChatLanguageModel.class);
                });
    }

    @Test
    void addsNoHealthIndicatorWhenItIsDisabled() {
        lazyRunner.withPropertyValues("management.health.moi.enabled=false")
                .run(context -> assertThat(context).doesNotHaveBean(MoiHealthIndicator.class));
    }

    @Test
    void addsMetricsAndTheTraceForEntropyWhenAMeterRegistryIsPresent() {
        lazyRunner.withBean(MeterRegistry.class, SimpleMeterRegistry::new).run(context -> {
            assertThat(context).hasSingleBean(MoiMetrics.class);
            assertThat(context).hasBean("moiEntropyTraceCustomizer");
        });
    }

    @Test
    void addsNoMetricsWithoutAMeterRegistry() {
        lazyRunner.run(context -> {
            assertThat(context).doesNotHaveBean(MoiMetrics.class);
            assertThat(context).doesNotHaveBean("moiEntropyTraceCustomizer");
        });
    }

    @Test
    void addsNoMetricsWithoutMicrometer() {
        lazyRunner.withClassLoader(new FilteredClassLoader(MeterRegistry.class)).run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context).doesNotHaveBean(MoiMetrics.class);
            assertThat(context).hasSingleBean(MoiChatLanguageModel.class);
        });
    }

    @Test
    void userMetricsAndMonitorBeansWin() {
        MoiChatModelMonitor monitor = new MoiChatModelMonitor();
        MoiMetrics metrics = new MoiMetrics(monitor);
        lazyRunner.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
                .withBean("myMonitor", MoiChatModelMonitor.class, () -> monitor)
                .withBean("myMetrics", MoiMetrics.class, () -> metrics)
                .run(context -> {
                    assertThat(context.getBean(MoiChatModelMonitor.class)).isSameAs(monitor);
                    assertThat(context.getBean(MoiMetrics.class)).isSameAs(metrics);
                });
    }

    @Test
    void failsFastWithAClearMessageWhenTheModelFileIsMissing() {
        Path missing = tempDir.resolve("no-such-model.gguf");
        runner.withPropertyValues(P + "model-path=" + missing).run(context -> {
            FailureAnalysis analysis = analyze(context.getStartupFailure());
            assertThat(analysis.getDescription())
                    .contains("Property: langchain4j.moi.chat-model.model-path")
                    .contains(missing.toString())
                    .contains("the file does not exist");
            assertThat(analysis.getAction())
                    .contains("Set langchain4j.moi.chat-model.model-path to a readable GGUF model file");
        });
    }

    @Test
    void failsFastWhenTheModelPathIsADirectory() {
        runner.withPropertyValues(P + "model-path=" + tempDir).run(context ->
                assertThat(analyze(context.getStartupFailure()).getDescription())
                        .contains("it is a directory, not a GGUF file"));
    }

    @Test
    void failsFastWhenTheModelFileCannotBeRead() throws IOException {
        Path unreadable = Files.writeString(tempDir.resolve("locked.gguf"), "GGUF");
        if (!unreadable.toFile().setReadable(false) || Files.isReadable(unreadable)) {
            return; // running as root: every file is readable
        }
        runner.withPropertyValues(P + "model-path=" + unreadable).run(context ->
                assertThat(analyze(context.getStartupFailure()).getDescription())
                        .contains("the file cannot be read"));
    }

    @Test
    void failsFastWhenTheModelFileIsNotGguf() throws IOException {
        Path notGguf = Files.writeString(tempDir.resolve("notes.gguf"), "these are notes, not a model: " + "x".repeat(64));
        runner.withPropertyValues(P + "model-path=" + notGguf).run(context -> {
            FailureAnalysis analysis = analyze(context.getStartupFailure());
            assertThat(analysis.getDescription())
                    .contains("Property: langchain4j.moi.chat-model.model-path")
                    .contains("not a GGUF file");
            assertThat(analysis.getAction()).contains("readable GGUF model file");
        });
    }

    @Test
    void failsFastNamingThePropertyWhenAValueIsInvalid() throws IOException {
        Path file = Files.writeString(tempDir.resolve("model.gguf"), "not loaded: options are checked first");
        for (List<String> invalid : List.of(
                List.of("temperature=-1", "temperature", "-1"),
                List.of("top-p=1.5", "top-p", "1.5"),
                List.of("context-size=-5", "context-size", "-5"),
                List.of("max-output-tokens=0", "max-output-tokens", "0"),
                List.of("stop-sequences=a,,b", "stop-sequences", "[a, , b]"),
                List.of("frequency-penalty=NaN", "frequency-penalty", "NaN"))) {
            runner.withPropertyValues(P + "model-path=" + file, P + invalid.get(0)).run(context -> {
                FailureAnalysis analysis = analyze(context.getStartupFailure());
                assertThat(analysis.getDescription())
                        .contains("Property: langchain4j.moi.chat-model." + invalid.get(1))
                        .contains("Value:    " + invalid.get(2));
                assertThat(analysis.getAction()).contains("Change langchain4j.moi.chat-model." + invalid.get(1));
            });
        }
    }

    private static FailureAnalysis analyze(Throwable failure) {
        assertThat(failure).isNotNull();
        FailureAnalysis analysis = new MoiFailureAnalyzer().analyze(failure);
        assertThat(analysis).as("analysis of %s", failure).isNotNull();
        return analysis;
    }
}
