package io.github.langchain4j.moi.engine;

import io.github.langchain4j.moi.llamacpp.BadModelFileException;
import io.github.langchain4j.moi.llamacpp.GgufFile;
import io.github.langchain4j.moi.llamacpp.LlamaCppException;
import io.github.langchain4j.moi.testing.GgufWriter;
import io.github.langchain4j.moi.testing.TinyModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Mutated copies of the tiny model (fixed seed, bounded count): each is refused with a BadModelFileException
 * (or another MoiEngineException) that says why, or it loads; a share of those that load also generate. None may
 * crash the JVM (this test completing is the proof) or end in another exception type. Mutations aim at the
 * metadata region, where ggml's and llama.cpp's parsers abort on bad input; two kinds aim at values: float
 * hyperparameters set to what llama.cpp asserts on (negative, zero, NaN, infinite: all must be refused), and
 * NaN/Inf written into the weights (each loaded: it generates, or fails with the non-finite-logits error).
 */
class GgufFuzzTest {

    private static final long SEED = 20261128L;
    private static final int CASES = 1200;
    private static final int MAX_FULL_LOADS = 150;

    /** Float metadata values llama.cpp asserts on or computes garbage from (issue 13: eps = -1 aborted the JVM). */
    private static final float[] BAD_FLOATS = {-1f, 0f, -0f, Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY,
            -1e-5f, -Float.MAX_VALUE};
    private static final float[] SPECIAL_FLOATS = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.MAX_VALUE};
    private static final String[] FLOAT_KEYS = {"llama.attention.layer_norm_rms_epsilon", "llama.rope.freq_base"};

    /** @param kind the mutation family; FLOAT_METADATA ones must all be refused, TENSOR_VALUES ones are all loaded */
    private record Mutation(String kind, String description, byte[] bytes) {
    }

    private static final String FLOAT_METADATA = "float metadata", TENSOR_VALUES = "tensor values";
    private static final int MAX_TENSOR_VALUE_LOADS = 120;

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void mutated_files_load_or_fail_with_a_message(@TempDir Path dir) throws IOException {
        GgufWriter writer = TinyModel.writer(1, GgufWriter.GGML_F32);
        byte[] original = writer.toBytes();
        GgufWriter.Layout layout = writer.layout();
        Random random = new Random(SEED);
        Map<String, Integer> outcomes = new TreeMap<>();
        int fullLoads = 0;
        int tensorValueLoads = 0;
        for (int i = 0; i < CASES; i++) {
            Mutation m = mutate(original, layout, random);
            Path file = Files.write(dir.resolve("case-" + i + ".gguf"), m.bytes());
            String where = "case " + i + " (" + m.description() + ")";
            try {
                GgufFile.read(file);
            } catch (LlamaCppException e) { // the binding's exceptions: GgufFile is read below the engine
                assertThat(e.getMessage()).as(where).isNotBlank();
                count(outcomes, e instanceof BadModelFileException ? "refused" : "refused (other LlamaCppException)");
                count(outcomes, m.kind() + ": refused");
                Files.delete(file);
                continue;
            } catch (RuntimeException e) {
                fail(where + ": GgufFile.read threw " + e, e);
            }
            count(outcomes, "accepted by the checks");
            count(outcomes, m.kind() + ": accepted");
            if (m.kind().equals(TENSOR_VALUES) ? tensorValueLoads++ < MAX_TENSOR_VALUE_LOADS : fullLoads++ < MAX_FULL_LOADS) {
                String outcome = loadAndGenerate(file, where);
                count(outcomes, outcome);
                count(outcomes, m.kind() + ": " + outcome);
            }
            Files.delete(file);
        }
        System.out.println("GGUF fuzz, " + CASES + " cases, seed " + SEED + ": " + outcomes);
        assertThat(outcomes.getOrDefault("refused", 0)).isGreaterThan(CASES / 4);
        assertThat(outcomes.getOrDefault("generated", 0)).isGreaterThan(20);
        // every bad float hyperparameter is refused in Java; NaN/Inf weights load and end in a clean error or an answer
        assertThat(outcomes.getOrDefault(FLOAT_METADATA + ": refused", 0)).isGreaterThan(50);
        assertThat(outcomes.getOrDefault(FLOAT_METADATA + ": accepted", 0)).isZero();
        assertThat(outcomes.getOrDefault(TENSOR_VALUES + ": generation failed cleanly", 0)).isGreaterThan(20);

        // the JVM is alive, and a valid model still loads and generates
        Path valid = Files.write(dir.resolve("valid.gguf"), original);
        assertThat(loadAndGenerate(valid, "the original")).isEqualTo("generated");
    }

    private static String loadAndGenerate(Path file, String where) {
        MoiEngine engine;
        try {
            engine = MoiEngine.load(new EngineConfig(file, 64, 1, 512, 0, true));
        } catch (MoiEngineException e) {
            assertThat(e.getMessage()).as(where).isNotBlank();
            return "refused by llama.cpp";
        } catch (RuntimeException e) {
            throw new AssertionError(where + ": load threw " + e, e);
        }
        try (engine) {
            GenerationRequest request = GenerationRequest.of("the quick brown fox", SamplingOptions.DEFAULTS,
                    MoiOptions.DEFAULTS, 4);
            engine.generate(request, null);
            return "generated";
        } catch (MoiEngineException e) {
            assertThat(e.getMessage()).as(where).isNotBlank();
            return "generation failed cleanly";
        } catch (RuntimeException e) {
            throw new AssertionError(where + ": generation threw " + e, e);
        }
    }

    private static Mutation mutate(byte[] original, GgufWriter.Layout layout, Random random) {
        byte[] b = original.clone();
        int metadataEnd = (int) layout.dataOffset();
        int kind = random.nextInt(120);
        if (kind >= 110) {
            // NaN/Inf among the weights (all F32 in the tiny model): a run of values in the tensor data section
            int dataStart = (int) layout.dataOffset();
            int n = 1 + random.nextInt(64);
            int at = dataStart + random.nextInt((b.length - dataStart) / 4 - n) * 4;
            float value = SPECIAL_FLOATS[random.nextInt(SPECIAL_FLOATS.length)];
            ByteBuffer buffer = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
            for (int j = 0; j < n; j++) {
                buffer.putFloat(at + 4 * j, value);
            }
            return new Mutation(TENSOR_VALUES, n + " weights from " + at + " set to " + value, b);
        }
        if (kind >= 100) {
            String key = FLOAT_KEYS[random.nextInt(FLOAT_KEYS.length)];
            float value = BAD_FLOATS[random.nextInt(BAD_FLOATS.length)];
            ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putFloat((int) layout.valueOffset(key), value);
            return new Mutation(FLOAT_METADATA, key + " set to " + value, b);
        }
        if (kind < 45) {
            int n = 1 + random.nextInt(4);
            StringBuilder where = new StringBuilder("bytes set at");
            for (int j = 0; j < n; j++) {
                int at = random.nextInt(metadataEnd);
                b[at] = (byte) random.nextInt(256);
                where.append(' ').append(at);
            }
            return new Mutation("bytes", where.toString(), b);
        }
        if (kind < 55) {
            int at = random.nextInt(metadataEnd);
            int bit = random.nextInt(8);
            b[at] ^= (byte) (1 << bit);
            return new Mutation("bit flip", "bit " + bit + " flipped at " + at, b);
        }
        if (kind < 75) {
            List<Long> fields = layout.lengthFields();
            int at = (int) (long) fields.get(random.nextInt(fields.size()));
            long old = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getLong(at);
            long value = switch (random.nextInt(6)) {
                case 0 -> Long.MAX_VALUE;
                case 1 -> -1L;
                case 2 -> 1L << (32 + random.nextInt(30));
                case 3 -> original.length + random.nextInt(1000);
                case 4 -> old + 1 + random.nextInt(8);
                default -> Math.max(0, old - 1 - random.nextInt(8));
            };
            ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putLong(at, value);
            return new Mutation("length", "length at " + at + " set from " + old + " to " + value, b);
        }
        if (kind < 85) {
            int at = random.nextInt(metadataEnd / 4) * 4;
            int value = random.nextBoolean() ? random.nextInt(40) : random.nextInt();
            ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(at, value);
            return new Mutation("u32", "u32 at " + at + " set to " + value, b);
        }
        int cut = random.nextInt(4) == 0 ? metadataEnd + random.nextInt(original.length - metadataEnd) : random.nextInt(metadataEnd);
        return new Mutation("truncation", "truncated to " + cut + " bytes", Arrays.copyOf(b, cut));
    }

    private static void count(Map<String, Integer> outcomes, String outcome) {
        outcomes.merge(outcome, 1, Integer::sum);
    }
}
