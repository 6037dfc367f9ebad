package io.github.langchain4j.moi.samples.examples;

import dev.langchain4j.agent.tool.P;
import dev.langchain4j.agent.tool.Tool;
import dev.langchain4j.memory.chat.MessageWindowChatMemory;
import dev.langchain4j.service.AiServices;
import dev.langchain4j.service.SystemMessage;
import io.github.langchain4j.moi.MoiChatLanguageModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code moi agent "question"}: an AI Service with calculator tools on the MoI chat model. The model decides
 * when to call a tool; LangChain4j runs it and gives the result back; the model answers.
 */
@Command(name = "agent", mixinStandardHelpOptions = true,
        description = "An agent with calculator tools (LangChain4j AI Services) on the MoI chat model.")
public final class AgentCommand implements Callable<Integer> {

    @Parameters(arity = "1..*", description = "the question")
    List<String> question;

    @Option(names = "--model", description = "GGUF file (default: the library's default model)")
    Path model;

    /** The tools the agent may call. */
    public static final class Calculator {
        @Tool("Multiplies two numbers")
        public double multiply(@P("the first number") double a, @P("the second number") double b) {
            return a * b;
        }

        @Tool("Adds two numbers")
        public double add(@P("the first number") double a, @P("the second number") double b) {
            return a + b;
        }
    }

    /** The agent's interface, implemented by AI Services. */
    public interface Agent {
        @SystemMessage("You are a precise assistant. Use the tools for every arithmetic step, then answer briefly.")
        String ask(String question);
    }

    /** Builds the agent on a model (tests pass their own). */
    public static Agent agent(MoiChatLanguageModel model, Object tools) {
        return AiServices.builder(Agent.class)
                .chatModel(model)
                .tools(tools)
                .chatMemory(MessageWindowChatMemory.withMaxMessages(20))
                .build();
    }

    @Override
    public Integer call() {
        try (MoiChatLanguageModel chatModel = MoiChatLanguageModel.builder().modelPath(model).temperature(0.0).build()) {
            System.out.println(agent(chatModel, new Calculator()).ask(String.join(" ", question)));
        }
        return 0;
    }
}
