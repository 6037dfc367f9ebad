package io.github.langchain4j.moi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import io.github.langchain4j.moi.engine.EngineConfig;
import io.github.langchain4j.moi.engine.GenerationRequest;
import io.github.langchain4j.moi.testing.AllOptions;
import java.lang.reflect.Method;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Every engine option (listed from the engine's records by {@link AllOptions}) can be set through the builder and,
 * for per-request options, through {@link MoiChatRequestParameters}, and reaches the engine with the value set.
 * A new option that one of them does not offer fails here.
 */
class EveryOptionReachesTheEngineTest {

    /** LangChain4j's names of the engine options whose names differ (the rest have the engine's names). */
    private static final Map<String, String> LANGCHAIN4J_NAMES = Map.of(
            "maxTokens", "maxOutputTokens",
            "stopStrings", "stopSequences");

    /** Not an option of this API: the grammar is made from the response format's and the tools' JSON schemas. */
    private static final Set<String> MADE_FROM_SCHEMAS = Set.of("grammar");

    private final FakeRuntime fake = new FakeRuntime();

    {
        // a reasoning model's template: the thinking budget reaches the engine where there is a segment to bound
        fake.templateSource = "{{ content.split('</think>')[-1] }}";
    }

    @Test
    void the_samples_differ_from_the_library_defaults() {
        for (String option : AllOptions.names()) {
            assertThat(AllOptions.sample(option)).as(option).isNotEqualTo(AllOptions.libraryDefault(option));
        }
    }

    @Test
    void the_builder_sets_every_option() {
        MoiChatLanguageModel.Builder builder = MoiChatLanguageModel.builder().runtimeLoader(fake.loader());
        List<String> options = without(AllOptions.names(), MADE_FROM_SCHEMAS);
        for (String option : options) {
            set(builder, option);
        }

        builder.build().chat("hi");

        assertReachedTheEngine(options, fake.lastRequest(), fake.configs.get(0));
    }

    @Test
    void the_request_parameters_set_every_request_option() {
        MoiChatLanguageModel model = MoiChatLanguageModel.builder().modelPath(Path.of("/models/m.gguf"))
                .runtimeLoader(fake.loader()).build();
        MoiChatRequestParameters.Builder parameters = MoiChatRequestParameters.builder();
        List<String> options = without(AllOptions.requestOptionNames(), MADE_FROM_SCHEMAS);
        for (String option : options) {
            set(parameters, option);
        }

        model.chat(ChatRequest.builder().messages(UserMessage.from("hi")).parameters(parameters.build()).build());

        assertReachedTheEngine(options, fake.lastRequest(), fake.configs.get(0));
    }

    private static void assertReachedTheEngine(List<String> options, GenerationRequest request, EngineConfig config) {
        assertThat(options).isNotEmpty();
        for (String option : options) {
            assertThat(AllOptions.read(option, request, config)).as(option).isEqualTo(AllOptions.sample(option));
        }
    }

    /** Calls the builder's setter of the option with its sample value. */
    private static void set(Object builder, String option) {
        String name = LANGCHAIN4J_NAMES.getOrDefault(option, option);
        Method setter = Arrays.stream(builder.getClass().getMethods())
                .filter(m -> m.getName().equals(name) && m.getParameterCount() == 1)
                .filter(m -> !m.getParameterTypes()[0].isArray()) // stopSequences(String...) next to (List)
                .findFirst()
                .orElseThrow(() -> new AssertionError(builder.getClass().getName() + " has no setter '" + name
                        + "' for the engine option '" + option + "'"));
        try {
            setter.invoke(builder, AllOptions.as(setter.getParameterTypes()[0], AllOptions.sample(option)));
        } catch (ReflectiveOperationException e) {
            throw new AssertionError("cannot set " + name, e);
        }
    }

    private static List<String> without(List<String> options, Set<String> left) {
        List<String> result = new ArrayList<>(options);
        result.removeAll(left);
        return result;
    }
}
