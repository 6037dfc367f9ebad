package io.github.langchain4j.moi.samples.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.langchain4j.moi.engine.Mixture;
import io.github.langchain4j.moi.engine.MoiStep;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Writes a trace as JSON Lines: one object per generated token with the fields {@code step, token, text, mode,
 * beta, support, prior, entropy, weights}. Each line is flushed as it is written, so a crash keeps what came before.
 */
final class TraceWriter implements Closeable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path path;
    private final Writer writer;

    private TraceWriter(Path path, Writer writer) {
        this.path = path;
        this.writer = writer;
    }

    /** Creates (or empties) the trace file. */
    static TraceWriter open(Path path) {
        try {
            return new TraceWriter(path, Files.newBufferedWriter(path, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write trace file " + path + ": " + MoiCli.reason(e), e);
        }
    }

    void write(MoiStep step) {
        try {
            writer.write(toJson(step));
            writer.write('\n');
            writer.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write trace file " + path + ": " + MoiCli.reason(e), e);
        }
    }

    @Override
    public void close() {
        try {
            writer.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write trace file " + path + ": " + MoiCli.reason(e), e);
        }
    }

    /** One trace line (without the line break). */
    static String toJson(MoiStep step) {
        ObjectNode line = JSON.createObjectNode();
        line.put("step", step.step());
        line.put("token", step.token());
        line.put("text", step.text());
        line.put("mode", step.mode() == null ? null : step.mode().name().toLowerCase(Locale.ROOT));
        line.put("beta", step.beta());
        line.put("segment", step.segment() == null ? null : step.segment().name().toLowerCase(Locale.ROOT));
        Mixture mixture = step.mixture();
        if (mixture == null) {
            line.putNull("support");
            line.putNull("prior");
            line.putNull("entropy");
            line.putNull("weights");
        } else {
            ArrayNode support = line.putArray("support");
            for (int token : mixture.support()) {
                support.add(token);
            }
            ArrayNode prior = line.putArray("prior");
            for (double p : mixture.prior()) {
                prior.add(p);
            }
            line.put("entropy", mixture.entropy());
            ArrayNode weights = line.putArray("weights");
            for (double w : mixture.weights()) {
                weights.add(w);
            }
        }
        try {
            return JSON.writeValueAsString(line);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize a trace step", e);
        }
    }
}
