package io.github.langchain4j.moi.samples.bench;

import io.github.langchain4j.moi.engine.MoiEngine;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.langchain4j.moi.engine.EngineConfig;
import io.github.langchain4j.moi.model.KnownModel;
import io.github.langchain4j.moi.model.ModelCache;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code moi bench}: our engine in OFF, MOI and DIRECT mode against java-llama.cpp's own {@code LlamaModel}
 * (the peer a user would pick instead), on one model, the same threads and the same prompts, interleaved
 * round by round after a warm-up, so that the machine's noise hits every variant alike. Each engine runs in
 * a JVM of its own ({@link BenchWorker} explains why), which also gives each its own peak RSS. Then the
 * second-turn time to first token, 1, 2 and 4 concurrent streams, and what llama.cpp alone allows for
 * them. Prints a table of medians and ratios and ends with one JSON line.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Measure MoI's speed against standard decoding and java-llama.cpp, side by side.")
public final class BenchCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--model", description = "GGUF file (default: the library's default model)")
    Path model;

    @Option(names = "--threads", description = "CPU threads for both engines (default: all cores)")
    int threads = Runtime.getRuntime().availableProcessors();

    @Option(names = "--tokens", description = "tokens generated per run (default: ${DEFAULT-VALUE})")
    int tokens = 64;

    @Option(names = "--rounds", description = "measured rounds (default: ${DEFAULT-VALUE})")
    int rounds = 3;

    @Option(names = "--json", description = "print only the JSON line")
    boolean jsonOnly;

    @Option(names = "--llama-cpp", paramLabel = "FOLDER", description = "run our engine on the current llama.cpp built "
            + "in FOLDER (./moi native build prints it); java-llama.cpp always runs its own b4916 (default: b4916)")
    Path llamaCpp;

    @Option(names = "--prefill-chunk", paramLabel = "N", description = "prompt tokens our engine reads per step next to "
            + "running streams, and its prompt-cache block (default: the engine's, " + EngineConfig.DEFAULT_PREFILL_CHUNK + ")")
    Integer prefillChunk;

    @Option(names = "--sections", paramLabel = "LIST", split = ",", description = "which parts to measure, of "
            + "single (one stream: both engines, RSS, second turn, grammar), load (a long prompt arriving while 3 streams "
            + "run, TTFT under load), streams (1-4 concurrent streams, llama.cpp alone, the chunk price) and steps "
            + "(llama.cpp's step: token ids against embeddings, with other cells in the KV cache) "
            + "(default: single,load,streams)")
    List<String> sections = DEFAULT_SECTIONS;

    /** The parts of the bench, in the order they run. */
    static final List<String> SECTIONS = List.of("single", "load", "streams", "steps");

    /** What a plain {@code ./moi bench} measures; steps is a diagnosis of the streams' gap to the bound. */
    static final List<String> DEFAULT_SECTIONS = List.of("single", "load", "streams");

    /** The context of one generation, for both engines (the peer's whole KV cache; ours per sequence). */
    static final int CONTEXT = 4096;

    /** The most concurrent streams measured: sequences of our engine, server slots of the peer. */
    static final int STREAMS = 4;

    static final List<String> PROMPTS = List.of(
            "Write a Java class that implements a thread-safe LRU cache, with comments.",
            "Explain step by step how to solve 3x + 7 = 22, then check the answer.",
            "Write a Python script that counts word frequencies in a text file and prints the top ten.",
            "List five rules for naming variables well, with one example each.");

    /** The variants measured side by side. */
    enum Variant { PEER, OFF, MOI, DIRECT }

    /** One run's figures; the step times are ours only (zero for the peer). */
    record Run(int promptTokens, int generated, double ttftMs, double totalMs,
               long steps, double decodeMs, double sampleMs, double javaMs) {
        static Run of(JsonNode reply) {
            return new Run(reply.path("promptTokens").asInt(), reply.path("generated").asInt(),
                    reply.path("ttftMs").asDouble(), reply.path("totalMs").asDouble(), reply.path("steps").asLong(),
                    reply.path("decodeMs").asDouble(), reply.path("sampleMs").asDouble(), reply.path("javaMs").asDouble());
        }

        double promptTokensPerSecond() {
            return promptTokens / (ttftMs / 1000);
        }

        double generatedTokensPerSecond() {
            return (generated - 1) / ((totalMs - ttftMs) / 1000);
        }
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        validate();
        Path path = model != null ? model : new ModelCache().resolve(KnownModel.DEFAULT);
        MoiEngine.checkModelFile(path);
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("model", path.getFileName().toString());
        json.put("threads", threads);
        json.put("tokens", tokens);
        json.put("rounds", rounds);
        log(out, "bench: " + path.getFileName() + ", " + threads + " threads, " + tokens + " tokens per run, "
                + rounds + " rounds; each engine in its own JVM; our prefill chunk " + ourPrefillChunk() + " tokens");
        int chunk = prefillChunk == null ? 0 : prefillChunk;
        if (prefillChunk != null) {
            json.put("prefill_chunk", prefillChunk);
        }
        if (sections.contains("single")) {
            single(out, json, path, chunk);
        }
        if (sections.contains("load")) {
            try (WorkerProcess ours = WorkerProcess.start("moi", path, threads, CONTEXT, STREAMS, llamaCpp, chunk)) {
                json.put("long_prompt", longPrompt(out, ours));
                json.put("ttft_under_load", ttftUnderLoad(out, ours));
            }
        }
        if (sections.contains("streams")) {
            try (WorkerProcess ours = WorkerProcess.start("moi", path, threads, CONTEXT, STREAMS, llamaCpp, chunk);
                 WorkerProcess peer = WorkerProcess.start("peer", path, threads, CONTEXT, STREAMS)) {
                json.put("concurrency", concurrency(out, ours, peer));
            }
        }
        if (sections.contains("steps")) {
            try (WorkerProcess ours = WorkerProcess.start("moi", path, threads, CONTEXT, STREAMS, llamaCpp, chunk)) {
                json.put("step_cost", stepCost(out, ours));
            }
        }
        out.println(new ObjectMapper().writeValueAsString(json));
        out.flush();
        return 0;
    }

    /** One stream at a time: both engines side by side, peak RSS, the second turn, grammar against free tokens. */
    private void single(PrintWriter out, Map<String, Object> json, Path path, int chunk) throws Exception {
        // one sequence of CONTEXT tokens each: the same KV cache as the peer's, so peak RSS compares like with like
        try (WorkerProcess ours = WorkerProcess.start("moi", path, threads, CONTEXT, 1, llamaCpp, chunk);
             WorkerProcess peer = WorkerProcess.start("peer", path, threads, CONTEXT, 1)) {
            JsonNode formatted = ours.call(Map.of("op", "prompts", "texts", PROMPTS));
            List<String> prompts = new ArrayList<>();
            formatted.path("prompts").forEach(p -> prompts.add(p.asText()));
            List<Integer> promptTokens = new ArrayList<>();
            formatted.path("tokens").forEach(t -> promptTokens.add(t.asInt()));

            Map<Variant, List<Run>> runs = new EnumMap<>(Variant.class);
            for (Variant v : Variant.values()) {
                runs.put(v, new ArrayList<>());
            }
            log(out, "warm-up...");
            for (Variant v : Variant.values()) {
                run(v, v == Variant.PEER ? peer : ours, prompts.get(0), promptTokens.get(0), 8);
            }
            for (int round = 0; round < rounds; round++) {
                for (int i = 0; i < prompts.size(); i++) {
                    // rotate the order so that no variant always runs first or last
                    for (int k = 0; k < Variant.values().length; k++) {
                        Variant v = Variant.values()[(k + round + i) % Variant.values().length];
                        runs.get(v).add(run(v, v == Variant.PEER ? peer : ours, prompts.get(i), promptTokens.get(i), tokens));
                    }
                }
                log(out, "round " + (round + 1) + "/" + rounds + " done");
            }
            json.put("single_stream", table(out, runs));
            json.put("step_time", stepTimes(out, runs));
            json.put("peak_rss_mib", peakRss(out, ours, peer));
            json.put("second_turn", secondTurn(out, ours));
            json.put("grammar", grammar(out, ours));
        }
    }

    /** Every option is checked before any work: a bad value must not cost minutes of measuring first. */
    void validate() {
        // a rate needs two generated tokens (the first one's time is the TTFT); the prompts take ~100 tokens
        if (tokens < 2 || tokens > CONTEXT / 2) {
            throw new ParameterException(spec.commandLine(), "Invalid value for option '--tokens': must be in [2, "
                    + CONTEXT / 2 + "], was " + tokens);
        }
        if (rounds < 1) {
            throw new ParameterException(spec.commandLine(), "Invalid value for option '--rounds': must be >= 1, was "
                    + rounds);
        }
        try {
            EngineConfig.of(Path.of("model.gguf")).withThreads(threads);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "Invalid value for option '--threads': " + e.getMessage());
        }
        if (llamaCpp != null && !java.nio.file.Files.isDirectory(llamaCpp)) {
            throw new ParameterException(spec.commandLine(), "Invalid value for option '--llama-cpp': " + llamaCpp
                    + " is not a folder (./moi native build prints the folder of a current llama.cpp build)");
        }
        if (prefillChunk != null) {
            try {
                EngineConfig.of(Path.of("model.gguf")).withPrefillChunk(prefillChunk);
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), "Invalid value for option '--prefill-chunk': " + e.getMessage());
            }
        }
        if (sections.isEmpty() || !SECTIONS.containsAll(sections)) {
            throw new ParameterException(spec.commandLine(), "Invalid value for option '--sections': " + sections
                    + " (choose from " + String.join(", ", SECTIONS) + ")");
        }
        if (threads < 1) {
            throw new ParameterException(spec.commandLine(), "Invalid value for option '--threads': must be >= 1, was "
                    + threads);
        }
    }

    private static Run run(Variant variant, WorkerProcess worker, String prompt, int promptTokens, int n) throws Exception {
        return Run.of(worker.call(Map.of("op", "run", "variant", variant.name(), "prompt", prompt,
                "promptTokens", promptTokens, "tokens", n)));
    }

    private Map<String, Object> table(PrintWriter out, Map<Variant, List<Run>> runs) {
        Map<String, Object> result = new LinkedHashMap<>();
        log(out, String.format("%-8s %14s %14s %10s %6s", "variant", "prompt tok/s", "gen tok/s", "TTFT ms", "runs"));
        for (Variant v : Variant.values()) {
            List<Run> list = runs.get(v);
            double prompt = Stats.median(list.stream().mapToDouble(Run::promptTokensPerSecond).toArray());
            double gen = Stats.median(list.stream().mapToDouble(Run::generatedTokensPerSecond).toArray());
            double ttft = Stats.median(list.stream().mapToDouble(Run::ttftMs).toArray());
            log(out, String.format("%-8s %14.1f %14.2f %10.1f %6d", v, prompt, gen, ttft, list.size()));
            result.put(v.name().toLowerCase(), Map.of("prompt_tps", round(prompt), "gen_tps", round(gen), "ttft_ms", round(ttft)));
        }
        // medians of the ratios of runs paired by round and prompt, measured side by side in this run
        double moiOverOff = Stats.medianPairedRatio(runs.get(Variant.MOI), runs.get(Variant.OFF), Run::generatedTokensPerSecond);
        double offOverPeerGen = Stats.medianPairedRatio(runs.get(Variant.OFF), runs.get(Variant.PEER), Run::generatedTokensPerSecond);
        double offOverPeerPrompt = Stats.medianPairedRatio(runs.get(Variant.OFF), runs.get(Variant.PEER), Run::promptTokensPerSecond);
        log(out, String.format("MOI/OFF generated tok/s: %.3f (target >= 0.98)", moiOverOff));
        log(out, String.format("OFF/java-llama.cpp generated tok/s: %.3f (target >= 1.0)", offOverPeerGen));
        log(out, String.format("OFF/java-llama.cpp prompt tok/s: %.3f (target >= 0.95)", offOverPeerPrompt));
        result.put("moi_over_off_gen", round(moiOverOff));
        result.put("off_over_peer_gen", round(offOverPeerGen));
        result.put("off_over_peer_prompt", round(offOverPeerPrompt));
        return result;
    }

    /** Where our generation steps spent their time, per mode: native decode, native sampling, Java. */
    private Map<String, Object> stepTimes(PrintWriter out, Map<Variant, List<Run>> runs) {
        Map<String, Object> result = new LinkedHashMap<>();
        for (Variant v : List.of(Variant.OFF, Variant.MOI, Variant.DIRECT)) {
            List<Run> list = runs.get(v);
            long steps = Math.max(1, list.stream().mapToLong(Run::steps).sum());
            double decode = list.stream().mapToDouble(Run::decodeMs).sum();
            double sample = list.stream().mapToDouble(Run::sampleMs).sum();
            double java = list.stream().mapToDouble(Run::javaMs).sum();
            double total = Math.max(1e-9, decode + sample + java);
            log(out, String.format("step time %-6s: %5.2f ms native decode (%4.1f%%), %4.2f ms native sampling (%3.1f%%), "
                            + "%4.2f ms Java (%4.2f%%: logits copy, MoI mixing, embedding rows, text)%s", v, decode / steps,
                    100 * decode / total, sample / steps, 100 * sample / total, java / steps, 100 * java / total,
                    v == Variant.MOI ? " (target Java <= 2%)" : ""));
            result.put(v.name().toLowerCase() + "_java_share", round(java / total));
            result.put(v.name().toLowerCase() + "_decode_ms", round(decode / steps));
        }
        return result;
    }

    private Map<String, Object> peakRss(PrintWriter out, WorkerProcess ours, WorkerProcess peer) throws Exception {
        JsonNode o = ours.call(Map.of("op", "rss"));
        JsonNode p = peer.call(Map.of("op", "rss"));
        double oursMib = o.path("peak_mib").asDouble();
        double peerMib = p.path("peak_mib").asDouble();
        log(out, String.format("peak RSS after the same runs: ours %.0f MiB, java-llama.cpp %.0f MiB, difference %+.0f MiB "
                + "(target <= +64 MiB)", oursMib, peerMib, oursMib - peerMib));
        logMemory(out, "ours", o);
        logMemory(out, "java-llama.cpp", p);
        return Map.of("ours", round(oursMib), "peer", round(peerMib), "difference", round(oursMib - peerMib));
    }

    private void logMemory(PrintWriter out, String engine, JsonNode rss) {
        log(out, String.format("  %-15s now: %.0f MiB anonymous, %.0f MiB mapped files; Java heap %.0f MiB used of %.0f MiB committed",
                engine, rss.path("anonymous_mib").asDouble(), rss.path("file_mib").asDouble(),
                rss.path("heap_used_mib").asDouble(), rss.path("heap_committed_mib").asDouble()));
    }

    /** Time to first token of a second turn that shares a ~1,000-token prefix with the first. */
    private Map<String, Object> secondTurn(PrintWriter out, WorkerProcess ours) throws Exception {
        JsonNode r = ours.call(Map.of("op", "secondTurn", "rounds", rounds));
        double first = r.path("firstTtftMs").asDouble();
        double second = r.path("secondTtftMs").asDouble();
        log(out, String.format("second turn with a %d-token shared prefix: TTFT %.0f ms vs %.0f ms first turn, ratio %.3f (target <= 0.25)",
                r.path("prefixTokens").asInt(), second, first, second / first));
        return Map.of("prefix_tokens", r.path("prefixTokens").asInt(), "first_ttft_ms", round(first),
                "second_ttft_ms", round(second), "ratio", round(second / first));
    }

    /**
     * Aggregate generated tokens/s of 1, 2, 3 and 4 concurrent streams (medians over the rounds): MoI streams on
     * our engine, standard greedy streams on the peer's server slots, interleaved, both reading every prompt in
     * full (BenchWorker's streams op says why). Two figures each: over the whole run (the prompts' reading
     * included) and the steady rate while all n streams generate. Next to them the bound llama.cpp itself sets:
     * n streams can be at most n x t(1) / t(n) times one stream, where t(n) is the time of one decode step of n
     * inputs; the steady rate is the one to hold against it.
     */
    private Map<String, Object> concurrency(PrintWriter out, WorkerProcess ours, WorkerProcess peer) throws Exception {
        int[] streamCounts = {1, 2, 3, STREAMS};
        List<String> prompts = new ArrayList<>();
        ours.call(Map.of("op", "prompts", "texts", PROMPTS)).path("prompts").forEach(p -> prompts.add(p.asText()));
        for (WorkerProcess w : List.of(ours, peer)) { // warm-up
            w.call(Map.of("op", "streams", "streams", STREAMS, "tokens", 8, "prompts", prompts));
        }
        double[][] oursTps = new double[streamCounts.length][rounds];
        double[][] peerTps = new double[streamCounts.length][rounds];
        double[][] oursSteady = new double[streamCounts.length][rounds];
        double[][] peerSteady = new double[streamCounts.length][rounds];
        JsonNode[] profiles = new JsonNode[streamCounts.length];
        for (int round = 0; round < rounds; round++) {
            for (int i = 0; i < streamCounts.length; i++) {
                Map<String, Object> request = Map.of("op", "streams", "streams", streamCounts[i], "tokens", tokens,
                        "prompts", prompts);
                boolean oursFirst = (round + i) % 2 == 0;
                for (WorkerProcess w : oursFirst ? List.of(ours, peer) : List.of(peer, ours)) {
                    JsonNode reply = w.call(request);
                    (w == ours ? oursTps : peerTps)[i][round] = reply.path("tokensPerSecond").asDouble();
                    (w == ours ? oursSteady : peerSteady)[i][round] = reply.path("steadyTokensPerSecond").asDouble(Double.NaN);
                    if (w == ours && round == rounds - 1) {
                        profiles[i] = reply.path("profile");
                    }
                }
            }
        }
        JsonNode scaling = ours.call(Map.of("op", "stepScaling", "inputs", List.of(1, 2, 3, 4), "steps", tokens,
                "prompts", prompts, "chunks", List.of(0, 16, 32, 64, 128)));
        JsonNode steps = scaling.path("msPerStep");
        double t1 = steps.path("1").asDouble();
        Map<String, Object> result = new LinkedHashMap<>();
        double oursSingle = Stats.median(oursTps[0]);
        double peerSingle = Stats.median(peerTps[0]);
        double oursSteadySingle = Stats.median(oursSteady[0]);
        double peerSteadySingle = Stats.median(peerSteady[0]);
        for (int i = 0; i < streamCounts.length; i++) {
            int n = streamCounts[i];
            double oursMedian = Stats.median(oursTps[i]);
            double peerMedian = Stats.median(peerTps[i]);
            double oursSteadyMedian = Stats.median(oursSteady[i]);
            double peerSteadyMedian = Stats.median(peerSteady[i]);
            double bound = n * t1 / steps.path(String.valueOf(n)).asDouble();
            // llama.cpp's kernels alone, in tokens/s: n tokens per step of n inputs, on the same work as the streams
            double aloneTps = n * 1000 / steps.path(String.valueOf(n)).asDouble();
            log(out, String.format("%d concurrent stream(s): ours (MOI) %6.2f generated tok/s in all = %.2f x one stream; "
                            + "java-llama.cpp %6.2f = %.2f x; ours/java-llama.cpp %.2f%s", n, oursMedian, oursMedian / oursSingle,
                    peerMedian, peerMedian / peerSingle, oursMedian / peerMedian, n == STREAMS ? " (target >= 1.0)" : ""));
            log(out, String.format("  while all %d generate: ours %6.2f tok/s = %.2f x; java-llama.cpp %6.2f = %.2f x; "
                            + "llama.cpp's bound %.2f x; ours/java-llama.cpp %.2f; llama.cpp alone %.2f tok/s, ours/that %.2f%s",
                    n, oursSteadyMedian,
                    oursSteadyMedian / oursSteadySingle, peerSteadyMedian, peerSteadyMedian / peerSteadySingle, bound,
                    oursSteadyMedian / peerSteadyMedian, aloneTps, oursSteadyMedian / aloneTps,
                    n == STREAMS ? " (target >= 0.95)" : ""));
            Map<String, Object> figures = new LinkedHashMap<>();
            figures.put("tps", round(oursMedian));
            figures.put("x_one_stream", round(oursMedian / oursSingle));
            figures.put("peer_tps", round(peerMedian));
            figures.put("peer_x_one_stream", round(peerMedian / peerSingle));
            figures.put("steady_tps", round(oursSteadyMedian));
            figures.put("steady_x_one_stream", round(oursSteadyMedian / oursSteadySingle));
            figures.put("peer_steady_tps", round(peerSteadyMedian));
            figures.put("peer_steady_x_one_stream", round(peerSteadyMedian / peerSteadySingle));
            figures.put("llama_cpp_bound", round(bound));
            figures.put("llama_cpp_tps", round(aloneTps));
            figures.put("steady_over_llama_cpp", round(oursSteadyMedian / aloneTps));
            figures.put("profile", profiles[i]);
            result.put(String.valueOf(n), figures);
        }
        for (int i = 0; i < streamCounts.length; i++) {
            JsonNode p = profiles[i];
            log(out, String.format("  profile, %d stream(s), last round: %.2f inputs per step; per step %.2f ms decode "
                            + "(%.2f ms in steps without prompt tokens; llama.cpp alone: %.2f ms), %.3f ms sampling, "
                            + "%.3f ms logits copies, %.3f ms MoI mixing, "
                            + "%.3f ms text and listeners, %.3f ms other Java; %d prompt steps (%d prompt tokens, %.0f ms "
                            + "decode in all); %.0f ms of the run outside any step", streamCounts[i],
                    p.path("inputsPerStep").asDouble(), p.path("decodeMs").asDouble(),
                    p.path("generationDecodeMs").asDouble(),
                    steps.path(String.valueOf(streamCounts[i])).asDouble(), p.path("sampleMs").asDouble(),
                    p.path("logitsMs").asDouble(), p.path("mixMs").asDouble(), p.path("handOverMs").asDouble(),
                    p.path("otherJavaMs").asDouble(), p.path("promptSteps").asInt(), p.path("promptTokens").asInt(),
                    p.path("promptDecodeMs").asDouble(), p.path("outsideStepsMs").asDouble()));
        }
        StringBuilder line = new StringBuilder("llama.cpp alone, one decode step of n inputs (the streams' prompts, then "
                + tokens + " steps):");
        Map<String, Object> stepMs = new LinkedHashMap<>();
        steps.fields().forEachRemaining(e -> {
            line.append(String.format(" n=%s %.1f ms (%.2f x n=1);", e.getKey(), e.getValue().asDouble(), e.getValue().asDouble() / t1));
            stepMs.put(e.getKey(), round(e.getValue().asDouble()));
        });
        log(out, line.toString());
        result.put("step_ms", stepMs);
        // what a prompt chunk adds to a step of 3 running inputs: the basis of EngineConfig.DEFAULT_PREFILL_CHUNK
        JsonNode chunks = scaling.path("msPerChunkStep");
        double base = chunks.path("0").asDouble();
        StringBuilder chunkLine = new StringBuilder("llama.cpp alone, a step of 3 inputs and a prompt chunk of c tokens:");
        Map<String, Object> chunkMs = new LinkedHashMap<>();
        chunks.fields().forEachRemaining(e -> {
            int c = Integer.parseInt(e.getKey());
            double ms = e.getValue().asDouble();
            chunkLine.append(c == 0 ? String.format(" c=0 %.1f ms;", ms)
                    : String.format(" c=%d %.1f ms (%.2f ms per prompt token);", c, ms, (ms - base) / c));
            chunkMs.put(e.getKey(), round(ms));
        });
        log(out, chunkLine.toString());
        result.put("chunk_step_ms", chunkMs);
        return result;
    }

    /**
     * llama.cpp's decode step alone, by input kind (token ids, or embeddings as MoI feeds them) and by the cells of
     * another sequence in the KV cache (a cached prompt): which of the two makes the engine's steps slower than the
     * bound's.
     */
    private Map<String, Object> stepCost(PrintWriter out, WorkerProcess ours) throws Exception {
        List<Integer> fills = List.of(0, 1000, 3000);
        JsonNode cost = ours.call(Map.of("op", "stepCost", "inputs", List.of(1, STREAMS), "steps", tokens, "fills", fills))
                .path("msPerStep");
        Map<String, Object> result = new LinkedHashMap<>();
        for (int fill : fills) {
            JsonNode f = cost.path(String.valueOf(fill));
            Map<String, Object> kinds = new LinkedHashMap<>();
            for (String kind : List.of("tokens", "embeddings")) {
                JsonNode k = f.path(kind);
                log(out, String.format("llama.cpp alone, %4d other cells in the KV cache, %-10s: 1 input %.1f ms, %d inputs "
                        + "%.1f ms (%.2f x)", fill, kind, k.path("1").asDouble(), STREAMS,
                        k.path(String.valueOf(STREAMS)).asDouble(),
                        k.path(String.valueOf(STREAMS)).asDouble() / k.path("1").asDouble()));
                kinds.put(kind, Map.of("1", round(k.path("1").asDouble()), String.valueOf(STREAMS),
                        round(k.path(String.valueOf(STREAMS)).asDouble())));
            }
            result.put(String.valueOf(fill), kinds);
        }
        return result;
    }

    /** Time to first token of a ~1,000-token prompt arriving while 3 streams run, and their tokens meanwhile. */
    private Map<String, Object> longPrompt(PrintWriter out, WorkerProcess ours) throws Exception {
        List<String> prompts = new ArrayList<>();
        ours.call(Map.of("op", "prompts", "texts", PROMPTS)).path("prompts").forEach(p -> prompts.add(p.asText()));
        double[] ttft = new double[rounds];
        double[] alone = new double[rounds];
        double[] meanwhile = new double[rounds];
        int promptTokens = 0;
        boolean throughout = true;
        for (int r = 0; r < rounds; r++) {
            JsonNode reply = ours.call(Map.of("op", "longPrompt", "running", STREAMS - 1, "prompts", prompts));
            ttft[r] = reply.path("ttftMs").asDouble();
            alone[r] = reply.path("ttftAloneMs").asDouble();
            meanwhile[r] = reply.path("runningTokensMeanwhile").asDouble();
            promptTokens = reply.path("promptTokens").asInt();
            throughout &= reply.path("runningThroughout").asBoolean();
        }
        double t = Stats.median(ttft);
        double a = Stats.median(alone);
        double m = Stats.median(meanwhile);
        log(out, String.format("a %d-token prompt arriving while %d streams run: TTFT %.0f ms (alone %.0f ms); the running "
                        + "streams produced %.0f tokens meanwhile (%.2f tok/s in all); prefill chunk %d%s", promptTokens,
                STREAMS - 1, t, a, m, m / (t / 1000), ourPrefillChunk(),
                throughout ? "" : " (some stream ended before: raise the tokens of the running streams)"));
        return Map.of("prompt_tokens", promptTokens, "running", STREAMS - 1, "ttft_ms", round(t), "ttft_alone_ms", round(a),
                "running_tokens_meanwhile", round(m), "prefill_chunk", ourPrefillChunk());
    }

    /**
     * Time to first token under load: three times as many requests as sequences submitted at once (the rest
     * queue, first come first served); p50/p95 of their TTFTs, next to one generation's time, and fairness: how
     * much longer than its place in the queue implies a request waited (Stats.queueExcessMs), at worst.
     */
    private Map<String, Object> ttftUnderLoad(PrintWriter out, WorkerProcess ours) throws Exception {
        List<String> prompts = new ArrayList<>();
        ours.call(Map.of("op", "prompts", "texts", PROMPTS)).path("prompts").forEach(p -> prompts.add(p.asText()));
        int requests = 3 * STREAMS;
        List<Double> ttfts = new ArrayList<>();
        List<Double> generations = new ArrayList<>();
        double[][] roundTtfts = new double[rounds][requests];
        int sequences = STREAMS;
        for (int r = 0; r < rounds; r++) {
            JsonNode reply = ours.call(Map.of("op", "load", "requests", requests, "tokens", tokens, "prompts", prompts));
            sequences = reply.path("sequences").asInt(STREAMS);
            for (int i = 0; i < requests; i++) {
                roundTtfts[r][i] = reply.path("ttftMs").path(i).asDouble();
                ttfts.add(roundTtfts[r][i]);
            }
            reply.path("generationMs").forEach(v -> generations.add(v.asDouble()));
        }
        double p50 = Stats.percentile(ttfts, 50);
        double p95 = Stats.percentile(ttfts, 95);
        double generation = Stats.percentile(generations, 50);
        log(out, String.format("TTFT under load (%d requests at once on %d sequences, %d tokens each): p50 %.0f ms, p95 %.0f ms; "
                        + "one generation takes %.0f ms (FIFO: the last of them waits about 2 generations)", requests,
                sequences, tokens, p50, p95, generation));
        // fairness: request p waits floor(p / sequences) generations in a FIFO queue; what it waited beyond that
        double worst = Double.NEGATIVE_INFINITY;
        int worstPosition = -1;
        double[] lastExcess = new double[0];
        for (double[] t : roundTtfts) {
            lastExcess = Stats.queueExcessMs(t, sequences, generation);
            for (int i = 0; i < lastExcess.length; i++) {
                if (lastExcess[i] > worst) {
                    worst = lastExcess[i];
                    worstPosition = i;
                }
            }
        }
        StringBuilder perRequest = new StringBuilder();
        for (double e : lastExcess) {
            perRequest.append(perRequest.length() == 0 ? "" : ", ").append(String.format("%.0f", e));
        }
        log(out, String.format("  beyond what the queue order implies (request p waits p/%d generations; the reading of its "
                        + "prompt and of those ahead of it stays in): worst %.0f ms = %.2f generations (request %d; target <= 1); "
                        + "last round, per request in order: %s ms", sequences,
                worst, worst / generation, worstPosition, perRequest));
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("requests", requests);
        result.put("p50_ms", round(p50));
        result.put("p95_ms", round(p95));
        result.put("generation_ms", round(generation));
        result.put("worst_excess_ms", round(worst));
        result.put("worst_excess_generations", round(worst / generation));
        return result;
    }

    /** Generated tokens/s of grammar-constrained answers against the same prompts unconstrained. */
    private Map<String, Object> grammar(PrintWriter out, WorkerProcess ours) throws Exception {
        JsonNode reply = ours.call(Map.of("op", "grammar", "rounds", rounds, "tokens", tokens));
        Map<String, Object> result = new LinkedHashMap<>();
        reply.fields().forEachRemaining(e -> {
            double free = e.getValue().path("freeTps").asDouble();
            double constrained = e.getValue().path("grammarTps").asDouble();
            log(out, String.format("grammar (%s): %.2f tok/s constrained vs %.2f free, ratio %.3f (target >= 0.9); "
                            + "sampling %.2f vs %.2f ms per step", e.getKey(), constrained, free, constrained / free,
                    e.getValue().path("grammarSampleMs").asDouble(), e.getValue().path("freeSampleMs").asDouble()));
            result.put(e.getKey(), Map.of("grammar_tps", round(constrained), "free_tps", round(free),
                    "ratio", round(constrained / free)));
        });
        return result;
    }

    private int ourPrefillChunk() {
        return prefillChunk != null ? prefillChunk : EngineConfig.DEFAULT_PREFILL_CHUNK;
    }

    private void log(PrintWriter out, String line) {
        if (!jsonOnly) {
            out.println(line);
            out.flush();
        }
    }

    private static double round(double v) {
        return Double.isNaN(v) ? v : Math.round(v * 1000) / 1000.0; // NaN (no such figure) stays NaN, not 0
    }
}
