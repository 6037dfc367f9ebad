package io.github.langchain4j.moi.llamacpp;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;

/**
 * One {@code llama_decode} of a batch built by hand, without {@link NativeModel}: for the tests that check the
 * struct layouts and the embedding path on llama.cpp directly. Every input is in sequence 0; logits for the last.
 */
final class RawBatch {

    private RawBatch() {
    }

    /**
     * Decodes the first {@code count} of {@code tokens} at positions {@code pos0}.. by id, or, when {@code rows} is
     * not null, {@code rows} (count rows of the input width, one after the other) through {@code batch.embd}.
     */
    static int decode(LlamaCommon lib, Pointer ctx, int[] tokens, int pos0, int count, float[] rows) {
        LlamaCommon.Batch.ByValue batch = new LlamaCommon.Batch.ByValue();
        Memory tokenBuf = new Memory((long) count * Integer.BYTES);
        tokenBuf.write(0, tokens, 0, count);
        Memory embd = null;
        if (rows != null) {
            embd = new Memory((long) rows.length * Float.BYTES);
            embd.write(0, rows, 0, rows.length);
        }
        Memory pos = new Memory((long) count * Integer.BYTES);
        Memory nSeqId = new Memory((long) count * Integer.BYTES);
        Memory seqId = new Memory(Integer.BYTES);
        seqId.setInt(0, 0);
        Memory seqIdPtrs = new Memory((long) count * Native.POINTER_SIZE);
        Memory logits = new Memory(count);
        for (int i = 0; i < count; i++) {
            pos.setInt((long) i * Integer.BYTES, pos0 + i);
            nSeqId.setInt((long) i * Integer.BYTES, 1);
            seqIdPtrs.setPointer((long) i * Native.POINTER_SIZE, seqId);
            logits.setByte(i, (byte) (i == count - 1 ? 1 : 0));
        }
        batch.n_tokens = count;
        batch.token = rows == null ? tokenBuf : null;
        batch.embd = embd;
        batch.pos = pos;
        batch.n_seq_id = nSeqId;
        batch.seq_id = seqIdPtrs;
        batch.logits = logits;
        return lib.llama_decode(ctx, batch);
    }
}
