package io.github.langchain4j.moi.samples.eval;

import io.github.langchain4j.moi.engine.ChatTurn;
import io.github.langchain4j.moi.engine.Engine;
import io.github.langchain4j.moi.engine.FinishReason;
import io.github.langchain4j.moi.engine.GenerationListener;
import io.github.langchain4j.moi.engine.GenerationRequest;
import io.github.langchain4j.moi.engine.GenerationResult;
import io.github.langchain4j.moi.engine.MoiOptions;
import io.github.langchain4j.moi.engine.MoiScope;
import io.github.langchain4j.moi.engine.PromptText;
import io.github.langchain4j.moi.engine.SamplingOptions;
import io.github.langchain4j.moi.engine.ThinkingOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code ./moi eval --think --scope ...}: the checker reads the answer alone; the scope reaches every generation. */
class EvalThinkingTest {

    @TempDir
    Path dir;

    /** An engine whose thinking holds a wrong final answer and whose answer the right one. */
    static final class ThinkingEngine implements Engine {
        GenerationRequest request;

        @Override
        public GenerationResult generate(GenerationRequest generationRequest, GenerationListener listener) {
            request = generationRequest;
            String thinking = "maybe... Answer: 5";
            String answer = "Answer: 4";
            return generationRequest.thinking() == null
                    ? new GenerationResult(thinking + "\n" + answer, new int[3], 9, FinishReason.STOP, List.of())
                    : new GenerationResult(answer, new int[3], 9, FinishReason.STOP, List.of(), thinking);
        }

        @Override
        public PromptText applyChatTemplate(List<ChatTurn> turns, boolean addAssistantPrefix) {
            return new PromptText(List.of(new PromptText.Part("<|user|>", true),
                    new PromptText.Part(turns.get(turns.size() - 1).content(), false),
                    new PromptText.Part("<|assistant|>", true)));
        }

        @Override
        public String modelName() {
            return "thinking-fake";
        }

        @Override
        public int contextSize() {
            return 4096;
        }

        @Override
        public void close() {
        }
    }

    @Test
    void with_think_the_solver_opens_the_segment_and_the_completion_is_the_answer_alone() {
        ThinkingEngine engine = new ThinkingEngine();
        Solver.Completion completion = Solver.of(engine, true, 256).solve("What is 2+2?", SamplingOptions.GREEDY,
                MoiOptions.DEFAULTS, 64);

        assertThat(engine.request.thinking()).isEqualTo(ThinkingOptions.think(256));
        assertThat(engine.request.prompt().asString()).endsWith("<|assistant|><think>\n");
        assertThat(completion.text()).isEqualTo("Answer: 4");
        Problem problem = Dataset.parse("{\"id\": \"q\", \"prompt\": \"What is 2+2?\", \"answer\": 4, \"check\": \"number\"}");
        assertThat(problem.isCorrect(completion.text())).isTrue();
    }

    @Test
    void the_scope_and_think_reach_every_generation_and_set_the_results_apart() throws Exception {
        Path dataset = Files.writeString(dir.resolve("d.jsonl"),
                "{\"id\": \"q1\", \"prompt\": \"What is 2+2?\", \"answer\": 4, \"check\": \"number\"}\n");
        Path model = Files.writeString(dir.resolve("fake.gguf"), "not loaded");
        List<MoiOptions> seen = new CopyOnWriteArrayList<>();
        Solver solver = (prompt, sampling, moi, maxTokens) -> {
            seen.add(moi);
            return new Solver.Completion("Answer: 4", 3, "stop");
        };
        String[] args = {"--dataset", dataset.toString(), "--model", model.toString(), "--out",
                dir.resolve("out").toString(), "--name", "run", "--modes", "off,moi:1", "--no-progress"};

        assertThat(run(solver, args, "--scope", "thinking")).isZero();
        assertThat(seen).hasSize(2).allMatch(moi -> moi.scope() == MoiScope.THINKING);
        // the same results file with another scope is refused: its answers were made otherwise
        assertThat(run(solver, args, "--scope", "all")).isNotZero();
        assertThat(run(solver, args, "--scope", "thinking", "--think")).isNotZero();
    }

    private static int run(Solver solver, String[] args, String... more) {
        CommandLine command = new CommandLine(new EvalCommand(config -> new Solver.Loaded(solver, () -> { })));
        command.setOut(new PrintWriter(new StringWriter()));
        command.setErr(new PrintWriter(new StringWriter()));
        String[] all = java.util.stream.Stream.concat(java.util.Arrays.stream(args), java.util.Arrays.stream(more))
                .toArray(String[]::new);
        return command.execute(all);
    }
}
