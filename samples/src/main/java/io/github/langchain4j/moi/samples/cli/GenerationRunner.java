package io.github.langchain4j.moi.samples.cli;

import io.github.langchain4j.moi.engine.Engine;
import io.github.langchain4j.moi.engine.PromptText;
import io.github.langchain4j.moi.engine.EngineConfig;
import io.github.langchain4j.moi.engine.GenerationListener;
import io.github.langchain4j.moi.engine.GenerationRequest;
import io.github.langchain4j.moi.engine.GenerationResult;
import io.github.langchain4j.moi.engine.MoiStep;
import io.github.langchain4j.moi.engine.ThinkingOptions;

import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.function.Function;

/**
 * What {@code chat} and {@code generate} have in common: check the options, load the model, stream the text to
 * stdout as it comes, write the trace, and print a one-line summary to stderr.
 */
final class GenerationRunner {

    private GenerationRunner() {
    }

    /**
     * @param prompt  builds the prompt with the loaded engine (its chat template, or the raw text)
     * @return the exit code
     */
    static int run(GenerationOptions options, Function<EngineConfig, Engine> engines, Function<Engine, PromptText> prompt,
                   PrintWriter out, PrintWriter err) {
        options.validate();
        Path modelPath = options.modelPath();
        if (options.trace != null) {
            // opening the trace empties it: it must not be the model, the grammar or the prompt
            SafeFiles.requireNotAnInput(options.trace, "trace file", options.inputs(modelPath));
        }
        try (TraceWriter trace = options.trace == null ? null : TraceWriter.open(options.trace);
             Engine engine = engines.apply(options.toEngineConfig(modelPath))) {
            GenerationRequest request = options.toRequest(prompt.apply(engine), engine.chatTemplateSource());
            StreamingListener listener = new StreamingListener(out, trace, options.showThinking);
            long start = System.nanoTime();
            GenerationResult result;
            try {
                result = engine.generate(request, listener);
            } catch (RuntimeException e) {
                if (listener.printed) {
                    out.println(); // end the partial answer before the error message
                }
                out.flush();
                throw e;
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            if (listener.outputClosed) {
                err.println("moi: stdout was closed; generation stopped after " + result.outputTokens() + " tokens");
                err.flush();
                return MoiCli.EXIT_CODE_FAILURE;
            }
            out.println();
            out.flush();
            if (listener.traceFailure != null) {
                throw listener.traceFailure;
            }
            err.println(summary(result, seconds));
            err.flush();
            return 0;
        }
    }

    static String summary(GenerationResult result, double seconds) {
        int tokens = result.outputTokens();
        return String.format(Locale.ROOT, "[%d tokens, %.1f tokens/s, finish: %s, prompt: %d tokens, %.2f s]",
                tokens, seconds > 0 ? tokens / seconds : 0.0,
                result.finishReason().name().toLowerCase(Locale.ROOT), result.promptTokens(), seconds);
    }

    /** Prints text as soon as it is final; stops generating when the trace cannot be written or stdout is closed. */
    private static final class StreamingListener implements GenerationListener {

        private final PrintWriter out;
        private final TraceWriter trace;
        private final boolean showThinking;
        private boolean thinkingOpen;
        private boolean printed;
        private boolean outputClosed;
        private UncheckedIOException traceFailure;

        StreamingListener(PrintWriter out, TraceWriter trace, boolean showThinking) {
            this.out = out;
            this.trace = trace;
            this.showThinking = showThinking;
        }

        @Override
        public void onThinking(String text) {
            if (showThinking) { // otherwise dropped: stdout holds the answer alone
                out.print(thinkingOpen ? text : ThinkingOptions.OPEN + "\n" + text);
                thinkingOpen = true;
                printed = true;
                outputClosed = out.checkError();
            }
        }

        @Override
        public void onText(String text) {
            if (thinkingOpen) {
                out.print("\n" + ThinkingOptions.CLOSE + "\n\n");
                thinkingOpen = false;
            }
            out.print(text);
            printed = true;
            outputClosed = out.checkError(); // flushes; true once the reader of stdout is gone
        }

        @Override
        public void onStep(MoiStep step) {
            if (trace != null && traceFailure == null) {
                try {
                    trace.write(step);
                } catch (UncheckedIOException e) {
                    traceFailure = e;
                }
            }
        }

        @Override
        public boolean isCancelled() {
            return traceFailure != null || outputClosed;
        }
    }
}
