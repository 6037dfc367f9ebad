package io.github.langchain4j.moi.samples.examples;

import dev.langchain4j.agent.tool.Tool;
import io.github.langchain4j.moi.MoiChatLanguageModel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The agent and RAG examples on the default model. */
class ExamplesIT {

    private static MoiChatLanguageModel model;

    @BeforeAll
    static void load() {
        model = MoiChatLanguageModel.builder().temperature(0.0).maxOutputTokens(96).build();
    }

    @AfterAll
    static void close() {
        model.close();
    }

    /** The example's calculator, recording its calls. */
    static final class RecordingCalculator {
        final List<String> calls = new ArrayList<>();

        @Tool("Multiplies two numbers")
        public double multiply(double a, double b) {
            calls.add("multiply(" + a + ", " + b + ")");
            return a * b;
        }
    }

    @Test
    void the_agent_calls_the_tool_and_uses_its_result() {
        RecordingCalculator calculator = new RecordingCalculator();
        String answer = AgentCommand.agent(model, calculator).ask("What is 37.5 multiplied by 12?");
        assertThat(calculator.calls).isNotEmpty();
        assertThat(answer).contains("450");
    }

    @Test
    void rag_answers_from_the_document() {
        String answer = RagCommand.assistant(model, List.of(RagCommand.builtInDocument()))
                .answer("Which values of beta do the authors recommend?");
        assertThat(answer).contains("0.5").contains("2");
    }
}
