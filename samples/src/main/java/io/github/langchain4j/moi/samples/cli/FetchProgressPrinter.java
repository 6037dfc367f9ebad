package io.github.langchain4j.moi.samples.cli;

import io.github.langchain4j.moi.model.FetchProgress;

import java.io.PrintStream;

/**
 * Shows a model download on stderr: a bar redrawn in place on a terminal, and plain lines elsewhere (CI logs, IDE
 * consoles, {@code 2> log}), so a first run never sits silent for the minute a download takes.
 */
final class FetchProgressPrinter implements FetchProgress {

    private static final int BAR_WIDTH = 30;

    private final PrintStream out;
    private final boolean terminal;

    FetchProgressPrinter(PrintStream out, boolean terminal) {
        this.out = out;
        this.terminal = terminal;
    }

    /** For stderr: a bar when the JVM has a terminal, lines otherwise. */
    static FetchProgressPrinter forStderr() {
        return new FetchProgressPrinter(System.err, System.console() != null);
    }

    @Override
    public void update(Status status) {
        if (!terminal) {
            out.println("moi: " + status.describe());
        } else {
            int filled = status.percent() * BAR_WIDTH / 100;
            out.print("\rmoi: fetching " + status.model() + " [" + "=".repeat(filled) + " ".repeat(BAR_WIDTH - filled)
                    + "] " + status.percent() + " % of " + Math.round(status.totalBytes() / 1e6) + " MB");
            if (status.finished()) {
                out.println();
                out.println("moi: cached in " + status.folder());
            }
        }
        out.flush();
    }
}
