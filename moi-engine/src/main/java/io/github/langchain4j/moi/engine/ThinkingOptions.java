package io.github.langchain4j.moi.engine;

import java.util.Objects;

/**
 * A generation's thinking segment: the markers that open and close it, and the most tokens it may take.
 *
 * <p>The segment is open from the start when the prompt ends with {@code open} (the DeepSeek-R1 distills'
 * generation prompt, the think-then-answer mode); otherwise the model may open it with its first text
 * (QwQ, Qwen3). When {@code budget} thinking tokens are reached, or the model ends its turn inside the segment,
 * or the context is about to fill, the engine feeds {@code close} itself and the answer follows.
 *
 * <p>Token counts: {@link GenerationRequest#maxTokens()} counts the answer's tokens only; the thinking is
 * bounded by {@code budget} and by the context window, which always keeps room for the closing marker and the
 * start of an answer. So a generation never ends inside its thinking with an empty answer because of a limit.
 *
 * @param open   the opening marker, e.g. {@code <think>}
 * @param close  the closing marker, e.g. {@code </think>}
 * @param budget the most tokens of thinking ({@link #NO_BUDGET}: only the context bounds it)
 */
public record ThinkingOptions(String open, String close, int budget) {

    public static final String OPEN = "<think>";
    public static final String CLOSE = "</think>";
    public static final int NO_BUDGET = Integer.MAX_VALUE;

    public ThinkingOptions {
        Objects.requireNonNull(open, "open");
        Objects.requireNonNull(close, "close");
        if (open.isBlank() || close.isBlank() || open.equals(close)) {
            throw new IllegalArgumentException("thinking markers must be two different non-blank strings, were '"
                    + open + "' and '" + close + "'");
        }
        if (budget < 1) {
            throw new InvalidOptionException("thinkingBudget", budget, "thinkingBudget must be >= 1, was " + budget);
        }
    }

    /** The {@code <think>}/{@code </think>} segment with a budget. */
    public static ThinkingOptions think(int budget) {
        return new ThinkingOptions(OPEN, CLOSE, budget);
    }

    /**
     * The thinking segment a chat template uses, or null: the templates of the DeepSeek-R1 distills, QwQ and
     * Qwen3 write and strip {@code <think>}/{@code </think>}.
     */
    public static ThinkingOptions detect(String chatTemplateSource, int budget) {
        if (chatTemplateSource == null || !chatTemplateSource.contains(CLOSE)) {
            return null;
        }
        return think(budget);
    }

    /**
     * An earlier assistant turn as reasoning templates re-feed it: without its thinking, i.e. the text after the
     * last closing marker (the R1 template's {@code content.split('</think>')[-1]}), leading whitespace dropped.
     */
    public String stripThinking(String content) {
        if (content == null) {
            return null;
        }
        int at = content.lastIndexOf(close);
        return at < 0 ? content : content.substring(at + close.length()).stripLeading();
    }

    /**
     * Whether an answer's text so far says anything: more than white space and this segment's markers (a small model
     * held back from ending its turn may open another segment instead of answering).
     */
    public boolean saysSomething(CharSequence answerSoFar) {
        return !answerSoFar.toString().replace(open, "").replace(close, "").isBlank();
    }

    public ThinkingOptions withBudget(int newBudget) {
        return new ThinkingOptions(open, close, newBudget);
    }
}
