package io.github.langchain4j.moi.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.langchain4j.moi.MoiChatLanguageModel;
import io.github.langchain4j.moi.MoiChatRequestParameters;
import io.github.langchain4j.moi.RecordingRuntime;
import io.github.langchain4j.moi.engine.EngineConfig;
import io.github.langchain4j.moi.engine.GenerationRequest;
import io.github.langchain4j.moi.engine.MoiOptions;
import io.github.langchain4j.moi.engine.SamplingOptions;
import io.github.langchain4j.moi.testing.AllOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * Properties through the whole starter to the engine, with a runtime that records what reaches it: every engine
 * option (listed from the engine's records by {@link AllOptions}) has a property that sets it, only properties that
 * are set reach the builder, and the precedence builder setter, then property, then defaultRequestParameters, then
 * the library's default holds.
 */
class PropertiesReachTheEngineTest {

    private static final String P = MoiChatModelProperties.PREFIX + ".";

    /** Not a property: the grammar is made from the response format's and the tools' JSON schemas. */
    private static final List<String> NO_PROPERTY = List.of("grammar");

    @TempDir
    Path dir;

    private Path model;
    /** A reasoning model's template: the thinking budget reaches the engine where there is a segment to bound. */
    private final RecordingRuntime runtime = new RecordingRuntime("{{ content.split('</think>')[-1] }}");

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(MoiAutoConfiguration.class))
            .withBean("recordingRuntime", MoiChatModelBuilderCustomizer.class, () -> runtime::install);

    @BeforeEach
    void modelFile() throws IOException {
        model = Files.writeString(dir.resolve("model.gguf"), "not loaded: the recording runtime stands in");
    }

    @Test
    void everyEngineOptionHasAProperty() {
        for (String option : AllOptions.names()) {
            if (!NO_PROPERTY.contains(option)) {
                assertThat(MoiChatModelFactory.propertyOf(option)).as("property of the engine option %s", option)
                        .isNotNull();
            }
        }
        assertThat(MoiChatModelFactory.propertyOf("grammar")).isNull();
    }

    @Test
    void everyOptionSetAsAPropertyReachesTheEngine() {
        List<String> options = new ArrayList<>(AllOptions.names());
        options.removeAll(NO_PROPERTY);
        options.remove("modelPath"); // a real file, checked before loading: set below
        List<String> properties = new ArrayList<>(List.of(P + "model-path=" + model));
        for (String option : options) {
            properties.add(P + MoiChatModelFactory.kebab(MoiChatModelFactory.propertyOf(option)) + "="
                    + text(AllOptions.sample(option)));
        }

        chat(runner.withPropertyValues(properties.toArray(String[]::new)), context -> {
            for (String option : options) {
                assertThat(AllOptions.read(option, runtime.lastRequest(), runtime.config())).as(option)
                        .isEqualTo(AllOptions.sample(option));
            }
            assertThat(runtime.config().modelPath()).isEqualTo(model);
        });
    }

    @Test
    void theThinkingPropertiesReachTheModel() {
        chat(runner.withPropertyValues(P + "model-path=" + model, P + "think=true", P + "return-thinking=true",
                P + "thinking-budget=50"), context -> {
            GenerationRequest request = runtime.lastRequest();
            assertThat(request.thinking()).isEqualTo(io.github.langchain4j.moi.engine.ThinkingOptions.think(50));
            assertThat(request.prompt().asString()).endsWith("<think>\n"); // think-then-answer opened the segment
            assertThat(context.getBean(MoiChatLanguageModel.class).defaultRequestParameters().returnThinking()).isTrue();
        });
        chat(runner.withPropertyValues(P + "model-path=" + model), context -> {
            assertThat(runtime.lastRequest().prompt().asString()).doesNotEndWith("<think>\n");
            assertThat(context.getBean(MoiChatLanguageModel.class).defaultRequestParameters().returnThinking()).isFalse();
        });
    }

    @Test
    void withoutPropertiesTheModelHasTheLibraryDefaults() {
        chat(runner.withPropertyValues(P + "model-path=" + model), context -> {
            assertThat(runtime.config()).isEqualTo(EngineConfig.of(model));
            assertThat(runtime.lastRequest().sampling()).isEqualTo(SamplingOptions.DEFAULTS);
            assertThat(runtime.lastRequest().moi()).isEqualTo(MoiOptions.DEFAULTS);
            assertThat(runtime.lastRequest().stopStrings()).isEmpty();
            assertThat(runtime.lastRequest().trace()).isFalse();
        });
    }

    @Test
    void defaultRequestParametersOfACustomizerApplyWhereNoPropertyIsSet() {
        chat(runner.withPropertyValues(P + "model-path=" + model)
                .withBean("defaults", MoiChatModelBuilderCustomizer.class, () -> builder -> builder
                        .defaultRequestParameters(MoiChatRequestParameters.builder()
                                .temperature(0.1).beta(3.0).seed(9).build())), context -> {
            GenerationRequest request = runtime.lastRequest();
            assertThat(request.sampling().temperature()).isEqualTo(0.1);
            assertThat(request.sampling().seed()).isEqualTo(9);
            assertThat(request.moi().beta()).isEqualTo(3.0);
        });
    }

    @Test
    void aPropertyThatIsSetWinsOverDefaultRequestParameters() {
        chat(runner.withPropertyValues(P + "model-path=" + model, P + "temperature=0.2")
                .withBean("defaults", MoiChatModelBuilderCustomizer.class, () -> builder -> builder
                        .defaultRequestParameters(MoiChatRequestParameters.builder()
                                .temperature(0.1).beta(3.0).build())), context -> {
            assertThat(runtime.lastRequest().sampling().temperature()).isEqualTo(0.2);
            assertThat(runtime.lastRequest().moi().beta()).isEqualTo(3.0);
        });
    }

    @Test
    void aCustomizersBuilderSetterWinsOverTheProperty() {
        chat(runner.withPropertyValues(P + "model-path=" + model, P + "temperature=0.2")
                .withBean("setter", MoiChatModelBuilderCustomizer.class, () -> builder -> builder.temperature(0.7)),
                context -> assertThat(runtime.lastRequest().sampling().temperature()).isEqualTo(0.7));
    }

    @Test
    void aBadValueFromACustomizerIsReportedUnderItsPropertyWithoutReadingTheMessage() {
        runner.withPropertyValues(P + "model-path=" + model)
                .withBean("bad", MoiChatModelBuilderCustomizer.class, () -> builder -> builder.topP(2.0))
                .run(context -> {
                    Throwable failure = context.getStartupFailure();
                    assertThat(failure).isNotNull();
                    MoiChatModelStartupException e = findStartupException(failure);
                    assertThat(e.property()).isEqualTo(P + "top-p");
                    assertThat(e.value()).isEqualTo(2.0);
                    assertThat(e.reason()).isEqualTo("topP must be in (0, 1], was 2.0");
                    assertThat(e.action()).contains("not set").contains("MoiChatModelBuilderCustomizer");
                });
    }

    private void chat(ApplicationContextRunner configured,
                      Consumer<org.springframework.context.ApplicationContext> check) {
        configured.run(context -> {
            assertThat(context).hasNotFailed();
            context.getBean(MoiChatLanguageModel.class).chat("hi");
            check.accept(context);
        });
    }

    private static MoiChatModelStartupException findStartupException(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof MoiChatModelStartupException e) {
                return e;
            }
        }
        throw new AssertionError("no MoiChatModelStartupException in " + failure);
    }

    /** A value as a property's text: lists comma-separated. */
    private static String text(Object value) {
        return value instanceof Collection<?> list
                ? String.join(",", list.stream().map(String::valueOf).toList()) : String.valueOf(value);
    }
}
