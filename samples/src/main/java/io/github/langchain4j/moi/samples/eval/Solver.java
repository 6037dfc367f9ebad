package io.github.langchain4j.moi.samples.eval;

import io.github.langchain4j.moi.engine.PromptText;
import io.github.langchain4j.moi.engine.ChatTurn;
import io.github.langchain4j.moi.engine.GenerationListener;
import io.github.langchain4j.moi.engine.GenerationRequest;
import io.github.langchain4j.moi.engine.GenerationResult;
import io.github.langchain4j.moi.engine.MoiEngine;
import io.github.langchain4j.moi.engine.MoiOptions;
import io.github.langchain4j.moi.engine.SamplingOptions;

import java.util.List;
import java.util.Locale;

/** Answers one prompt: the model behind the evaluation (an interface, so that tests can run without a model). */
public interface Solver {

    /** The generated answer. */
    record Completion(String text, int tokens, String finish) {
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
        return (userPrompt, sampling, moi, maxTokens) -> {
            PromptText prompt = engine.applyChatTemplate(List.of(new ChatTurn("user", userPrompt)), true);
            GenerationResult result = engine.generate(GenerationRequest.of(prompt, sampling, moi, maxTokens),
                    GenerationListener.NONE);
            return new Completion(result.text(), result.outputTokens(),
                    result.finishReason().name().toLowerCase(Locale.ROOT));
        };
    }
}
