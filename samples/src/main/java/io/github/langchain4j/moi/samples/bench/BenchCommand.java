package io.github.langchain4j.moi.samples.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import de.kherud.llama.InferenceParameters;
import de.kherud.llama.LlamaModel;
import de.kherud.llama.LlamaOutput;
import de.kherud.llama.ModelParameters;
import io.github.langchain4j.moi.MoiMode;
import io.github.langchain4j.moi.engine.ChatTurn;
import io.github.langchain4j.moi.engine.DecodeTimings;
import io.github.langchain4j.moi.engine.EngineConfig;
import io.github.langchain4j.moi.engine.GenerationListener;
import io.github.langchain4j.moi.engine.GenerationRequest;
import io.github.langchain4j.moi.engine.GenerationResult;
import io.github.langchain4j.moi.engine.MoiEngine;
import io.github.langchain4j.moi.engine.MoiOptions;
import io.github.langchain4j.moi.engine.SamplingOptions;
import io.github.langchain4j.moi.llamacpp.NativeLibrary;
import io.github.langchain4j.moi.model.KnownModel;
import io.github.langchain4j.moi.model.ModelCache;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * {@code moi bench}: our engine in OFF, MOI and DIRECT mode against java-llama.cpp's own {@link LlamaModel}
 * (the peer a user would pick instead), on one model, the same threads and the same prompts, interleaved
 * round by round after a warm-up, so that the machine's noise hits every variant alike. Prints a table of
 * medians and ratios and ends with one JSON line.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Measure MoI's speed against standard decoding and java-llama.cpp, side by side.")
public final class BenchCommand implements Callable<Integer> {

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

    static final List<String> PROMPTS = List.of(
            "Write a Java class that implements a thread-safe LRU cache, with comments.",
            "Explain step by step how to solve 3x + 7 = 22, then check the answer.",
            "Write a Python script that counts word frequencies in a text file and prints the top ten.");

    /** The variants measured side by side. */
    enum Variant { PEER, OFF, MOI, DIRECT }

    /** One run's figures. */
    record Run(int promptTokens, int generated, double ttftMs, double totalMs) {
        double promptTokensPerSecond() {
            return promptTokens / (ttftMs / 1000);
        }

        double generatedTokensPerSecond() {
            return (generated - 1) / ((totalMs - ttftMs) / 1000);
        }
    }

    @Override
    public Integer call() throws Exception {
        PrintStream out = System.out;
        Path path = model != null ? model : new ModelCache().resolve(KnownModel.DEFAULT);
        EngineConfig config = EngineConfig.of(path).withContextSize(4096).withThreads(threads);
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("model", path.getFileName().toString());
        json.put("threads", threads);
        json.put("tokens", tokens);
        json.put("rounds", rounds);
        try (MoiEngine engine = MoiEngine.load(config)) {
            List<String> prompts = new ArrayList<>();
            for (String p : PROMPTS) {
                prompts.add(engine.applyChatTemplate(List.of(new ChatTurn("user", p)), true));
            }
            // java-llama.cpp loads the very library file our engine uses: both run the same llama.cpp build
            System.setProperty(NativeLibrary.LIB_PATH_PROPERTY, NativeLibrary.loadedFrom().getParent().toString());
            try (LlamaModel peer = new LlamaModel(new ModelParameters().setModel(path.toString())
                    .setCtxSize(4096).setThreads(threads).setThreadsBatch(threads).setGpuLayers(0))) {
                Map<Variant, List<Run>> runs = new EnumMap<>(Variant.class);
                for (Variant v : Variant.values()) {
                    runs.put(v, new ArrayList<>());
                }
                log(out, "warm-up...");
                for (Variant v : Variant.values()) {
                    run(v, engine, peer, prompts.get(0), 8);
                }
                for (int round = 0; round < rounds; round++) {
                    for (int i = 0; i < prompts.size(); i++) {
                        // rotate the order so that no variant always runs first or last
                        for (int k = 0; k < Variant.values().length; k++) {
                            Variant v = Variant.values()[(k + round + i) % Variant.values().length];
                            runs.get(v).add(run(v, engine, peer, prompts.get(i), tokens));
                        }
                    }
                    log(out, "round " + (round + 1) + "/" + rounds + " done");
                }
                json.put("single_stream", table(out, runs));
            }
            DecodeTimings t = engine.timings();
            log(out, String.format("step time: %.1f%% native decode, %.1f%% native sampling, %.2f%% Java (logits copy, MoI mixing, rows, text) over %d steps (target Java <= 2%%)",
                    100.0 * t.decodeNanos() / total(t), 100.0 * t.sampleNanos() / total(t), 100 * t.javaShare(), t.steps()));
            json.put("java_share", round(t.javaShare()));
            json.put("second_turn", secondTurn(out, engine));
            json.put("concurrency", concurrency(out, engine, prompts));
        }
        json.put("peak_rss_mib", Rss.peakMib());
        String line = new ObjectMapper().writeValueAsString(json);
        out.println(line);
        return 0;
    }

    private Run run(Variant variant, MoiEngine engine, LlamaModel peer, String prompt, int n) {
        if (variant == Variant.PEER) {
            return runPeer(peer, prompt, n, engine.countTokens(prompt));
        }
        MoiMode mode = MoiMode.valueOf(variant.name());
        GenerationRequest request = GenerationRequest.of(prompt, SamplingOptions.GREEDY, new MoiOptions(mode, 1.0, 20), n);
        return runOurs(engine, request);
    }

    static Run runOurs(MoiEngine engine, GenerationRequest request) {
        long start = System.nanoTime();
        long[] first = {0};
        GenerationResult result = engine.generate(request, new GenerationListener() {
            @Override
            public void onText(String text) {
                if (first[0] == 0) {
                    first[0] = System.nanoTime();
                }
            }
        });
        long end = System.nanoTime();
        return new Run(result.promptTokens(), result.outputTokens(), (first[0] - start) / 1e6, (end - start) / 1e6);
    }

    private static Run runPeer(LlamaModel peer, String prompt, int n, int promptTokens) {
        InferenceParameters params = new InferenceParameters(prompt).setTemperature(0f).setNPredict(n).setCachePrompt(false);
        long start = System.nanoTime();
        long first = 0;
        int count = 0;
        for (LlamaOutput output : peer.generate(params)) {
            if (first == 0) {
                first = System.nanoTime();
            }
            count++;
        }
        long end = System.nanoTime();
        return new Run(promptTokens, count, (first - start) / 1e6, (end - start) / 1e6);
    }

    private Map<String, Object> table(PrintStream out, Map<Variant, List<Run>> runs) {
        Map<String, Object> result = new LinkedHashMap<>();
        log(out, String.format("%-8s %14s %14s %10s %6s", "variant", "prompt tok/s", "gen tok/s", "TTFT ms", "runs"));
        Map<Variant, double[]> medians = new EnumMap<>(Variant.class);
        for (Variant v : Variant.values()) {
            List<Run> list = runs.get(v);
            double prompt = Stats.median(list.stream().mapToDouble(Run::promptTokensPerSecond).toArray());
            double gen = Stats.median(list.stream().mapToDouble(Run::generatedTokensPerSecond).toArray());
            double ttft = Stats.median(list.stream().mapToDouble(Run::ttftMs).toArray());
            medians.put(v, new double[]{prompt, gen, ttft});
            log(out, String.format("%-8s %14.1f %14.2f %10.1f %6d", v, prompt, gen, ttft, list.size()));
            result.put(v.name().toLowerCase(), Map.of("prompt_tps", round(prompt), "gen_tps", round(gen), "ttft_ms", round(ttft)));
        }
        // ratios of medians, measured side by side in this run
        double moiOverOff = Stats.medianRatio(runs.get(Variant.MOI), runs.get(Variant.OFF), Run::generatedTokensPerSecond);
        double offOverPeerGen = Stats.medianRatio(runs.get(Variant.OFF), runs.get(Variant.PEER), Run::generatedTokensPerSecond);
        double offOverPeerPrompt = Stats.medianRatio(runs.get(Variant.OFF), runs.get(Variant.PEER), Run::promptTokensPerSecond);
        log(out, String.format("MOI/OFF generated tok/s: %.3f (target >= 0.98)", moiOverOff));
        log(out, String.format("OFF/java-llama.cpp generated tok/s: %.3f (target >= 1.0)", offOverPeerGen));
        log(out, String.format("OFF/java-llama.cpp prompt tok/s: %.3f (target >= 0.95)", offOverPeerPrompt));
        result.put("moi_over_off_gen", round(moiOverOff));
        result.put("off_over_peer_gen", round(offOverPeerGen));
        result.put("off_over_peer_prompt", round(offOverPeerPrompt));
        return result;
    }

    /** Time to first token of a second turn that shares a ~1,000-token prefix with the first. */
    private Map<String, Object> secondTurn(PrintStream out, MoiEngine engine) {
        double[] firsts = new double[rounds];
        double[] seconds = new double[rounds];
        int prefix = 0;
        for (int r = 0; r < rounds; r++) {
            // a system prompt that no earlier round cached, so the first turn is decoded cold
            String system = "Session " + r + ". You are a careful assistant for a software team. "
                    + "Follow the team's coding rules: write small methods, name things clearly, test everything. ".repeat(60);
            List<ChatTurn> first = List.of(new ChatTurn("system", system), new ChatTurn("user", "Summarize the rules in one line."));
            String p1 = engine.applyChatTemplate(first, true);
            Run turn1 = runOurs(engine, GenerationRequest.of(p1, SamplingOptions.GREEDY, MoiOptions.DEFAULTS, 16));
            List<ChatTurn> second = new ArrayList<>(first);
            second.add(new ChatTurn("assistant", "Small methods, clear names, tests."));
            second.add(new ChatTurn("user", "Give one example of a clear name."));
            String p2 = engine.applyChatTemplate(second, true);
            Run turn2 = runOurs(engine, GenerationRequest.of(p2, SamplingOptions.GREEDY, MoiOptions.DEFAULTS, 16));
            firsts[r] = turn1.ttftMs();
            seconds[r] = turn2.ttftMs();
            prefix = turn1.promptTokens();
        }
        double ratio = Stats.median(seconds) / Stats.median(firsts);
        log(out, String.format("second turn with a %d-token shared prefix: TTFT %.0f ms vs %.0f ms first turn, ratio %.3f (target <= 0.25)",
                prefix, Stats.median(seconds), Stats.median(firsts), ratio));
        return Map.of("prefix_tokens", prefix, "first_ttft_ms", round(Stats.median(firsts)),
                "second_ttft_ms", round(Stats.median(seconds)), "ratio", round(ratio));
    }

    /** Aggregate generated tokens/s of 1, 2 and 4 concurrent streams. */
    private Map<String, Object> concurrency(PrintStream out, MoiEngine engine, List<String> prompts) throws Exception {
        Map<String, Object> result = new LinkedHashMap<>();
        double single = 0;
        for (int streams : new int[]{1, 2, 4}) {
            ExecutorService pool = Executors.newFixedThreadPool(streams);
            try {
                long start = System.nanoTime();
                List<Future<GenerationResult>> futures = new ArrayList<>();
                for (int s = 0; s < streams; s++) {
                    String prompt = prompts.get(s % prompts.size());
                    futures.add(pool.submit(() -> engine.generate(
                            GenerationRequest.of(prompt, SamplingOptions.GREEDY, MoiOptions.DEFAULTS, tokens), null)));
                }
                int total = 0;
                for (Future<GenerationResult> f : futures) {
                    total += f.get().outputTokens();
                }
                double tps = total / ((System.nanoTime() - start) / 1e9);
                if (streams == 1) {
                    single = tps;
                }
                log(out, String.format("%d concurrent stream(s): %.2f generated tok/s in all (%.2f x one stream)", streams, tps, tps / single));
                result.put(String.valueOf(streams), round(tps));
            } finally {
                pool.shutdownNow();
            }
        }
        return result;
    }

    private static double total(DecodeTimings t) {
        return Math.max(1, t.decodeNanos() + t.sampleNanos() + t.javaNanos());
    }

    private void log(PrintStream out, String line) {
        if (!jsonOnly) {
            out.println(line);
            out.flush();
        }
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }
}
