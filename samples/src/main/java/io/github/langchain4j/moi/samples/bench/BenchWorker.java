package io.github.langchain4j.moi.samples.bench;

import io.github.langchain4j.moi.engine.PromptText;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import de.kherud.llama.InferenceParameters;
import de.kherud.llama.LlamaModel;
import de.kherud.llama.LlamaOutput;
import de.kherud.llama.ModelParameters;
import io.github.langchain4j.moi.engine.MoiMode;
import io.github.langchain4j.moi.engine.ChatTurn;
import io.github.langchain4j.moi.engine.DecodeTimings;
import io.github.langchain4j.moi.engine.EngineConfig;
import io.github.langchain4j.moi.engine.GenerationListener;
import io.github.langchain4j.moi.engine.GenerationRequest;
import io.github.langchain4j.moi.engine.GenerationResult;
import io.github.langchain4j.moi.engine.MoiEngine;
import io.github.langchain4j.moi.engine.MoiOptions;
import io.github.langchain4j.moi.engine.SamplingOptions;
import io.github.langchain4j.moi.llamacpp.LoadParams;
import io.github.langchain4j.moi.llamacpp.NativeModel;

import java.io.BufferedReader;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.DoubleSupplier;

/**
 * One engine of {@code moi bench} in a JVM of its own, driven by {@link BenchCommand} one JSON request per
 * line on stdin; each answer is one line on stdout that starts with {@link #REPLY} (llama.cpp may print
 * other lines there).
 *
 * <p>Why a process per engine: the llama.cpp build inside java-llama.cpp's jar runs its CPU kernels on
 * OpenMP (libgomp). With java-llama.cpp's server thread and our decoding thread both driving llama.cpp in
 * one process, libgomp manages more threads than there are cores and stops spin-waiting at its barriers;
 * on the 2-core development machine that made every decode step of both engines 1.5 to 2 times slower.
 * A process each measures each engine as a user would run it, and gives each its own peak RSS.
 */
public final class BenchWorker {

    /** The prefix of protocol lines on the worker's stdout. */
    static final String REPLY = "@@bench ";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String engineKind;
    private final Path model;
    private final int threads;
    private final int contextSize;
    private final int sequences;
    /** The llama.cpp argument that names the bundled b4916 (a prefill chunk may follow it). */
    static final String BUNDLED = "-";

    private final Path llamaCpp; // our engine's current llama.cpp build, null for the bundled b4916
    private final int prefillChunk; // our engine's, 0 for its default
    private MoiEngine engine;
    private LlamaModel peer;

    private BenchWorker(String engineKind, Path model, int threads, int contextSize, int sequences, Path llamaCpp,
                        int prefillChunk) {
        this.engineKind = engineKind;
        this.llamaCpp = llamaCpp;
        this.prefillChunk = prefillChunk;
        this.model = model;
        this.threads = threads;
        this.contextSize = contextSize;
        this.sequences = sequences;
    }

    /**
     * Arguments: {@code moi|peer MODEL THREADS CONTEXT SEQUENCES [LLAMA_CPP_FOLDER|- [PREFILL_CHUNK]]} ({@code -}:
     * the bundled b4916).
     */
    public static void main(String[] args) throws Exception {
        PrintStream protocol = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
        System.setOut(System.err); // stray prints must not mix with the protocol
        if (args.length < 5 || args.length > 7) {
            protocol.println(REPLY + JSON.writeValueAsString(Map.of("error",
                    "usage: moi|peer MODEL THREADS CONTEXT SEQUENCES [LLAMA_CPP_FOLDER|- [PREFILL_CHUNK]]")));
            System.exit(2);
        }
        Path llamaCpp = args.length >= 6 && !args[5].equals(BUNDLED) ? Path.of(args[5]) : null;
        BenchWorker worker = new BenchWorker(args[0], Path.of(args[1]), Integer.parseInt(args[2]),
                Integer.parseInt(args[3]), Integer.parseInt(args[4]), llamaCpp,
                args.length == 7 ? Integer.parseInt(args[6]) : 0);
        int status = 0;
        try {
            worker.load();
            protocol.println(REPLY + JSON.writeValueAsString(Map.of("ready", true)));
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            for (String line; (line = in.readLine()) != null; ) {
                JsonNode request = JSON.readTree(line);
                String op = request.path("op").asText();
                if (op.equals("exit")) {
                    break;
                }
                Object reply;
                try {
                    reply = worker.handle(op, request);
                } catch (RuntimeException e) {
                    reply = Map.of("error", op + ": " + e);
                }
                protocol.println(REPLY + JSON.writeValueAsString(reply));
            }
        } catch (RuntimeException e) {
            protocol.println(REPLY + JSON.writeValueAsString(Map.of("error", "load: " + e)));
            status = 1;
        } finally {
            worker.close();
        }
        // java-llama.cpp leaves a non-daemon native thread behind after close(): end the JVM explicitly
        System.exit(status);
    }

    private void load() {
        if (engineKind.equals("peer")) {
            // the server's slots share one KV cache of n_ctx cells: give each slot a full context, as ours has
            peer = new LlamaModel(new ModelParameters().setModel(model.toString()).setCtxSize(contextSize * sequences)
                    .setParallel(sequences).setThreads(threads).setThreadsBatch(threads).setGpuLayers(0));
        } else {
            EngineConfig config = EngineConfig.of(model).withContextSize(contextSize).withThreads(threads)
                    .withMaxSequences(sequences).withLlamaCppPath(llamaCpp);
            engine = MoiEngine.load(prefillChunk > 0 ? config.withPrefillChunk(prefillChunk) : config);
        }
    }

    private Object handle(String op, JsonNode request) throws Exception {
        return switch (op) {
            case "prompts" -> prompts(request);
            case "run" -> run(request);
            case "secondTurn" -> secondTurn(request.path("rounds").asInt(1));
            case "streams" -> streams(request);
            case "stepScaling" -> stepScaling(request);
            case "stepCost" -> stepCost(request);
            case "longPrompt" -> longPrompt(request);
            case "load" -> load(request);
            case "grammar" -> grammar(request);
            case "rss" -> Map.of("peak_mib", Rss.peakMib(), "current_mib", Rss.currentMib(),
                    "anonymous_mib", Rss.anonymousMib(), "file_mib", Rss.fileMib(),
                    "heap_used_mib", (Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory()) / 1048576.0,
                    "heap_committed_mib", Runtime.getRuntime().totalMemory() / 1048576.0);
            default -> throw new IllegalArgumentException("unknown op '" + op + "'");
        };
    }

    /** The chat-formatted prompts and their token counts (the peer gets the very same text). */
    private Object prompts(JsonNode request) {
        List<String> formatted = new ArrayList<>();
        List<Integer> counts = new ArrayList<>();
        for (JsonNode text : request.path("texts")) {
            PromptText prompt = engine().applyChatTemplate(List.of(new ChatTurn("user", text.asText())), true);
            formatted.add(prompt.asString());
            counts.add(engine().countTokens(prompt));
        }
        return Map.of("prompts", formatted, "tokens", counts);
    }

    /** One greedy generation: prompt tokens, generated tokens, time to first token, total time, step times. */
    private Object run(JsonNode request) {
        String prompt = request.path("prompt").asText();
        int tokens = request.path("tokens").asInt();
        int promptTokens = request.path("promptTokens").asInt();
        String variant = request.path("variant").asText();
        if (variant.equals("PEER")) {
            return runPeer(prompt, tokens, promptTokens);
        }
        MoiMode mode = MoiMode.valueOf(variant);
        DecodeTimings before = engine().timings();
        long start = System.nanoTime();
        FirstText first = new FirstText();
        // the bench's own texts, formatted by prompts(): the markup travels as a string (the peer gets it too)
        GenerationResult result = engine().generate(GenerationRequest.of(PromptText.markup(prompt), SamplingOptions.GREEDY,
                new MoiOptions(mode, 1.0, MoiOptions.DEFAULTS.mixTopK()), tokens), first);
        long end = System.nanoTime();
        DecodeTimings after = engine().timings();
        Map<String, Object> reply = runReply(result.promptTokens(), result.outputTokens(), start, first.nanos, end);
        reply.put("steps", after.steps() - before.steps());
        reply.put("decodeMs", (after.decodeNanos() - before.decodeNanos()) / 1e6);
        reply.put("sampleMs", (after.sampleNanos() - before.sampleNanos()) / 1e6);
        reply.put("javaMs", (after.javaNanos() - before.javaNanos()) / 1e6);
        return reply;
    }

    private Object runPeer(String prompt, int tokens, int promptTokens) {
        InferenceParameters params = new InferenceParameters(prompt).setTemperature(0f).setNPredict(tokens)
                .setCachePrompt(false);
        long start = System.nanoTime();
        long first = 0;
        int count = 0;
        for (LlamaOutput output : peer().generate(params)) {
            if (output.text.isEmpty()) { // the server's closing output carries no text: no token (ours counts tokens)
                continue;
            }
            if (first == 0) {
                first = System.nanoTime();
            }
            count++;
        }
        return runReply(promptTokens, count, start, first, System.nanoTime());
    }

    private int generatedByPeer(String prompt, int tokens, boolean cachePrompt, TokenTimes times) {
        for (LlamaOutput output : peer().generate(new InferenceParameters(prompt).setTemperature(0f).setNPredict(tokens)
                .setCachePrompt(cachePrompt))) {
            if (!output.text.isEmpty()) { // the server's closing output may carry no text: it is no token
                times.onText(output.text);
            } else {
                times.empty++;
            }
        }
        return times.count;
    }

    private static Map<String, Object> runReply(int promptTokens, int generated, long start, long first, long end) {
        Map<String, Object> reply = new LinkedHashMap<>();
        reply.put("promptTokens", promptTokens);
        reply.put("generated", generated);
        reply.put("ttftMs", first == 0 ? Double.NaN : (first - start) / 1e6);
        reply.put("totalMs", (end - start) / 1e6);
        return reply;
    }

    /** Time to first token of a second turn that shares a ~1,000-token prefix with the first. */
    private Object secondTurn(int rounds) {
        double[] firsts = new double[rounds];
        double[] seconds = new double[rounds];
        int prefix = 0;
        for (int r = 0; r < rounds; r++) {
            // a system prompt that no earlier round cached, so the first turn is decoded cold
            String system = "Session " + r + ". You are a careful assistant for a software team. "
                    + "Follow the team's coding rules: write small methods, name things clearly, test everything. ".repeat(60);
            List<ChatTurn> first = List.of(new ChatTurn("system", system), new ChatTurn("user", "Summarize the rules in one line."));
            PromptText p1 = engine().applyChatTemplate(first, true);
            List<ChatTurn> second = new ArrayList<>(first);
            second.add(new ChatTurn("assistant", "Small methods, clear names, tests."));
            second.add(new ChatTurn("user", "Give one example of a clear name."));
            PromptText p2 = engine().applyChatTemplate(second, true);
            firsts[r] = ttft(p1);
            seconds[r] = ttft(p2);
            prefix = engine().countTokens(p1);
        }
        return Map.of("prefixTokens", prefix, "firstTtftMs", Stats.median(firsts), "secondTtftMs", Stats.median(seconds));
    }

    private double ttft(PromptText prompt) {
        long start = System.nanoTime();
        FirstText first = new FirstText();
        engine().generate(GenerationRequest.of(prompt, SamplingOptions.GREEDY, MoiOptions.DEFAULTS, 4), first);
        return (first.nanos - start) / 1e6;
    }

    /** Notes when the first text of a generation arrives (its time to first token). */
    private static final class FirstText implements GenerationListener {
        long nanos; // 0 until then; set on the decoding thread, read after generate() returned (which orders the two)

        @Override
        public void onText(String text) {
            if (nanos == 0) {
                nanos = System.nanoTime();
            }
        }
    }

    /**
     * Aggregate generated tokens/s of concurrent streams, stream s on prompt s, all started at once: MoI
     * streams on our engine, standard greedy streams on the peer's server slots. Two figures: all generated
     * tokens over the whole time (each stream's prefill included), and the steady rate while all n streams
     * generate (the tokens that arrive after the last stream's first token and up to the first stream's end),
     * which is what llama.cpp's bound n x t(1) / t(n) speaks of.
     *
     * <p>Both engines read every prompt in full: the peer's server would otherwise reuse the whole prompt of
     * its slot's last request (its {@code cache_prompt} is on by default) and decode one token where ours,
     * whose prompt cache keeps whole blocks of {@link EngineConfig#prefillChunk()} tokens only, decodes the
     * bench's ~50-token prompts again; {@code peerCachePrompt: true} measures the peer that way.
     */
    private Object streams(JsonNode request) throws Exception {
        int streams = request.path("streams").asInt();
        int tokens = request.path("tokens").asInt();
        boolean peerCachePrompt = request.path("peerCachePrompt").asBoolean(false);
        List<String> prompts = new ArrayList<>();
        request.path("prompts").forEach(p -> prompts.add(p.asText()));
        ExecutorService pool = Executors.newFixedThreadPool(streams);
        DecodeTimings before = engine != null ? engine.timings() : null;
        try {
            long[][] arrivals = new long[streams][]; // per stream, the time of each token's text
            List<TokenTimes> all = new ArrayList<>();
            long start = System.nanoTime();
            List<Future<Integer>> futures = new ArrayList<>();
            for (int s = 0; s < streams; s++) {
                String prompt = prompts.get(s % prompts.size());
                TokenTimes times = new TokenTimes(tokens);
                all.add(times);
                arrivals[s] = times.nanos;
                if (peer != null) {
                    futures.add(pool.submit(() -> generatedByPeer(prompt, tokens, peerCachePrompt, times)));
                } else {
                    GenerationRequest r = GenerationRequest.of(PromptText.markup(prompt), SamplingOptions.GREEDY, MoiOptions.DEFAULTS, tokens);
                    futures.add(pool.submit(() -> {
                        engine().generate(r, times);
                        return times.count;
                    }));
                }
            }
            int[] counts = new int[streams];
            int total = 0;
            for (int s = 0; s < streams; s++) {
                counts[s] = futures.get(s).get();
                total += counts[s];
            }
            long end = System.nanoTime();
            Map<String, Object> reply = new LinkedHashMap<>();
            reply.put("generated", total);
            reply.put("tokensPerSecond", total / ((end - start) / 1e9));
            reply.put("steadyTokensPerSecond", steadyRate(arrivals, counts));
            // when the last stream had its first token: the prompts' reading (and the queue) before all generate
            reply.put("allStartedMs", Arrays.stream(arrivals).mapToLong(a -> a[0]).max().orElse(start) / 1e6 - start / 1e6);
            reply.put("outputsWithoutText", all.stream().mapToInt(t -> t.empty).sum());
            if (engine != null) {
                DecodeTimings t = engine.timings().minus(before);
                Map<String, Object> profile = profile(t);
                // the wall time that no step accounts for: queueing, admission, the first hand-over to the thread
                profile.put("outsideStepsMs", ((end - start) - t.decodeNanos() - t.sampleNanos() - t.javaNanos()) / 1e6);
                reply.put("profile", profile);
            }
            return reply;
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * Tokens/s while every stream generates: the tokens that arrive after the last stream's first token, up to
     * the first stream's last token, over that time (NaN when no such stretch exists). For one stream this is
     * the single-stream rate after the first token.
     */
    static double steadyRate(long[][] arrivals, int[] counts) {
        long from = Long.MIN_VALUE;
        long to = Long.MAX_VALUE;
        int[] known = new int[arrivals.length]; // the arrivals noted of each stream
        for (int s = 0; s < arrivals.length; s++) {
            known[s] = Math.min(counts[s], arrivals[s].length);
            if (known[s] < 2) {
                return Double.NaN;
            }
            from = Math.max(from, arrivals[s][0]);
            to = Math.min(to, arrivals[s][known[s] - 1]);
        }
        if (to <= from) {
            return Double.NaN;
        }
        int inside = 0;
        for (int s = 0; s < arrivals.length; s++) {
            for (int i = 0; i < known[s]; i++) {
                if (arrivals[s][i] > from && arrivals[s][i] <= to) {
                    inside++;
                }
            }
        }
        return inside / ((to - from) / 1e9);
    }

    /** The arrival time of each piece of text of one generation (a piece per token, for both engines' greedy text). */
    private static final class TokenTimes implements GenerationListener {
        final long[] nanos;
        int empty; // the peer's outputs without text (not counted)
        int count; // written by one thread at a time (the decoding thread, or the peer's caller), read after the end

        TokenTimes(int capacity) {
            nanos = new long[capacity + 1];
        }

        @Override
        public void onText(String text) {
            if (count < nanos.length) {
                nanos[count] = System.nanoTime();
            }
            count++;
        }
    }

    /**
     * What llama.cpp alone allows: the mean time of one decode step of n inputs (tokens of n sequences, logits for
     * each), with no sampling and no MoI, over the work of the streams bench: each sequence reads its prompt of the
     * bench (not timed), then {@code steps} steps, so that the KV cache grows as the streams' does. Closes the engine
     * first, so that only this thread drives llama.cpp; must be the worker's last measurement.
     */
    private Object stepScaling(JsonNode request) {
        engine().close();
        int steps = request.path("steps").asInt(20);
        List<Integer> sizes = new ArrayList<>();
        request.path("inputs").forEach(n -> sizes.add(n.asInt()));
        List<String> texts = new ArrayList<>();
        request.path("prompts").forEach(p -> texts.add(p.asText()));
        if (texts.isEmpty()) {
            throw new IllegalArgumentException("stepScaling needs the streams' prompts");
        }
        int maxInputs = sizes.stream().mapToInt(Integer::intValue).max().orElse(1);
        Map<String, Object> msPerStep = new LinkedHashMap<>();
        Map<String, Object> msPerChunkStep = new LinkedHashMap<>();
        try (NativeModel m = NativeModel.load(LoadParams.of(model).withContextSize(contextSize).withThreads(threads)
                .withSequences(maxInputs).withLlamaCppPath(llamaCpp))) {
            int[][] prompts = new int[maxInputs][];
            for (int s = 0; s < maxInputs; s++) { // the streams' prompts, markup and all, as the engine reads them
                prompts[s] = m.tokenize(texts.get(s % texts.size()), false, true);
            }
            float[] logits = new float[m.vocabSize()];
            for (int n : sizes) {
                msPerStep.put(String.valueOf(n), warmMedian(
                        () -> measureStreamSteps(m, n, prompts, Math.min(3, steps), logits),
                        () -> measureStreamSteps(m, n, prompts, steps, logits)));
            }
            int[] prompt = prompts[0];
            m.clearCache();
            for (int s = 0; s < maxInputs; s++) {
                m.decodeTokens(prompt, 0, prompt.length, 0, s);
            }
            // the prefill chunk's price: a step of maxInputs - 1 running inputs and c prompt tokens of the last sequence
            int[] longPrompt = new int[512];
            for (int i = 0; i < longPrompt.length; i++) {
                longPrompt[i] = prompt[i % prompt.length];
            }
            for (JsonNode c : request.path("chunks")) {
                int chunk = c.asInt();
                msPerChunkStep.put(String.valueOf(chunk), warmMedian(
                        () -> measureChunkSteps(m, maxInputs - 1, prompt.length, chunk, longPrompt, 2),
                        () -> measureChunkSteps(m, maxInputs - 1, prompt.length, chunk, longPrompt, Math.max(2, steps / 4))));
            }
        }
        return Map.of("msPerStep", msPerStep, "msPerChunkStep", msPerChunkStep);
    }

    /**
     * Where llama.cpp's step time goes beyond the bound's measurement: one decode step of n inputs fed as token ids or
     * as embeddings ({@code batch.embd}, MoI's path), with the KV cache holding F cells of another sequence next to the
     * n short prompts (what the engine's cached prompts add to every step's attention), in a context of the engine's
     * size. Closes the engine first; must be the worker's last measurement.
     */
    private Object stepCost(JsonNode request) {
        engine().close();
        int steps = request.path("steps").asInt(20);
        List<Integer> sizes = new ArrayList<>();
        request.path("inputs").forEach(n -> sizes.add(n.asInt()));
        List<Integer> fills = new ArrayList<>();
        request.path("fills").forEach(f -> fills.add(f.asInt()));
        int maxInputs = sizes.stream().mapToInt(Integer::intValue).max().orElse(1);
        int filler = maxInputs; // the sequence that holds the other cells
        Map<String, Object> byFill = new LinkedHashMap<>();
        try (NativeModel m = NativeModel.load(LoadParams.of(model).withContextSize(contextSize).withThreads(threads)
                .withSequences(maxInputs + 1).withLlamaCppPath(llamaCpp))) {
            int[] prompt = m.tokenize("Write a Java class that implements a thread-safe LRU cache, with comments.", true, false);
            float[][] rows = new float[maxInputs][];
            for (int i = 0; i < maxInputs; i++) {
                rows[i] = m.embeddingRow(1000 + i);
            }
            float[] logits = new float[m.vocabSize()];
            for (int fill : fills) {
                m.clearCache();
                for (int s = 0; s < maxInputs; s++) {
                    m.decodeTokens(prompt, 0, prompt.length, 0, s);
                }
                int[] other = new int[fill];
                for (int i = 0; i < fill; i++) {
                    other[i] = prompt[i % prompt.length];
                }
                for (int from = 0; from < fill; from += m.batchSize()) {
                    m.decodeTokens(other, from, Math.min(m.batchSize(), fill - from), from, filler);
                }
                Map<String, Object> byKind = new LinkedHashMap<>();
                for (boolean embeddings : new boolean[]{false, true}) {
                    Map<String, Object> byInputs = new LinkedHashMap<>();
                    float[][] inputRows = embeddings ? rows : null;
                    for (int n : sizes) {
                        byInputs.put(String.valueOf(n), warmMedian(
                                () -> measureSteps(m, n, prompt.length, 3, logits, inputRows),
                                () -> measureSteps(m, n, prompt.length, steps, logits, inputRows)));
                    }
                    byKind.put(embeddings ? "embeddings" : "tokens", byInputs);
                }
                byFill.put(String.valueOf(fill), byKind);
            }
        }
        return Map.of("msPerStep", byFill);
    }

    /** A step measurement's figure: one short run to warm up, then the median of three timed runs. */
    private static double warmMedian(DoubleSupplier warmUp, DoubleSupplier timed) {
        warmUp.getAsDouble();
        double[] times = new double[3];
        for (int rep = 0; rep < times.length; rep++) {
            times[rep] = timed.getAsDouble();
        }
        return Stats.median(times);
    }

    /** Steps of {@code running} single inputs (sequences 0..running-1) next to a prompt chunk of sequence {@code running}. */
    private static double measureChunkSteps(NativeModel m, int running, int pos0, int chunk, int[] longPrompt, int steps) {
        long start = System.nanoTime();
        for (int k = 0; k < steps; k++) {
            m.batchBegin(false);
            for (int i = 0; i < running; i++) {
                m.batchToken(i, pos0 + k, 1000 + i, true);
            }
            if (chunk > 0) { // each step a chunk at positions 0.. again: consecutive positions within the context
                m.trimCache(running, 0);
                m.batchPrompt(running, 0, longPrompt, 0, chunk, false);
            }
            m.batchDecode();
        }
        double ms = (System.nanoTime() - start) / 1e6 / steps;
        for (int i = 0; i <= running; i++) {
            m.trimCache(i, i < running ? pos0 : 0);
        }
        return ms;
    }

    /** From an empty cache: sequences 0..n-1 read their prompts, then {@code steps} timed steps of one input each. */
    private static double measureStreamSteps(NativeModel m, int n, int[][] prompts, int steps, float[] logits) {
        m.clearCache();
        int[] seqs = new int[n];
        int[] positions = new int[n];
        int[] tokens = new int[n];
        for (int i = 0; i < n; i++) {
            m.decodeTokens(prompts[i], 0, prompts[i].length, 0, i);
            seqs[i] = i;
            tokens[i] = 1000 + i;
        }
        long start = System.nanoTime();
        for (int k = 0; k < steps; k++) {
            for (int i = 0; i < n; i++) {
                positions[i] = prompts[i].length + k;
            }
            m.decodeStep(n, seqs, positions, tokens, null);
            for (int i = 0; i < n; i++) {
                m.readLogits(i, logits);
            }
        }
        return (System.nanoTime() - start) / 1e6 / steps;
    }

    /** Steps of one input for each of sequences 0..n-1: token ids, or the rows given ({@code batch.embd}). */
    private static double measureSteps(NativeModel m, int n, int pos0, int steps, float[] logits, float[][] rows) {
        int[] seqs = new int[n];
        int[] positions = new int[n];
        int[] tokens = new int[n];
        long start = System.nanoTime();
        for (int k = 0; k < steps; k++) {
            for (int i = 0; i < n; i++) {
                seqs[i] = i;
                positions[i] = pos0 + k;
                tokens[i] = 1000 + i;
            }
            m.decodeStep(n, seqs, positions, rows == null ? tokens : null, rows);
            for (int i = 0; i < n; i++) {
                m.readLogits(i, logits);
            }
        }
        double ms = (System.nanoTime() - start) / 1e6 / steps;
        for (int i = 0; i < n; i++) {
            m.trimCache(i, pos0);
        }
        return ms;
    }

    /** Per-step figures of a stretch of decoding: where a step's time goes, and how many inputs it carried. */
    static Map<String, Object> profile(DecodeTimings t) {
        Map<String, Object> p = new LinkedHashMap<>();
        double steps = Math.max(1, t.steps());
        double other = t.javaNanos() - t.logitsNanos() - t.mixNanos() - t.handOverNanos();
        p.put("steps", t.steps());
        p.put("inputsPerStep", t.inputs() / steps);
        p.put("promptSteps", t.promptSteps());
        p.put("promptTokens", t.promptTokens());
        p.put("promptDecodeMs", t.promptDecodeNanos() / 1e6); // in all, part of decodeMs
        p.put("decodeMs", t.decodeNanos() / 1e6 / steps);
        // the steps that carried no prompt tokens: what llama.cpp's bound measures
        p.put("generationDecodeMs", (t.decodeNanos() - t.promptDecodeNanos()) / 1e6 / Math.max(1, t.steps() - t.promptSteps()));
        p.put("sampleMs", t.sampleNanos() / 1e6 / steps);
        p.put("logitsMs", t.logitsNanos() / 1e6 / steps);
        p.put("mixMs", t.mixNanos() / 1e6 / steps);
        p.put("handOverMs", t.handOverNanos() / 1e6 / steps);
        p.put("otherJavaMs", other / 1e6 / steps);
        return p;
    }

    /** A system prompt of about 1,000 tokens that no earlier request cached (the nonce comes first). */
    private PromptText longPrompt(String nonce) {
        String system = "Session " + nonce + ". You are a careful assistant for a software team. "
                + "Follow the team's coding rules: write small methods, name things clearly, test everything. ".repeat(60);
        return engine().applyChatTemplate(List.of(new ChatTurn("system", system),
                new ChatTurn("user", "Summarize the rules in one line.")), true);
    }

    /**
     * Time to first token of a ~1,000-token prompt that arrives while {@code running} streams generate, how many
     * tokens those streams produced meanwhile, and the same prompt's time to first token alone.
     */
    private Object longPrompt(JsonNode request) throws Exception {
        int running = request.path("running").asInt(3);
        List<String> prompts = new ArrayList<>();
        request.path("prompts").forEach(p -> prompts.add(p.asText()));
        double alone = ttft(longPrompt("alone " + System.nanoTime()));
        PromptText prompt = longPrompt("loaded " + System.nanoTime());
        AtomicInteger produced = new AtomicInteger();
        CountDownLatch started = new CountDownLatch(running);
        List<CompletableFuture<GenerationResult>> streams = new ArrayList<>();
        for (int s = 0; s < running; s++) {
            // long enough to outlast the prompt's reading; cancelled after
            GenerationRequest r = GenerationRequest.of(PromptText.markup(prompts.get(s % prompts.size())),
                    SamplingOptions.GREEDY, MoiOptions.DEFAULTS, CONTEXT_FOR_STREAMS);
            streams.add(engine().submit(r, new GenerationListener() {
                boolean first = true;

                @Override
                public void onText(String text) {
                    produced.incrementAndGet();
                    if (first) {
                        first = false;
                        started.countDown();
                    }
                }
            }));
        }
        try {
            if (!started.await(10, TimeUnit.MINUTES)) {
                throw new IllegalStateException("the running streams did not start");
            }
            Thread.sleep(500); // let them run at their own pace first
            int atStart = produced.get();
            long start = System.nanoTime();
            AtomicInteger atFirst = new AtomicInteger(-1);
            long[] firstNanos = new long[1];
            engine().generate(GenerationRequest.of(prompt, SamplingOptions.GREEDY, MoiOptions.DEFAULTS, 4),
                    new GenerationListener() {
                        @Override
                        public void onText(String text) {
                            if (atFirst.compareAndSet(-1, produced.get())) {
                                firstNanos[0] = System.nanoTime();
                            }
                        }
                    });
            boolean allRan = streams.stream().noneMatch(CompletableFuture::isDone);
            Map<String, Object> reply = new LinkedHashMap<>();
            reply.put("promptTokens", engine().countTokens(prompt));
            reply.put("running", running);
            reply.put("ttftAloneMs", alone);
            reply.put("ttftMs", (firstNanos[0] - start) / 1e6);
            reply.put("runningTokensMeanwhile", atFirst.get() - atStart);
            reply.put("runningThroughout", allRan);
            return reply;
        } finally {
            streams.forEach(f -> f.cancel(true));
            while (engine().activeSequences() > 0) {
                Thread.sleep(10);
            }
        }
    }

    /** Tokens a running stream may generate in the long-prompt measurement (ours have CONTEXT tokens each). */
    private static final int CONTEXT_FOR_STREAMS = 2000;

    /**
     * Time to first token under load: {@code requests} requests submitted at once to a full engine (more than
     * its sequences, so the rest queue), each generating {@code tokens}; per request its TTFT and total time.
     */
    private Object load(JsonNode request) throws Exception {
        int requests = request.path("requests").asInt();
        int tokens = request.path("tokens").asInt();
        List<String> prompts = new ArrayList<>();
        request.path("prompts").forEach(p -> prompts.add(p.asText()));
        double[] ttft = new double[requests];
        double[] generation = new double[requests];
        List<CompletableFuture<GenerationResult>> futures = new ArrayList<>();
        long[] first = new long[requests];
        long start = System.nanoTime();
        for (int i = 0; i < requests; i++) {
            int index = i;
            GenerationRequest r = GenerationRequest.of(PromptText.markup(prompts.get(i % prompts.size())),
                    SamplingOptions.GREEDY, MoiOptions.DEFAULTS, tokens);
            futures.add(engine().submit(r, new GenerationListener() {
                @Override
                public void onText(String text) {
                    if (first[index] == 0) {
                        first[index] = System.nanoTime();
                    }
                }
            }).thenApply(result -> {
                generation[index] = (System.nanoTime() - first[index]) / 1e6;
                return result;
            }));
        }
        for (CompletableFuture<GenerationResult> f : futures) {
            f.get();
        }
        for (int i = 0; i < requests; i++) {
            ttft[i] = first[i] == 0 ? Double.NaN : (first[i] - start) / 1e6; // NaN: no text at all
        }
        return Map.of("ttftMs", ttft, "generationMs", generation, "sequences", engine().maxSequences());
    }

    /** A JSON object answer, the whitespace as the adapter's JSON schema grammars allow it. */
    static final String JSON_GRAMMAR = String.join("\n",
            "root ::= \"{\" ws \"\\\"name\\\"\" ws \":\" ws string \",\" ws \"\\\"language\\\"\" ws \":\" ws string "
                    + "\",\" ws \"\\\"year\\\"\" ws \":\" ws integer \",\" ws \"\\\"features\\\"\" ws \":\" ws "
                    + "\"[\" ws ( string ws ( \",\" ws string ws )* )? \"]\" ws \"}\"",
            "string ::= \"\\\"\" ( [^\"\\\\\\x7F\\x00-\\x1F] | \"\\\\\" [\"\\\\/bfnrt] )* \"\\\"\"",
            "integer ::= \"-\"? [0-9]+",
            "ws ::= | \" \" | \"\\n\" [ \\t]{0,20}");

    /** A Qwen-style tool call: the tag, then the call as JSON. */
    static final String TOOL_GRAMMAR = String.join("\n",
            "root ::= \"<tool_call>\\n{\\\"name\\\": \\\"get_weather\\\", \\\"arguments\\\": {\\\"city\\\": \" string "
                    + "\", \\\"unit\\\": \" ( \"\\\"celsius\\\"\" | \"\\\"fahrenheit\\\"\" ) \"}}\\n</tool_call>\"",
            "string ::= \"\\\"\" ( [^\"\\\\\\x7F\\x00-\\x1F] | \"\\\\\" [\"\\\\/bfnrt] )* \"\\\"\"");

    /**
     * Generated tokens/s of a grammar-constrained answer against the same prompt unconstrained, run
     * alternately: a JSON object answer and a tool call.
     */
    private Object grammar(JsonNode request) {
        int rounds = request.path("rounds").asInt(3);
        int tokens = request.path("tokens").asInt(64);
        Map<String, Object> reply = new LinkedHashMap<>();
        Map<String, String[]> cases = new LinkedHashMap<>();
        cases.put("json", new String[]{JSON_GRAMMAR, "Describe the Java programming language as a JSON object with "
                + "the fields name, language, year and features (a list of strings)."});
        cases.put("tool", new String[]{TOOL_GRAMMAR, "What is the weather in Paris? Call the get_weather tool."});
        for (Map.Entry<String, String[]> c : cases.entrySet()) {
            PromptText prompt = engine().applyChatTemplate(List.of(new ChatTurn("user", c.getValue()[1])), true);
            double[] free = new double[rounds];
            double[] constrained = new double[rounds];
            double[] freeSample = new double[rounds];
            double[] constrainedSample = new double[rounds];
            int constrainedTokens = 0;
            for (int r = 0; r < rounds; r++) {
                double[] f = tokensPerSecond(prompt, null, tokens);
                free[r] = f[0];
                freeSample[r] = f[2];
                double[] g = tokensPerSecond(prompt, c.getValue()[0], tokens);
                constrained[r] = g[0];
                constrainedTokens = (int) g[1];
                constrainedSample[r] = g[2];
            }
            reply.put(c.getKey(), Map.of("freeTps", Stats.median(free), "grammarTps", Stats.median(constrained),
                    "grammarTokens", constrainedTokens, "freeSampleMs", Stats.median(freeSample),
                    "grammarSampleMs", Stats.median(constrainedSample)));
        }
        return reply;
    }

    /** Generated tokens/s after the first token, the tokens generated, and sampling ms per step. */
    private double[] tokensPerSecond(PromptText prompt, String grammar, int tokens) {
        DecodeTimings before = engine().timings();
        FirstText first = new FirstText();
        GenerationResult result = engine().generate(new GenerationRequest(prompt, SamplingOptions.GREEDY,
                MoiOptions.DEFAULTS, tokens, List.of(), grammar, false), first);
        long end = System.nanoTime();
        DecodeTimings t = engine().timings().minus(before);
        return new double[]{(result.outputTokens() - 1) / ((end - first.nanos) / 1e9), result.outputTokens(),
                t.sampleNanos() / 1e6 / Math.max(1, t.steps())};
    }

    private MoiEngine engine() {
        if (engine == null) {
            throw new IllegalStateException("this worker runs java-llama.cpp, not our engine");
        }
        return engine;
    }

    private LlamaModel peer() {
        if (peer == null) {
            throw new IllegalStateException("this worker runs our engine, not java-llama.cpp");
        }
        return peer;
    }

    private void close() {
        if (engine != null) {
            engine.close();
        }
        if (peer != null) {
            peer.close();
        }
    }
}
