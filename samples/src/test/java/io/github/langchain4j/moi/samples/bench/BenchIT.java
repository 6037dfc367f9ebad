package io.github.langchain4j.moi.samples.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.langchain4j.moi.model.KnownModel;
import io.github.langchain4j.moi.model.ModelCache;
import io.github.langchain4j.moi.samples.cli.MoiCli;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code moi bench} end to end on the default model with tiny runs: both engine processes start, answer
 * every request and report. It checks the harness and the figures' consistency, not speed (timings belong to
 * the benchmark itself), except one property of the prompt cache that no noise can hide: a second turn that
 * shares 1,000 tokens with the first starts much sooner.
 */
class BenchIT {

    @Test
    void tinyBenchReportsEveryVariantMemoryTheSecondTurnAndConcurrency() throws Exception {
        BenchRun run = bench();
        String out = run.out();
        assertThat(out).contains("MOI/OFF generated tok/s", "OFF/java-llama.cpp generated tok/s", "peak RSS",
                "second turn", "3 concurrent stream(s)", "4 concurrent stream(s)", "llama.cpp alone", "profile, 4 stream(s)",
                "grammar (json)", "grammar (tool)", "arriving while 3 streams run", "TTFT under load");

        JsonNode json = run.json();
        JsonNode single = json.get("single_stream");
        for (String variant : List.of("peer", "off", "moi", "direct")) {
            assertThat(single.get(variant).get("gen_tps").asDouble()).as(variant).isPositive();
            assertThat(single.get(variant).get("prompt_tps").asDouble()).as(variant).isPositive();
        }
        assertThat(single.get("moi_over_off_gen").asDouble()).isPositive();
        for (String share : List.of("off_java_share", "moi_java_share", "direct_java_share")) {
            assertThat(json.get("step_time").get(share).asDouble()).as(share).isBetween(0.0, 1.0);
        }
        assertThat(json.get("peak_rss_mib").get("ours").asDouble()).isGreaterThan(100);
        assertThat(json.get("peak_rss_mib").get("peer").asDouble()).isGreaterThan(100);

        JsonNode second = json.get("second_turn");
        assertThat(second.get("prefix_tokens").asInt()).isGreaterThan(1000);
        assertThat(second.get("ratio").asDouble()).isLessThan(0.5);

        JsonNode concurrency = json.get("concurrency");
        for (String streams : List.of("1", "2", "3", "4")) {
            assertThat(concurrency.get(streams).get("tps").asDouble()).as(streams).isPositive();
            assertThat(concurrency.get(streams).get("peer_tps").asDouble()).as(streams).isPositive();
            JsonNode profile = concurrency.get(streams).get("profile");
            assertThat(profile.get("decodeMs").asDouble()).as(streams).isPositive();
            assertThat(profile.get("generationDecodeMs").asDouble()).as(streams).isPositive();
            assertThat(profile.get("inputsPerStep").asDouble()).as(streams).isBetween(0.0, Double.parseDouble(streams));
        }
        assertThat(concurrency.get("1").get("llama_cpp_bound").asDouble()).isEqualTo(1.0);
        assertThat(concurrency.get("4").get("llama_cpp_tps").asDouble()).isPositive();
        assertThat(concurrency.get("4").get("steady_over_llama_cpp").asDouble()).isPositive();
        // one stream: the steady rate is the rate after the first token, for both engines
        assertThat(concurrency.get("1").get("steady_tps").asDouble()).isPositive();
        assertThat(concurrency.get("1").get("peer_steady_tps").asDouble()).isPositive();

        for (String grammar : List.of("json", "tool")) {
            assertThat(json.get("grammar").get(grammar).get("ratio").asDouble()).as(grammar).isPositive();
        }
        // chunked prefill: the running streams go on while the long prompt is read (a step per 32 prompt tokens, one
        // token per running stream each)
        JsonNode longPrompt = json.get("long_prompt");
        assertThat(longPrompt.get("prompt_tokens").asInt()).isGreaterThan(1000);
        assertThat(longPrompt.get("running_tokens_meanwhile").asDouble()).isGreaterThanOrEqualTo(1000 / 32); // read in one go: at most 3
        JsonNode load = json.get("ttft_under_load");
        assertThat(load.get("p50_ms").asDouble()).isPositive().isLessThanOrEqualTo(load.get("p95_ms").asDouble());
        assertThat(load.get("worst_excess_generations").isNumber()).as(load.toString()).isTrue();
        assertThat(out).contains("beyond what the queue order implies");
        for (String inputs : List.of("1", "2", "3", "4")) {
            assertThat(concurrency.get("step_ms").get(inputs).asDouble()).as(inputs).isPositive();
        }
    }

    @Test
    void theStepsSectionMeasuresTokenIdsAndEmbeddingsNextToOtherCells() throws Exception {
        BenchRun run = bench("--sections", "steps");
        JsonNode json = run.json();
        assertThat(json.has("concurrency")).isFalse();
        JsonNode cost = json.get("step_cost");
        assertThat(cost.size()).isEqualTo(3);
        for (String fill : List.of("0", "1000", "3000")) {
            for (String kind : List.of("tokens", "embeddings")) {
                for (String inputs : List.of("1", "4")) {
                    assertThat(cost.get(fill).get(kind).get(inputs).asDouble()).as(fill + " " + kind + " " + inputs).isPositive();
                }
            }
        }
        assertThat(run.out()).contains("3000 other cells in the KV cache, embeddings");
    }

    @Test
    void theLoadSectionAloneRunsAtTheGivenPrefillChunk() throws Exception {
        JsonNode json = bench("--sections", "load", "--prefill-chunk", "16").json();
        assertThat(json.has("single_stream")).isFalse();
        assertThat(json.has("concurrency")).isFalse();
        JsonNode longPrompt = json.get("long_prompt");
        assertThat(longPrompt.get("prefill_chunk").asInt()).isEqualTo(16);
        // the chunk reached the engine: 1,131 prompt tokens took about 71 steps of 16, each a token of the 3 running
        // streams (in chunks of the default 32 it would have been about 36 steps, under 110 tokens)
        assertThat(longPrompt.get("running_tokens_meanwhile").asDouble()).isGreaterThanOrEqualTo(120);
        assertThat(json.get("ttft_under_load").get("p50_ms").asDouble()).isPositive();
    }

    /** What a tiny bench printed, and its closing JSON line. */
    private record BenchRun(String out, JsonNode json) {
    }

    /** {@code moi bench} on the default model, 4 tokens per run, 1 round, then {@code options}; must succeed. */
    private static BenchRun bench(String... options) throws Exception {
        Path model = new ModelCache().resolve(KnownModel.DEFAULT);
        List<String> args = new ArrayList<>(List.of("bench", "--model", model.toString(), "--tokens", "4", "--rounds", "1"));
        args.addAll(List.of(options));
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        int code = MoiCli.run(new PrintStream(stdout, true, StandardCharsets.UTF_8),
                new PrintStream(stderr, true, StandardCharsets.UTF_8), args.toArray(String[]::new));
        String out = stdout.toString(StandardCharsets.UTF_8);
        assertThat(code).as(stderr.toString(StandardCharsets.UTF_8) + out).isZero();
        List<String> lines = out.lines().toList();
        return new BenchRun(out, new ObjectMapper().readTree(lines.get(lines.size() - 1)));
    }
}
