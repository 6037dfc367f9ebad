package io.github.langchain4j.moi.samples.cli;

import io.github.langchain4j.moi.engine.MoiEngine;
import io.github.langchain4j.moi.engine.Engine;
import io.github.langchain4j.moi.engine.EngineConfig;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Function;

/** One in-process run of the command line: its exit code, stdout and stderr. */
record CliRun(int exitCode, String out, String err) {

    /** Runs with the real engine loader (for paths that must fail before any model is loaded). */
    static CliRun run(String... args) {
        return run(MoiEngine::load, args);
    }

    static CliRun run(Function<EngineConfig, Engine> engines, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exitCode = MoiCli.run(engines, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), args);
        return new CliRun(exitCode, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
