package io.github.langchain4j.moi.samples.eval;

import io.github.langchain4j.moi.engine.Engine;
import io.github.langchain4j.moi.engine.PromptText;
import io.github.langchain4j.moi.engine.ChatTurn;
import io.github.langchain4j.moi.engine.GenerationListener;
import io.github.langchain4j.moi.engine.GenerationRequest;
import io.github.langchain4j.moi.engine.GenerationResult;
import io.github.langchain4j.moi.engine.MoiEngine;
import io.github.langchain4j.moi.engine.MoiOptions;
import io.github.langchain4j.moi.engine.SamplingOptions;
import io.github.langchain4j.moi.engine.ThinkThenAnswer;
import io.github.langchain4j.moi.engine.ThinkingOptions;

import java.util.List;
import java.util.Locale;

/** Answers one prompt: the model behind the evaluation (an interface, so that tests can run without a model). */
public interface Solver {

    /** The generated answer, and the thinking before it (empty when there was none). */
    record Completion(String text, int tokens, String finish, String thinking) {

        /** An answer without thinking. */
        Completion(String text, int tokens, String finish) {
            this(text, tokens, finish, "");
        }
    }

    Completion solve(String userPrompt, SamplingOptions sampling, MoiOptions moi, int maxTokens);

    /** A solver and what frees it (the model). */
    record Loaded(Solver solver, Runnable closer) implements AutoCloseable {
        @Override
        public void close() {
            closer.run();
        }
    }

    /** A loaded model: the prompt is one user turn of its chat template. */
    static Solver of(MoiEngine engine) {
        return of(engine, false, ThinkingOptions.NO_BUDGET);
    }

    /**
     * A loaded model, with think-then-answer when {@code think} (else a reasoning model's own thinking segment, if
     * its template has one). The completion's text is the answer alone: the checker never reads the thinking.
     */
    static Solver of(Engine engine, boolean think, int thinkingBudget) {
        ThinkingOptions thinking = think ? ThinkThenAnswer.thinking(thinkingBudget)
                : ThinkingOptions.detect(engine.chatTemplateSource(), thinkingBudget);
        return (userPrompt, sampling, moi, maxTokens) -> {
            List<ChatTurn> turns = List.of(new ChatTurn("user", userPrompt));
            PromptText prompt = think ? ThinkThenAnswer.openSegment(engine.applyChatTemplate(ThinkThenAnswer.turns(turns), true))
                    : engine.applyChatTemplate(turns, true);
            GenerationResult result = engine.generate(new GenerationRequest(prompt, sampling, moi, maxTokens,
                    List.of(), null, false, thinking), GenerationListener.NONE);
            return new Completion(result.text(), result.outputTokens(),
                    result.finishReason().name().toLowerCase(Locale.ROOT), result.thinking());
        };
    }
}
