package io.github.langchain4j.moi.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * A random {@code llama}-architecture model of a realistic size, F16 weights, for speed measurements where no real
 * model may be fetched ({@code scripts/gpu-check.sh}): the shapes of a 1B model (Llama 3.2 1B's width, depth and
 * grouped-query attention) with a 32,000-token SPM vocabulary. The values are random, so the text is nonsense;
 * the work per token is that of a real model of the same shapes. {@code llama} because its MoI input path is
 * verified on both runtimes. Special tokens get zero output rows, so greedy decoding never ends early.
 *
 * <p>{@code java -cp <moi-engine test-classes> io.github.langchain4j.moi.testing.BenchModel FILE [1b|small]}
 */
public final class BenchModel {

    /** The shapes of a model. */
    public record Size(String name, int nEmbd, int nLayer, int nHead, int nHeadKv, int nFf, int nVocab) {

        /** Weights in the file (norms included). */
        public long parameters() {
            long kvDim = (long) nEmbd / nHead * nHeadKv;
            long layer = 2L * nEmbd * nEmbd + 2L * nEmbd * kvDim + 3L * nEmbd * nFf + 2L * nEmbd;
            return nLayer * layer + 2L * nVocab * nEmbd + nEmbd;
        }
    }

    /** About 1.1 billion parameters (2.2 GB in F16). */
    public static final Size ONE_B = new Size("1b", 2048, 16, 32, 8, 8192, 32000);
    /** About 6 million parameters: the same code path in seconds, for checking the scripts. */
    public static final Size SMALL = new Size("small", 256, 4, 8, 2, 1024, 4096);

    private BenchModel() {
    }

    public static void main(String[] args) {
        if (args.length < 1 || args.length > 2) {
            System.err.println("usage: BenchModel FILE [1b|small]");
            System.exit(2);
        }
        Size size;
        try {
            size = args.length == 2 ? size(args[1]) : ONE_B;
        } catch (IllegalArgumentException e) {
            System.err.println("BenchModel: " + e.getMessage());
            System.exit(2);
            return;
        }
        Path file = Path.of(args[0]);
        Path parent = file.toAbsolutePath().getParent();
        if (parent == null || !Files.isDirectory(parent)) {
            System.err.println("BenchModel: the folder of " + file + " does not exist");
            System.exit(2);
        }
        long start = System.nanoTime();
        write(file, size, 1);
        System.err.printf(Locale.ROOT, "BenchModel: wrote %s (%s, %,d parameters, F16) in %.1f s%n", file, size.name(),
                size.parameters(), (System.nanoTime() - start) / 1e9);
    }

    /** The size named {@code 1b} or {@code small}. */
    public static Size size(String name) {
        for (Size s : List.of(ONE_B, SMALL)) {
            if (s.name().equals(name)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown model size '" + name + "' (known: 1b, small)");
    }

    /** Writes the model; the same seed writes the same file. */
    public static Path write(Path file, Size size, long seed) {
        return writer(size, seed).write(file);
    }

    static GgufWriter writer(Size size, long seed) {
        String[] tokens = vocabulary(size.nVocab());
        int nVocab = tokens.length;
        float[] scores = new float[nVocab];
        int[] types = new int[nVocab];
        for (int i = 0; i < nVocab; i++) {
            types[i] = i == 0 ? 2 : i < 3 ? 3 : i < 259 ? 6 : 1; // UNKNOWN, CONTROL, BYTE, NORMAL
            scores[i] = i < 259 ? 0f : -(i - 259) * 1e-4f;
        }
        int headDim = size.nEmbd() / size.nHead();
        int kvDim = headDim * size.nHeadKv();
        GgufWriter w = new GgufWriter()
                .put("general.architecture", "llama")
                .put("general.name", "bench-random-llama-" + size.name())
                .putU32("general.alignment", GgufWriter.ALIGNMENT)
                .putU32("llama.context_length", 4096)
                .putU32("llama.embedding_length", size.nEmbd())
                .putU32("llama.block_count", size.nLayer())
                .putU32("llama.feed_forward_length", size.nFf())
                .putU32("llama.attention.head_count", size.nHead())
                .putU32("llama.attention.head_count_kv", size.nHeadKv())
                .putF32("llama.attention.layer_norm_rms_epsilon", 1e-5f)
                .putU32("llama.rope.dimension_count", headDim)
                .putF32("llama.rope.freq_base", 500000f)
                .put("tokenizer.ggml.model", "llama")
                .putArray("tokenizer.ggml.tokens", tokens)
                .putArray("tokenizer.ggml.scores", scores)
                .putArray("tokenizer.ggml.token_type", types)
                .putU32("tokenizer.ggml.bos_token_id", 1)
                .putU32("tokenizer.ggml.eos_token_id", 2)
                .putU32("tokenizer.ggml.unknown_token_id", 0)
                .putBool("tokenizer.ggml.add_bos_token", true)
                .putBool("tokenizer.ggml.add_eos_token", false);
        int e = size.nEmbd();
        List<Object[]> specs = new ArrayList<>(); // name, ne0, ne1, std
        specs.add(new Object[]{"token_embd.weight", e, nVocab, 1.0});
        specs.add(new Object[]{"output.weight", e, nVocab, 1 / Math.sqrt(e)});
        for (int l = 0; l < size.nLayer(); l++) {
            String p = "blk." + l + ".";
            specs.add(new Object[]{p + "attn_q.weight", e, e, 1 / Math.sqrt(e)});
            specs.add(new Object[]{p + "attn_k.weight", e, kvDim, 1 / Math.sqrt(e)});
            specs.add(new Object[]{p + "attn_v.weight", e, kvDim, 1 / Math.sqrt(e)});
            specs.add(new Object[]{p + "attn_output.weight", e, e, 1 / Math.sqrt(e)});
            specs.add(new Object[]{p + "ffn_gate.weight", e, size.nFf(), 1 / Math.sqrt(e)});
            specs.add(new Object[]{p + "ffn_up.weight", e, size.nFf(), 1 / Math.sqrt(e)});
            specs.add(new Object[]{p + "ffn_down.weight", size.nFf(), e, 1 / Math.sqrt(size.nFf())});
        }
        // the random weights of a 1B model take seconds per core: one task per tensor, each its own seeded stream
        byte[][] data = new byte[specs.size()][];
        IntStream.range(0, specs.size()).parallel().forEach(i -> {
            Object[] s = specs.get(i);
            float[] v = uniform(new SplittableRandom(seed * 1_000_003L + i), (int) s[1] * (int) s[2], (double) s[3]);
            if (i == 1) {
                Arrays.fill(v, 0, 3 * e, 0f); // <unk>, <s>, </s>: logit 0, never the greedy choice
            }
            data[i] = GgufWriter.f16(v);
        });
        w.tensor("output_norm.weight", new long[]{e}, ones(e));
        for (int i = 0; i < specs.size(); i++) {
            Object[] s = specs.get(i);
            String name = (String) s[0];
            if (name.endsWith("attn_q.weight")) {
                w.tensor(name.replace("attn_q", "attn_norm"), new long[]{e}, ones(e));
            } else if (name.endsWith("ffn_gate.weight")) {
                w.tensor(name.replace("ffn_gate", "ffn_norm"), new long[]{e}, ones(e));
            }
            w.tensor(name, GgufWriter.GGML_F16, new long[]{(int) s[1], (int) s[2]}, data[i]);
        }
        return w;
    }

    /** {@link TinyModel}'s vocabulary, filled up to n with distinct word pieces. */
    static String[] vocabulary(int n) {
        List<String> tokens = new ArrayList<>(Arrays.asList(TinyModel.tokens()));
        for (int i = 0; tokens.size() < n; i++) {
            tokens.add("\u2581" + i); // digits only: no word of TinyModel
        }
        return tokens.toArray(String[]::new);
    }

    // uniform with the given standard deviation: as good as Gaussian for timing, and several times faster to draw
    private static float[] uniform(SplittableRandom random, int n, double std) {
        float[] v = new float[n];
        double a = std * Math.sqrt(3);
        for (int i = 0; i < n; i++) {
            v[i] = (float) ((random.nextDouble() * 2 - 1) * a);
        }
        return v;
    }

    private static float[] ones(int n) {
        float[] v = new float[n];
        Arrays.fill(v, 1f);
        return v;
    }
}
