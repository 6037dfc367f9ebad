package io.github.langchain4j.moi.llamacpp;

import com.sun.jna.Pointer;
import io.github.langchain4j.moi.ModelFileException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What this library needs from a GGUF file's metadata, read through ggml's own {@code gguf_*} functions
 * (metadata only, no tensor data), after Java-side checks that keep obviously bad files away from
 * native code: the file exists, starts with the GGUF magic and a known version, and every tensor's data
 * lies inside the file.
 *
 * @param path              the file
 * @param fileSize          its size in bytes
 * @param architecture      {@code general.architecture}
 * @param name              {@code general.name}, or the file name
 * @param embeddingOffset   absolute file offset of {@code token_embd.weight}
 * @param embeddingBytes    size in bytes of {@code token_embd.weight}
 * @param embeddingType     ggml type id of {@code token_embd.weight}
 */
public record GgufFile(Path path, long fileSize, String architecture, String name,
                       long embeddingOffset, long embeddingBytes, int embeddingType) {

    static final String TOKEN_EMBEDDINGS = "token_embd.weight";
    private static final int MAGIC = 0x46554747; // "GGUF" little-endian

    /** Checks the file and reads its metadata; throws {@link ModelFileException} naming the problem. */
    public static GgufFile read(Path path) {
        long fileSize = checkHeader(path);
        LlamaCpp lib = NativeLibrary.get();
        LlamaCpp.GgufInitParams.ByValue params = new LlamaCpp.GgufInitParams.ByValue();
        params.no_alloc = 1;
        params.ctx = null;
        Pointer gguf = lib.gguf_init_from_file(path.toString(), params);
        if (gguf == null) {
            throw new ModelFileException("not a valid GGUF file (damaged or truncated metadata): " + path);
        }
        try {
            long dataOffset = lib.gguf_get_data_offset(gguf);
            long nTensors = lib.gguf_get_n_tensors(gguf);
            for (long i = 0; i < nTensors; i++) {
                long end = dataOffset + lib.gguf_get_tensor_offset(gguf, i) + lib.gguf_get_tensor_size(gguf, i);
                if (end > fileSize) {
                    throw new ModelFileException("GGUF file is truncated: tensor '" + lib.gguf_get_tensor_name(gguf, i)
                            + "' ends at byte " + end + " but the file has " + fileSize + " bytes: " + path);
                }
            }
            String architecture = stringValue(lib, gguf, "general.architecture");
            if (architecture == null) {
                throw new ModelFileException("GGUF file has no general.architecture: " + path);
            }
            String name = stringValue(lib, gguf, "general.name");
            long embd = lib.gguf_find_tensor(gguf, TOKEN_EMBEDDINGS);
            if (embd < 0) {
                throw new ModelFileException("GGUF file has no " + TOKEN_EMBEDDINGS + " tensor, which MoI needs: " + path);
            }
            return new GgufFile(path, fileSize, architecture,
                    name != null ? name : path.getFileName().toString(),
                    dataOffset + lib.gguf_get_tensor_offset(gguf, embd),
                    lib.gguf_get_tensor_size(gguf, embd),
                    lib.gguf_get_tensor_type(gguf, embd));
        } finally {
            lib.gguf_free(gguf);
        }
    }

    private static String stringValue(LlamaCpp lib, Pointer gguf, String key) {
        long id = lib.gguf_find_key(gguf, key);
        // gguf_get_val_str aborts on a value of another type: check the type first
        if (id < 0 || lib.gguf_get_kv_type(gguf, id) != LlamaCpp.GGUF_TYPE_STRING) {
            return null;
        }
        return lib.gguf_get_val_str(gguf, id);
    }

    /** Java-side checks before native code opens the file; returns the file size. */
    static long checkHeader(Path path) {
        if (!Files.exists(path)) {
            throw new ModelFileException("model file not found: " + path);
        }
        if (!Files.isRegularFile(path) || !Files.isReadable(path)) {
            throw new ModelFileException("model file is not a readable file: " + path);
        }
        try (InputStream in = Files.newInputStream(path)) {
            long size = Files.size(path);
            byte[] header = in.readNBytes(24);
            if (header.length < 24) {
                throw new ModelFileException("not a GGUF file (only " + header.length + " bytes): " + path);
            }
            ByteBuffer buf = ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN);
            if (buf.getInt(0) != MAGIC) {
                throw new ModelFileException("not a GGUF file (it does not start with the GGUF magic): " + path);
            }
            int version = buf.getInt(4);
            if (version < 2 || version > 3) {
                throw new ModelFileException("unsupported GGUF version " + version + " (expected 2 or 3): " + path);
            }
            long nTensors = buf.getLong(8);
            long nKv = buf.getLong(16);
            // each tensor info and key/value takes well over 8 bytes: larger counts cannot be genuine
            if (nTensors < 0 || nKv < 0 || nTensors > size / 8 || nKv > size / 8) {
                throw new ModelFileException("GGUF header is damaged (" + nTensors + " tensors, " + nKv
                        + " metadata keys in a file of " + size + " bytes): " + path);
            }
            return size;
        } catch (IOException e) {
            throw new ModelFileException("cannot read model file " + path + ": " + e.getMessage(), e);
        }
    }
}
