package io.github.langchain4j.moi.engine;

import java.util.ArrayList;
import java.util.List;

/**
 * Think-then-answer for any instruction model: a short instruction in the system message asks the model to reason
 * inside {@code <think>...</think>} first, and the prompt opens that segment after the assistant's turn begins, as
 * the DeepSeek-R1 distills' generation prompt does. The engine then closes it ({@link ThinkingOptions}): by the
 * model's own {@code </think>}, at the budget, or when the model ends its turn inside it; the answer follows, held
 * to the request's grammar. For a model without {@code <think>} tokens the markers are plain text.
 */
public final class ThinkThenAnswer {

    // Small models tend to finish inside their thinking and end the turn right after the closing marker: the
    // instruction says that the reader sees only what follows it, so the final answer is written there again.
    public static final String INSTRUCTION = "Before you answer, think step by step between " + ThinkingOptions.OPEN
            + " and " + ThinkingOptions.CLOSE + ". The user sees only what you write after " + ThinkingOptions.CLOSE
            + ", so after it, write your final answer in full, in the form the user asked for.";

    /** The system message when the conversation has none (templates that add their own default are overridden). */
    public static final String DEFAULT_SYSTEM_MESSAGE = "You are a helpful assistant.";

    private ThinkThenAnswer() {
    }

    /** The segment's markers with a budget ({@link ThinkingOptions#NO_BUDGET}: the context bounds it). */
    public static ThinkingOptions thinking(int budget) {
        return ThinkingOptions.think(budget);
    }

    /**
     * The conversation with the instruction appended to the first system message (or a default one), and earlier
     * answers without any thinking they carry, as reasoning templates re-feed them.
     */
    public static List<ChatTurn> turns(List<ChatTurn> turns) {
        ThinkingOptions thinking = thinking(ThinkingOptions.NO_BUDGET);
        List<ChatTurn> result = new ArrayList<>();
        boolean instructed = false;
        for (ChatTurn turn : turns) {
            if (turn.role().equals("system") && !instructed) {
                result.add(new ChatTurn("system", turn.content() + "\n\n" + INSTRUCTION));
                instructed = true;
            } else if (turn.role().equals("assistant") && turn.content() != null) {
                result.add(new ChatTurn(turn.role(), thinking.stripThinking(turn.content()), turn.toolCalls(),
                        turn.toolCallId(), turn.name()));
            } else {
                result.add(turn);
            }
        }
        if (!instructed) {
            result.add(0, new ChatTurn("system", DEFAULT_SYSTEM_MESSAGE + "\n\n" + INSTRUCTION));
        }
        return result;
    }

    /** The rendered prompt with the segment opened (markup: ours, not a user's text), unless it already is. */
    public static PromptText openSegment(PromptText prompt) {
        if (prompt.asString().stripTrailing().endsWith(ThinkingOptions.OPEN)) {
            return prompt;
        }
        List<PromptText.Part> parts = new ArrayList<>(prompt.parts());
        parts.add(new PromptText.Part(ThinkingOptions.OPEN + "\n", true));
        return new PromptText(parts);
    }
}
