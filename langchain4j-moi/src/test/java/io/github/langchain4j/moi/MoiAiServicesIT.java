package io.github.langchain4j.moi;

import io.github.langchain4j.moi.engine.MoiMode;
import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.agent.tool.Tool;
import dev.langchain4j.memory.chat.MessageWindowChatMemory;
import dev.langchain4j.service.AiServices;
import dev.langchain4j.service.Result;
import dev.langchain4j.service.UserMessage;
import io.github.langchain4j.moi.engine.MoiStep;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** AI Services on the default model: tools, structured output, chat memory and per-request MoI parameters. */
class MoiAiServicesIT {

    interface Assistant {
        String chat(String message);
    }

    static class Calculator {

        final List<String> calls = new CopyOnWriteArrayList<>();

        @Tool("Adds two integers and returns their sum")
        long add(long a, long b) {
            calls.add(a + "+" + b);
            return a + b;
        }
    }

    @Test
    void calls_a_tool_with_valid_arguments_and_uses_its_result() {
        Calculator calculator = new Calculator();
        Assistant assistant = AiServices.builder(Assistant.class)
                .chatModel(ItModels.shared())
                .tools(calculator)
                .build();

        String answer = assistant.chat("What is 1234 + 5678? Use the add tool.");

        assertThat(calculator.calls).containsExactly("1234+5678");
        assertThat(answer.replace(",", "")).contains("6912");
    }

    record City(String name, String country, int population) {
    }

    interface CityExtractor {
        @UserMessage("Extract the city from this text: {{it}}")
        City extract(String text);
    }

    @Test
    void returns_a_record_as_structured_output() {
        CityExtractor extractor = AiServices.builder(CityExtractor.class).chatModel(ItModels.shared()).build();

        City city = extractor.extract("Paris, the capital of France, has about 2100000 inhabitants.");

        assertThat(city.name()).isEqualTo("Paris");
        assertThat(city.country()).isEqualTo("France");
        assertThat(city.population()).isPositive();
    }

    @Test
    void remembers_earlier_turns_with_chat_memory() {
        Assistant assistant = AiServices.builder(Assistant.class)
                .chatModel(ItModels.shared())
                .chatMemory(MessageWindowChatMemory.withMaxMessages(10))
                .build();

        assistant.chat("Hello, my name is Klaus and I live in Hamburg.");
        String answer = assistant.chat("What is my name?");

        assertThat(answer).contains("Klaus");
    }

    interface TracedAssistant {
        Result<String> chat(@UserMessage String message, MoiChatRequestParameters parameters);
    }

    @Test
    void per_request_moi_parameters_take_effect_and_show_in_the_trace() {
        TracedAssistant assistant = AiServices.builder(TracedAssistant.class).chatModel(ItModels.shared()).build();

        Result<String> direct = assistant.chat("Name a color.", MoiChatRequestParameters.builder()
                .mode(MoiMode.DIRECT)
                .mixTopK(5)
                .trace(true)
                .maxOutputTokens(8)
                .build());
        Result<String> off = assistant.chat("Name a color.", MoiChatRequestParameters.builder()
                .mode(MoiMode.OFF)
                .beta(4.0)
                .trace(true)
                .maxOutputTokens(8)
                .build());
        Result<String> untraced = assistant.chat("Name a color.", MoiChatRequestParameters.builder()
                .maxOutputTokens(4)
                .build());

        List<MoiStep> directTrace = trace(direct);
        assertThat(directTrace).isNotEmpty().allSatisfy(step -> {
            assertThat(step.mode()).isEqualTo(MoiMode.DIRECT);
            assertThat(step.mixture().support()).hasSizeLessThanOrEqualTo(5);
        });
        List<MoiStep> offTrace = trace(off);
        assertThat(offTrace).isNotEmpty().allSatisfy(step -> {
            assertThat(step.mode()).isEqualTo(MoiMode.OFF);
            assertThat(step.beta()).isEqualTo(4.0);
        });
        assertThat(trace(untraced)).isEmpty();
        assertThat(untraced.tokenUsage().outputTokenCount()).isLessThanOrEqualTo(4);
    }

    private static List<MoiStep> trace(Result<String> result) {
        return ((MoiChatResponseMetadata) result.finalResponse().metadata()).trace();
    }
}
