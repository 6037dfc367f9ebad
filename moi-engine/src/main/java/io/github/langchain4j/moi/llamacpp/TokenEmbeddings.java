package io.github.langchain4j.moi.llamacpp;

import com.sun.jna.Function;
import com.sun.jna.Memory;
import com.sun.jna.Pointer;

import java.io.IOException;
import java.io.RandomAccessFile;

/**
 * The model's input embedding table ({@code token_embd.weight}), read from the GGUF file one row at a time
 * and dequantized to f32 by ggml's own {@code to_float} for the tensor's type, exactly as the model's graph
 * would. Nothing of the table is copied onto the Java heap.
 *
 * <p>Rows are read with positional reads, not through a second memory mapping: llama.cpp has already mapped
 * (and populated) the whole file, so the reads are served from the same page cache, whereas a mapping of our
 * own would count every page it touches in the process's RSS a second time (up to the table's size, 91 MiB
 * for the default model, measured with {@code ./moi bench}).
 *
 * <p>Dequantized rows are kept in a small direct-mapped cache (slot = token id modulo its size, at most
 * {@value #CACHE_BYTES} bytes): MoI mixes the top-20 tokens of every step, and the same frequent tokens
 * (spaces, newlines, punctuation) come back step after step; a hit costs no read and no native call.
 *
 * <p>The rows are returned in the scale the graph expects on its embedding-input path: where an
 * architecture scales token inputs but not {@code batch.embd} inputs, that scale is applied here, as
 * {@link VerifiedArchitectures} says for the architecture (measured by the architecture tests).
 * Serves one decode loop; its methods are synchronized only so that a stray caller cannot mix up rows.
 */
final class TokenEmbeddings implements AutoCloseable {

    /** The row cache's size limit: 1,170 rows of 896 floats (Qwen2.5 0.5B). */
    static final int CACHE_BYTES = 4 << 20;

    private final int nVocab;
    private final int nEmbd;
    private final long rowBytes;
    private final long tableOffset;
    private final RandomAccessFile file; // not a FileChannel: an interrupt would close that for good
    private final byte[] quantizedRow;
    private final Memory quantizedBuffer;
    private final Function toFloat; // null for F32 rows, which are converted in Java
    private final Memory rowBuffer;
    private final int[] cachedTokens; // per cache slot: the token whose row it holds, -1 for none
    private final float[] cachedRows; // slot i holds its row at i * nEmbd
    private final float scale;
    private final String path;

    TokenEmbeddings(LlamaBinding binding, GgufFile file, int nVocab, int nEmbd) {
        this(binding, file, nVocab, nEmbd, Math.max(1, Math.min(nVocab, CACHE_BYTES / (nEmbd * Float.BYTES))));
    }

    /** With a row cache of {@code cachedRowCount} slots (tests use tiny ones to force evictions). */
    TokenEmbeddings(LlamaBinding binding, GgufFile file, int nVocab, int nEmbd, int cachedRowCount) {
        LlamaCommon lib = binding.lib();
        this.nVocab = nVocab;
        this.nEmbd = nEmbd;
        Pointer traits = lib.ggml_get_type_traits(file.embeddingType());
        long blockSize = traits.getLong(LlamaCpp.TypeTraits.BLCK_SIZE);
        long typeSize = traits.getLong(LlamaCpp.TypeTraits.TYPE_SIZE);
        if (blockSize <= 0 || typeSize <= 0 || nEmbd % blockSize != 0) {
            throw new BadModelFileException(GgufFile.TOKEN_EMBEDDINGS
                    + " has ggml type " + file.embeddingType() + ", whose rows of " + nEmbd
                    + " values cannot be dequantized: " + file.path());
        }
        this.rowBytes = nEmbd / blockSize * typeSize;
        if (rowBytes * nVocab != file.embeddingBytes()) {
            throw new BadModelFileException(GgufFile.TOKEN_EMBEDDINGS + " holds " + file.embeddingBytes()
                    + " bytes but " + nVocab + " rows of " + nEmbd + " values need " + rowBytes * nVocab + ": " + file.path());
        }
        Pointer toFloatPtr = traits.getPointer(LlamaCpp.TypeTraits.TO_FLOAT);
        if (toFloatPtr == null && file.embeddingType() != LlamaCpp.GGML_TYPE_F32) {
            throw new BadModelFileException(GgufFile.TOKEN_EMBEDDINGS + " has ggml type " + file.embeddingType()
                    + ", which ggml cannot dequantize: " + file.path());
        }
        this.toFloat = toFloatPtr == null ? null : Function.getFunction(toFloatPtr);
        // the scale measured per architecture and runtime (Gemma 3: sqrt(n_embd) on the token path only)
        this.scale = binding.inputScale(file.architecture(), nEmbd);

        this.tableOffset = file.embeddingOffset();
        if (rowBytes > Integer.MAX_VALUE) {
            throw new BadModelFileException(GgufFile.TOKEN_EMBEDDINGS + " has rows of " + rowBytes + " bytes: " + file.path());
        }
        try {
            this.file = new RandomAccessFile(file.path().toFile(), "r");
        } catch (IOException e) {
            throw new BadModelFileException("cannot open " + file.path() + " to read " + GgufFile.TOKEN_EMBEDDINGS + ": "
                    + e.getMessage(), e);
        }
        this.quantizedRow = new byte[(int) rowBytes];
        this.quantizedBuffer = new Memory(rowBytes);
        this.rowBuffer = new Memory((long) nEmbd * Float.BYTES);
        this.cachedTokens = new int[cachedRowCount];
        java.util.Arrays.fill(cachedTokens, -1);
        this.cachedRows = new float[cachedRowCount * nEmbd];
        this.path = file.path().toString();
    }

    /** Adds {@code weight * e(token)} to {@code acc}. */
    synchronized void addScaledRow(int token, double weight, float[] acc) {
        int offset = cachedRow(token);
        float w = (float) (weight * scale);
        for (int i = 0; i < nEmbd; i++) {
            acc[i] += w * cachedRows[offset + i];
        }
    }

    /** A copy of the (scaled) embedding row of a token. */
    float[] row(int token) {
        float[] out = new float[nEmbd];
        addScaledRow(token, 1.0, out);
        return out;
    }

    /** Where the token's dequantized row starts in {@link #cachedRows}, reading it first on a miss. */
    private int cachedRow(int token) {
        if (token < 0 || token >= nVocab) {
            throw new IllegalArgumentException("token id " + token + " is outside the vocabulary [0, " + nVocab + ")");
        }
        int slot = token % cachedTokens.length;
        int offset = slot * nEmbd;
        if (cachedTokens[slot] != token) {
            cachedTokens[slot] = -1; // stays empty if the read fails
            dequantize(token, offset);
            cachedTokens[slot] = token;
        }
        return offset;
    }

    private void dequantize(int token, int offset) {
        try {
            file.seek(tableOffset + token * rowBytes);
            file.readFully(quantizedRow);
        } catch (IOException e) {
            throw new BadModelFileException("cannot read row " + token + " of " + GgufFile.TOKEN_EMBEDDINGS + " from " + path
                    + " (was the file changed or removed while loaded?): " + e.getMessage(), e);
        }
        quantizedBuffer.write(0, quantizedRow, 0, quantizedRow.length);
        if (toFloat == null) {
            quantizedBuffer.read(0, cachedRows, offset, nEmbd); // F32, little-endian like the host
        } else {
            toFloat.invoke(void.class, new Object[]{quantizedBuffer, rowBuffer, (long) nEmbd});
            rowBuffer.read(0, cachedRows, offset, nEmbd);
        }
    }

    /** Closes the file; later reads of rows that are not cached fail with a {@link BadModelFileException}. */
    @Override
    public synchronized void close() {
        try {
            file.close();
        } catch (IOException e) {
            // nothing was written: nothing can be lost
        }
    }
}
