package io.github.langchain4j.moi.llamacpp;

import com.sun.jna.Function;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import io.github.langchain4j.moi.ModelFileException;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.util.Map;

/**
 * The model's input embedding table ({@code token_embd.weight}) read from the memory-mapped GGUF file,
 * one row at a time, dequantized to f32 by ggml's own {@code to_float} for the tensor's type, exactly as
 * the model's graph would. Nothing of the table is copied onto the Java heap.
 *
 * <p>The rows are returned in the scale the graph expects on its embedding-input path: where an
 * architecture scales token inputs but not {@code batch.embd} inputs, that scale is applied here.
 * Not thread-safe: one decode loop uses it.
 */
final class TokenEmbeddings {

    /**
     * Architectures whose b4916 graph scales token-id inputs but leaves {@code batch.embd} inputs unscaled.
     * Gemma 3 multiplies by sqrt(n_embd) only on the token path (the embd path is meant for images);
     * Gemma 1 and 2 scale both paths, so they need nothing here.
     */
    private static final Map<String, Boolean> SQRT_N_EMBD_SCALE = Map.of("gemma3", true);

    private final int nVocab;
    private final int nEmbd;
    private final long rowBytes;
    private final int rowsPerChunk;
    private final MappedByteBuffer[] chunks;
    private final Pointer[] chunkAddresses;
    private final Function toFloat; // null for F32 rows, which are copied as they are
    private final Memory rowBuffer;
    private final float[] row;
    private final float scale;

    TokenEmbeddings(GgufFile file, int nVocab, int nEmbd) {
        this.nVocab = nVocab;
        this.nEmbd = nEmbd;
        Pointer traits = NativeLibrary.get().ggml_get_type_traits(file.embeddingType());
        long blockSize = traits.getLong(LlamaCpp.TypeTraits.BLCK_SIZE);
        long typeSize = traits.getLong(LlamaCpp.TypeTraits.TYPE_SIZE);
        if (blockSize <= 0 || typeSize <= 0 || nEmbd % blockSize != 0) {
            throw new ModelFileException(GgufFile.TOKEN_EMBEDDINGS
                    + " has ggml type " + file.embeddingType() + ", whose rows of " + nEmbd
                    + " values cannot be dequantized: " + file.path());
        }
        this.rowBytes = nEmbd / blockSize * typeSize;
        if (rowBytes * nVocab != file.embeddingBytes()) {
            throw new ModelFileException(GgufFile.TOKEN_EMBEDDINGS + " holds " + file.embeddingBytes()
                    + " bytes but " + nVocab + " rows of " + nEmbd + " values need " + rowBytes * nVocab + ": " + file.path());
        }
        Pointer toFloatPtr = traits.getPointer(LlamaCpp.TypeTraits.TO_FLOAT);
        if (toFloatPtr == null && file.embeddingType() != LlamaCpp.GGML_TYPE_F32) {
            throw new ModelFileException(GgufFile.TOKEN_EMBEDDINGS + " has ggml type " + file.embeddingType()
                    + ", which ggml cannot dequantize: " + file.path());
        }
        this.toFloat = toFloatPtr == null ? null : Function.getFunction(toFloatPtr);
        this.scale = SQRT_N_EMBD_SCALE.containsKey(file.architecture()) ? (float) Math.sqrt(nEmbd) : 1f;

        // map whole rows per chunk: a MappedByteBuffer holds at most 2 GiB
        this.rowsPerChunk = (int) Math.min(nVocab, Integer.MAX_VALUE / rowBytes);
        int nChunks = (nVocab + rowsPerChunk - 1) / rowsPerChunk;
        this.chunks = new MappedByteBuffer[nChunks];
        this.chunkAddresses = new Pointer[nChunks];
        try (FileChannel channel = FileChannel.open(file.path(), StandardOpenOption.READ)) {
            for (int c = 0; c < nChunks; c++) {
                long firstRow = (long) c * rowsPerChunk;
                long rows = Math.min(rowsPerChunk, nVocab - firstRow);
                chunks[c] = channel.map(FileChannel.MapMode.READ_ONLY, file.embeddingOffset() + firstRow * rowBytes, rows * rowBytes);
                chunks[c].order(ByteOrder.LITTLE_ENDIAN);
                chunkAddresses[c] = Native.getDirectBufferPointer(chunks[c]);
            }
        } catch (IOException e) {
            throw new ModelFileException("cannot map " + GgufFile.TOKEN_EMBEDDINGS + " of " + file.path() + ": " + e.getMessage(), e);
        }
        this.rowBuffer = new Memory((long) nEmbd * Float.BYTES);
        this.row = new float[nEmbd];
    }

    /** Adds {@code weight * e(token)} to {@code acc}. */
    void addScaledRow(int token, double weight, float[] acc) {
        float[] r = dequantize(token);
        float w = (float) (weight * scale);
        for (int i = 0; i < nEmbd; i++) {
            acc[i] += w * r[i];
        }
    }

    /** A copy of the (scaled) embedding row of a token. */
    float[] row(int token) {
        float[] out = new float[nEmbd];
        addScaledRow(token, 1.0, out);
        return out;
    }

    private float[] dequantize(int token) {
        if (token < 0 || token >= nVocab) {
            throw new IllegalArgumentException("token id " + token + " is outside the vocabulary [0, " + nVocab + ")");
        }
        int chunk = token / rowsPerChunk;
        long offset = (long) (token % rowsPerChunk) * rowBytes;
        if (toFloat == null) {
            chunks[chunk].asFloatBuffer().get((int) (offset / Float.BYTES), row, 0, nEmbd);
        } else {
            toFloat.invoke(void.class, new Object[]{chunkAddresses[chunk].share(offset), rowBuffer, (long) nEmbd});
            rowBuffer.read(0, row, 0, nEmbd);
        }
        return row;
    }
}
