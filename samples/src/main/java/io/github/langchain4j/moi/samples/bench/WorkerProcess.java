package io.github.langchain4j.moi.samples.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The bench's handle on a {@link BenchWorker} JVM: one request line out, one reply line back. */
final class WorkerProcess implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String name;
    private final Process process;
    private final BufferedReader out;
    private final Writer in;
    private final Path log;

    private WorkerProcess(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
        this.out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        this.in = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
    }

    /** Starts a worker with this JVM's class path and the system properties that choose the native library. */
    static WorkerProcess start(String engine, Path model, int threads, int contextSize, int sequences) throws IOException {
        return start(engine, model, threads, contextSize, sequences, null);
    }

    /** With our engine on the current llama.cpp built in {@code llamaCpp} (null: the bundled b4916). */
    static WorkerProcess start(String engine, Path model, int threads, int contextSize, int sequences, Path llamaCpp)
            throws IOException {
        return start(engine, model, threads, contextSize, sequences, llamaCpp, 0);
    }

    /** With our engine's prefill chunk ({@code 0}: the engine's default). */
    static WorkerProcess start(String engine, Path model, int threads, int contextSize, int sequences, Path llamaCpp,
                               int prefillChunk) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        System.getProperties().stringPropertyNames().stream()
                .filter(k -> k.startsWith("de.kherud.llama.") || k.startsWith("moi."))
                .forEach(k -> command.add("-D" + k + "=" + System.getProperty(k)));
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), BenchWorker.class.getName(),
                engine, model.toString(), String.valueOf(threads), String.valueOf(contextSize), String.valueOf(sequences)));
        if (llamaCpp != null || prefillChunk > 0) {
            command.add(llamaCpp != null ? llamaCpp.toAbsolutePath().toString() : BenchWorker.BUNDLED);
        }
        if (prefillChunk > 0) {
            command.add(String.valueOf(prefillChunk));
        }
        Path log = Files.createTempFile("moi-bench-" + engine + "-", ".log");
        Process process = new ProcessBuilder(command).redirectError(log.toFile()).start();
        WorkerProcess worker = new WorkerProcess(engine, process, log);
        worker.reply(); // "ready", or the load error
        return worker;
    }

    /** Sends one request and waits for its reply; a reply with "error" becomes an exception. */
    JsonNode call(Map<String, ?> request) throws IOException {
        in.write(JSON.writeValueAsString(request) + "\n");
        in.flush();
        return reply();
    }

    private JsonNode reply() throws IOException {
        for (String line; (line = out.readLine()) != null; ) {
            if (line.startsWith(BenchWorker.REPLY)) {
                JsonNode reply = JSON.readTree(line.substring(BenchWorker.REPLY.length()));
                if (reply.has("error")) {
                    throw new IOException("bench worker '" + name + "' failed: " + reply.get("error").asText()
                            + " (its log: " + log + ")");
                }
                return reply;
            }
            // anything else is llama.cpp printing to stdout
        }
        throw new IOException("bench worker '" + name + "' ended unexpectedly; its log: " + log);
    }

    @Override
    public void close() throws IOException {
        try {
            in.write("{\"op\":\"exit\"}\n");
            in.flush();
        } catch (IOException e) {
            // already gone
        }
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            return;
        }
        if (process.exitValue() == 0) {
            Files.deleteIfExists(log);
        }
    }
}
