package io.github.langchain4j.moi.engine;

/**
 * Splits generated text into the thinking segment and the answer while it streams. A marker may arrive in
 * pieces (one token {@code </}, the next {@code think>}): text that may still become a marker is held back until
 * it is known. The markers themselves are in neither part; whitespace around the thinking, and at the start
 * of an answer that follows it, is dropped.
 */
final class SegmentSplitter {

    /** Receives the two parts as they become final. */
    interface Sink {
        void thinking(String text);

        void answer(String text);
    }

    enum State {
        /** The model may still open a segment: its first text is a prefix of the opening marker. */
        PENDING,
        THINKING,
        ANSWER
    }

    private final String open;
    private final String close;
    private final StringBuilder held = new StringBuilder();
    private State state;
    private boolean thinkingStarted;
    private boolean afterSegment;   // the answer follows a segment: its leading whitespace goes
    private boolean answerStarted;

    SegmentSplitter(String open, String close, State initial) {
        this.open = open;
        this.close = close;
        this.state = initial;
    }

    /** Plain pass-through: every text is answer. */
    static SegmentSplitter none() {
        return new SegmentSplitter("", "", State.ANSWER);
    }

    /**
     * The splitter for a request: a prompt that ends with the opening marker has opened the segment; one that
     * ends with the closing marker (Qwen3 with thinking switched off) has closed it; otherwise the model may
     * open it, unless a grammar holds the output from its first token (then there is no segment).
     */
    static SegmentSplitter forPrompt(ThinkingOptions thinking, String prompt, boolean grammar) {
        if (thinking == null) {
            return none();
        }
        String end = prompt.stripTrailing();
        State initial = end.endsWith(thinking.open()) ? State.THINKING
                : end.endsWith(thinking.close()) || grammar ? State.ANSWER
                : State.PENDING;
        return new SegmentSplitter(thinking.open(), thinking.close(), initial);
    }

    State state() {
        return state;
    }

    /** THINKING while the segment may be open or is, else ANSWER. */
    Segment segment() {
        return state == State.ANSWER ? Segment.ANSWER : Segment.THINKING;
    }

    void accept(String piece, Sink sink) {
        if (!piece.isEmpty()) {
            held.append(piece);
            drain(sink, false);
        }
    }

    /** The end of the text: what is held back is final. */
    void finish(Sink sink) {
        drain(sink, true);
    }

    /** Ends the segment now (the engine feeds the closing marker itself): a partial marker held back is dropped. */
    void close(Sink sink) {
        if (state == State.ANSWER) {
            return;
        }
        if (state == State.THINKING) {
            int keep = heldBack();
            emitThinking(held.substring(0, held.length() - keep).stripTrailing(), sink);
        }
        held.setLength(0);
        state = State.ANSWER;
        afterSegment = true;
    }

    private void drain(Sink sink, boolean atEnd) {
        while (true) {
            switch (state) {
                case PENDING -> {
                    String start = held.toString().stripLeading();
                    if (start.startsWith(open)) {
                        held.delete(0, held.indexOf(open) + open.length());
                        state = State.THINKING;
                    } else if (!atEnd && open.startsWith(start)) {
                        return;
                    } else {
                        state = State.ANSWER;
                    }
                }
                case THINKING -> {
                    int at = held.indexOf(close);
                    if (at >= 0) {
                        emitThinking(held.substring(0, at).stripTrailing(), sink);
                        held.delete(0, at + close.length());
                        state = State.ANSWER;
                        afterSegment = true;
                    } else {
                        String text = held.toString();
                        int keep = atEnd ? 0 : heldBack();
                        emitThinking(atEnd ? text.stripTrailing() : text.substring(0, text.length() - keep), sink);
                        held.delete(0, text.length() - keep);
                        return;
                    }
                }
                case ANSWER -> {
                    String text = held.toString();
                    held.setLength(0);
                    if (afterSegment && !answerStarted) {
                        text = text.stripLeading();
                    }
                    if (!text.isEmpty()) {
                        answerStarted = true;
                        sink.answer(text);
                    }
                    return;
                }
                default -> throw new IllegalStateException(state.toString());
            }
        }
    }

    /** How many characters at the end of the held text may belong to the closing marker, or be trailing whitespace. */
    private int heldBack() {
        int n = held.length();
        int keep = 0;
        for (int k = Math.min(close.length() - 1, n); k > 0; k--) {
            if (close.startsWith(held.substring(n - k))) {
                keep = k;
                break;
            }
        }
        while (keep < n && Character.isWhitespace(held.charAt(n - keep - 1))) {
            keep++;
        }
        return keep;
    }

    private void emitThinking(String text, Sink sink) {
        if (!thinkingStarted) {
            text = text.stripLeading();
        }
        if (!text.isEmpty()) {
            thinkingStarted = true;
            sink.thinking(text);
        }
    }
}
