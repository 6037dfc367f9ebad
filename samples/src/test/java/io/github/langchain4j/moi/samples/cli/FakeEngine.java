package io.github.langchain4j.moi.samples.cli;

import io.github.langchain4j.moi.engine.Engine;
import io.github.langchain4j.moi.engine.PromptText;
import io.github.langchain4j.moi.engine.MoiMode;
import io.github.langchain4j.moi.engine.ChatTurn;
import io.github.langchain4j.moi.engine.EngineConfig;
import io.github.langchain4j.moi.engine.FinishReason;
import io.github.langchain4j.moi.engine.GenerationListener;
import io.github.langchain4j.moi.engine.GenerationRequest;
import io.github.langchain4j.moi.engine.GenerationResult;
import io.github.langchain4j.moi.engine.Mixture;
import io.github.langchain4j.moi.engine.MoiStep;

import java.util.ArrayList;
import java.util.List;

/** An engine without a model: it answers with fixed pieces of text, one token each, and records what it was given. */
class FakeEngine implements Engine {

    /** Starts a piece that the fake reports as thinking, where the request has a thinking segment. */
    static final String THOUGHT = "\u0001";

    final List<String> pieces;
    EngineConfig config;
    List<ChatTurn> turns;
    GenerationRequest request;
    boolean closed;
    int generatedTokens;

    FakeEngine(String... pieces) {
        this.pieces = List.of(pieces);
    }

    /** A loader that records the configuration and hands out this engine. */
    Engine load(EngineConfig engineConfig) {
        this.config = engineConfig;
        return this;
    }

    @Override
    public String modelName() {
        return "fake-model";
    }

    @Override
    public int contextSize() {
        return 4096;
    }

    @Override
    public PromptText applyChatTemplate(List<ChatTurn> chatTurns, boolean addAssistantPrefix) {
        this.turns = List.copyOf(chatTurns);
        List<PromptText.Part> parts = new ArrayList<>();
        for (ChatTurn turn : chatTurns) {
            parts.add(new PromptText.Part("<|" + turn.role() + "|>", true));
            parts.add(new PromptText.Part(turn.content() + "\n", false));
        }
        parts.add(new PromptText.Part(addAssistantPrefix ? "<|assistant|>" : "", true));
        return new PromptText(parts);
    }

    @Override
    public GenerationResult generate(GenerationRequest generationRequest, GenerationListener listener) {
        this.request = generationRequest;
        List<MoiStep> trace = new ArrayList<>();
        StringBuilder answer = new StringBuilder();
        StringBuilder thinking = new StringBuilder();
        int[] tokens = new int[pieces.size()];
        for (int i = 0; i < pieces.size(); i++) {
            if (listener.isCancelled()) {
                return new GenerationResult(String.join("", pieces.subList(0, i)), java.util.Arrays.copyOf(tokens, i),
                        7, FinishReason.CANCELLED, trace);
            }
            tokens[i] = 100 + i;
            if (generationRequest.trace()) {
                MoiStep step = step(i, tokens[i], pieces.get(i), generationRequest.moi().mode(),
                        generationRequest.moi().beta());
                trace.add(step);
                listener.onStep(step);
            }
            if (pieces.get(i).startsWith(THOUGHT) && generationRequest.thinking() != null) {
                thinking.append(pieces.get(i).substring(1));
                listener.onThinking(pieces.get(i).substring(1));
            } else {
                answer.append(pieces.get(i));
                listener.onText(pieces.get(i));
            }
            generatedTokens++;
        }
        return new GenerationResult(answer.toString(), tokens, 7, FinishReason.STOP, trace, thinking.toString());
    }

    static MoiStep step(int index, int token, String text, MoiMode mode, double beta) {
        return new MoiStep(index, token, text, mode, beta,
                new Mixture(new int[] {token, 7}, new double[] {0.75, 0.25}, 0.8112781244591328,
                        new double[] {0.8, 0.2}));
    }

    @Override
    public void close() {
        closed = true;
    }
}
