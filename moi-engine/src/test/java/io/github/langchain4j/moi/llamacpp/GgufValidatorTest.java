package io.github.langchain4j.moi.llamacpp;

import io.github.langchain4j.moi.testing.GgufWriter;
import io.github.langchain4j.moi.testing.TinyModel;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Each Java-side check of {@link GgufValidator} on a damaged copy of the tiny model (or a small file
 * written for the case): the file is refused with a {@link BadModelFileException} that names the problem and
 * its byte offset, before native code sees it. Several of these files abort the process in llama.cpp b4916.
 */
class GgufValidatorTest {

    private static byte[] model;
    private static GgufWriter.Layout layout;

    @TempDir
    Path dir;

    @BeforeAll
    static void writeModel() {
        GgufWriter writer = TinyModel.writer(1, GgufWriter.GGML_F32);
        model = writer.toBytes();
        layout = writer.layout();
    }

    @Test
    void accepts_the_tiny_model_and_reads_it_like_ggml() throws IOException {
        Path file = Files.write(dir.resolve("ok.gguf"), model);
        GgufValidator.Result result = GgufValidator.validate(file);
        assertThat(result.version()).isEqualTo(3);
        assertThat(result.alignment()).isEqualTo(32);
        assertThat(result.dataOffset()).isEqualTo(layout.dataOffset());
        assertThat(result.tensors()).hasSize(3 + 9 * TinyModel.N_LAYER);
        assertThat(result.string("general.architecture")).isEqualTo("llama");
        GgufFile file2 = GgufFile.read(file);
        assertThat(file2.embeddingOffset()).isEqualTo(layout.dataOffset());
    }

    @Test
    void java_table_of_ggml_types_matches_the_native_one() {
        LlamaCpp lib = NativeLibrary.get();
        for (int type = 0; type < 39; type++) {
            com.sun.jna.Pointer traits = lib.ggml_get_type_traits(type);
            long blockSize = traits.getLong(LlamaCpp.TypeTraits.BLCK_SIZE);
            long typeSize = traits.getLong(LlamaCpp.TypeTraits.TYPE_SIZE);
            int[] known = GgufValidator.ggmlType(type);
            if (known == null) {
                assertThat(blockSize).as("removed type %d", type).isZero();
            } else {
                assertThat(new long[]{blockSize, typeSize}).as("type %d", type).containsExactly(known[1], known[2]);
            }
        }
    }

    @Test
    void missing_short_and_foreign_files() throws IOException {
        assertRefused(dir.resolve("absent.gguf"), "not found");
        assertRefused(Files.write(dir.resolve("short.gguf"), new byte[10]), "only 10 bytes");
        byte[] foreign = model.clone();
        foreign[0] = 'X';
        assertRefused(write(foreign), "GGUF magic");
        assertRefused(write(patchInt(model, 4, 1)), "unsupported GGUF version 1");
    }

    @Test
    void huge_counts_and_lengths() {
        assertRefused(write(patchLong(model, 8, 1L << 40)), "at byte 8: the tensor count is 1099511627776");
        assertRefused(write(patchLong(model, 16, -1)), "at byte 16: the key/value count is 18446744073709551615");
        long firstKeyLength = layout.lengthFields().get(2);
        assertRefused(write(patchLong(model, firstKeyLength, Long.MAX_VALUE)), "at byte 24: the length of key 0 is");
        long tokens = layout.valueRanges().get("tokenizer.ggml.tokens")[0];
        long arrayLength = layout.valueOffset("tokenizer.ggml.tokens") + 4;
        assertRefused(write(patchLong(model, arrayLength, 1L << 33)), "length of array 'tokenizer.ggml.tokens'");
        assertThat(tokens).isLessThan(arrayLength);
    }

    @Test
    void truncated_metadata_and_truncated_data() {
        assertRefused(write(Arrays.copyOf(model, (int) layout.dataOffset() / 2)), "the file ends inside");
        assertRefused(write(Arrays.copyOf(model, model.length - 100)), "the file is truncated: tensor 'blk.1.ffn_down.weight'");
    }

    @Test
    void unknown_value_types_and_nested_arrays() {
        long typeField = layout.valueOffset("general.name") - 4;
        assertRefused(write(patchInt(model, typeField, 13)), "key 'general.name' has unknown value type 13");
        long elementType = layout.valueOffset("tokenizer.ggml.tokens");
        assertRefused(write(patchInt(model, elementType, GgufWriter.TYPE_ARRAY)), "nested arrays");
    }

    @Test
    void empty_and_duplicate_keys() {
        assertRefused(write(minimal().put("", "x")), "key 1 is empty");
        assertRefused(write(minimal().put("general.architecture", "again")), "duplicate key 'general.architecture'");
    }

    @Test
    void alignment_must_be_a_u32_power_of_two() {
        // ggml reads general.alignment with gguf_get_val_u32, which aborts on an i32
        assertRefused(write(minimal().putI32("general.alignment", 32)), "general.alignment must be a u32");
        assertRefused(write(patchInt(model, layout.valueOffset("general.alignment"), 48)), "alignment 48 is not a power of 2");
    }

    @Test
    void vocabulary_that_llama_cpp_aborts_on() {
        // two equal token texts: GGML_ASSERT(id_to_token.size() == token_to_id.size())
        assertRefused(write(replace(model, "<0x41>", "<0x42>")), "token 69 repeats the text '<0x42>'");
        // a BYTE token whose text is not <0xXX>
        assertRefused(write(replace(model, "<0x41>", "<0x4G>")), "token 68 has type BYTE but its text is '<0x4G>'");
        // an SPM vocabulary without a byte token: llama_tokenize throws across the C boundary
        byte[] noByte = replace(model, "<0x41>", "<0x4G>");
        long types = layout.valueOffset("tokenizer.ggml.token_type") + 4 + 8;
        noByte = patchInt(noByte, types + 68 * 4, 1); // make it a NORMAL token
        assertRefused(write(noByte), "the SPM vocabulary has no byte token <0x41>");
        // llama.cpp reads the scores through a float pointer, whatever their type
        assertRefused(write(patchInt(model, layout.valueOffset("tokenizer.ggml.scores"), GgufWriter.TYPE_I32)),
                "tokenizer.ggml.scores must be an array");
    }

    @Test
    void tensor_infos() {
        long info = layout.tensorInfos().get("output_norm.weight") + 8 + "output_norm.weight".length();
        assertRefused(write(patchInt(model, info, 5)), "tensor 'output_norm.weight' has 5 dimensions");
        assertRefused(write(patchLong(model, info + 4, 0)), "tensor 'output_norm.weight' has dimension 0 of 0");
        assertRefused(write(patchInt(model, info + 4 + 8, 4)), "unknown ggml type 4");
        assertRefused(write(patchInt(model, info + 4 + 8, 12)), "not a multiple of the block size 256 of ggml type 12");
        assertRefused(write(patchLong(model, info + 4 + 8 + 4, 8)), "not a multiple of the alignment 32");
        assertRefused(write(patchLong(model, info + 4 + 8 + 4, 0)), "tensors must be stored in order");
        long embd = layout.tensorInfos().get("token_embd.weight") + 8 + "token_embd.weight".length();
        assertRefused(write(patchLong(model, embd + 4, 1L << 62)), "is too large");
        assertRefused(write(minimal().tensor("x".repeat(64), new long[]{8}, new float[8])), "has a name of 64 bytes");
        assertRefused(write(minimal().tensor("a", new long[]{8}, new float[8]).tensor("a", new long[]{8}, new float[8])),
                "duplicate tensor name 'a'");
    }

    @Test
    void token_embeddings_are_required_in_a_usable_shape() {
        assertRefused(write(minimal().tensor("output.weight", new long[]{8}, new float[8])), "no token_embd.weight tensor");
        assertRefused(write(minimal().tensor("token_embd.weight", new long[]{8}, new float[8])),
                "token_embd.weight must be a 2-dimensional float or quantized tensor (has 1 dimensions");
        assertRefused(write(minimal().tensor("token_embd.weight", 26, new long[]{8, 2}, new byte[64])), "ggml type 26");
        assertRefused(write(patchInt(model, layout.valueOffset("llama.embedding_length"), 32)),
                "token_embd.weight has rows of 64 values but llama.embedding_length is 32");
        assertRefused(write(patchInt(model, layout.valueOffset("llama.attention.head_count"), 0)),
                "llama.attention.head_count is 0, not a positive 32-bit integer");
        // a model without attention has 0 heads and, for Mamba, no feed-forward: as its converter writes it
        GgufValidator.Result mamba = GgufValidator.validate(write(TinyModel.mambaWriter(1)));
        assertThat(mamba.values()).containsEntry("mamba.attention.head_count", 0L)
                .containsEntry("mamba.feed_forward_length", 0L);
    }

    @Test
    void float_hyperparameters_that_llama_cpp_asserts_on() {
        // layer_norm_rms_epsilon = -1 aborted the JVM in ggml's rms_norm (GGML_ASSERT(eps >= 0.0f))
        String eps = "llama.attention.layer_norm_rms_epsilon";
        for (float bad : new float[]{-1f, 0f, -0f, Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}) {
            assertRefused(write(patchInt(model, layout.valueOffset(eps), Float.floatToRawIntBits(bad))), eps + " is ");
        }
        String base = "llama.rope.freq_base";
        for (float bad : new float[]{-10000f, 0f, Float.NaN, Float.POSITIVE_INFINITY}) {
            assertRefused(write(patchInt(model, layout.valueOffset(base), Float.floatToRawIntBits(bad))), base + " is ");
        }
        assertRefused(write(TinyModel.writer(1, GgufWriter.GGML_F32).putF32("llama.rope.scaling.factor", -2f)),
                "llama.rope.scaling.factor is -2.0, but it must not be negative");
        assertRefused(write(TinyModel.writer(1, GgufWriter.GGML_F32).putF32("llama.some_future_float", Float.NaN)),
                "llama.some_future_float is NaN, not a finite number");
        // 0 means "not set" for the rope scaling factor
        GgufValidator.validate(write(TinyModel.writer(1, GgufWriter.GGML_F32).putF32("llama.rope.scaling.factor", 0f)));
    }

    private static GgufWriter minimal() {
        return new GgufWriter().put("general.architecture", "llama");
    }

    private void assertRefused(Path file, String message) {
        assertThatThrownBy(() -> GgufValidator.validate(file))
                .isInstanceOf(BadModelFileException.class)
                .hasMessageContaining(message);
        if (Files.exists(file)) {
            // the same through the public entry point, which calls no native code for such a file
            assertThatThrownBy(() -> GgufFile.read(file)).isInstanceOf(BadModelFileException.class).hasMessageContaining(message);
        }
    }

    private int count;

    private Path write(GgufWriter writer) {
        return write(writer.toBytes());
    }

    private Path write(byte[] bytes) {
        try {
            return Files.write(dir.resolve("case-" + count++ + ".gguf"), bytes);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static byte[] patchInt(byte[] bytes, long at, int value) {
        byte[] copy = bytes.clone();
        ByteBuffer.wrap(copy).order(ByteOrder.LITTLE_ENDIAN).putInt((int) at, value);
        return copy;
    }

    static byte[] patchLong(byte[] bytes, long at, long value) {
        byte[] copy = bytes.clone();
        ByteBuffer.wrap(copy).order(ByteOrder.LITTLE_ENDIAN).putLong((int) at, value);
        return copy;
    }

    /** Replaces the first occurrence of a text of the same length. */
    static byte[] replace(byte[] bytes, String text, String by) {
        byte[] from = text.getBytes(StandardCharsets.UTF_8);
        byte[] to = by.getBytes(StandardCharsets.UTF_8);
        byte[] copy = bytes.clone();
        outer:
        for (int i = 0; i + from.length <= copy.length; i++) {
            for (int j = 0; j < from.length; j++) {
                if (copy[i + j] != from[j]) {
                    continue outer;
                }
            }
            System.arraycopy(to, 0, copy, i, to.length);
            return copy;
        }
        throw new IllegalArgumentException(text + " not found");
    }
}
