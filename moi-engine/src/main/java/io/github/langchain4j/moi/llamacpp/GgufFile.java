package io.github.langchain4j.moi.llamacpp;

import com.sun.jna.Pointer;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Locale;

/**
 * What this library needs from a GGUF file's metadata, read through ggml's own {@code gguf_*} functions
 * (metadata only, no tensor data), after {@link GgufValidator} has read the whole metadata section in
 * Java and checked it, so that a damaged file never reaches native code that would abort on it.
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

    static final String TOKEN_EMBEDDINGS = GgufValidator.TOKEN_EMBEDDINGS;

    /**
     * Checks the file and reads its metadata with the bundled b4916's gguf reader; throws
     * {@link BadModelFileException} naming the problem.
     */
    public static GgufFile read(Path path) {
        checkPath(path);
        return read(path, LlamaBinding.bundled().lib());
    }

    /** Checks the file and reads its metadata with {@code lib}'s gguf reader (the same in both generations). */
    static GgufFile read(Path path, LlamaCommon lib) {
        checkPath(path);
        GgufValidator.Result checked = GgufValidator.validate(path);
        LlamaCommon.GgufInitParams.ByValue params = new LlamaCpp.GgufInitParams.ByValue();
        params.no_alloc = 1;
        params.ctx = null;
        Pointer gguf = lib.gguf_init_from_file(path.toString(), params);
        if (gguf == null) {
            throw new BadModelFileException("not a valid GGUF file (damaged or truncated metadata): " + path);
        }
        try {
            String architecture = stringValue(lib, gguf, "general.architecture");
            String name = stringValue(lib, gguf, "general.name");
            long embd = lib.gguf_find_tensor(gguf, TOKEN_EMBEDDINGS);
            if (architecture == null || embd < 0) {
                throw new BadModelFileException("GGUF file has no general.architecture or no " + TOKEN_EMBEDDINGS + ": " + path);
            }
            long offset = lib.gguf_get_data_offset(gguf) + lib.gguf_get_tensor_offset(gguf, embd);
            long bytes = lib.gguf_get_tensor_size(gguf, embd);
            GgufValidator.Tensor expected = checked.tensors().get(TOKEN_EMBEDDINGS);
            // the Java reading and ggml's must agree, or one of them misreads the file
            if (offset != expected.offset() || bytes != expected.bytes() || !architecture.equals(checked.string("general.architecture"))) {
                throw new BadModelFileException("ggml reads " + TOKEN_EMBEDDINGS + " at byte " + offset + " (" + bytes
                        + " bytes) but the Java check read it at byte " + expected.offset() + " (" + expected.bytes()
                        + " bytes): " + path);
            }
            return new GgufFile(path, checked.fileSize(), architecture,
                    name != null ? name : path.getFileName().toString(),
                    offset, bytes, lib.gguf_get_tensor_type(gguf, embd));
        } finally {
            lib.gguf_free(gguf);
        }
    }

    /**
     * Checks that the model path names a readable regular file, with a message that says what it is instead: an
     * empty path, a directory, a device or FIFO (which would be read forever), a link loop, a missing file.
     */
    public static void checkPath(Path path) {
        if (path == null || path.toString().isEmpty()) {
            throw new BadModelFileException("the model path is empty: give the path of a GGUF file");
        }
        if (!Files.exists(path)) {
            if (Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
                try {
                    path.toRealPath();
                } catch (FileSystemException e) {
                    if (String.valueOf(e.getReason()).toLowerCase(Locale.ROOT).contains("symbolic links")) {
                        throw new BadModelFileException("model path is a symbolic link loop: " + path);
                    }
                } catch (IOException ignored) {
                    // a dangling link: reported below
                }
                throw new BadModelFileException("model path is a symbolic link to a missing file: " + path);
            }
            throw new BadModelFileException("model file not found: " + path);
        }
        if (Files.isDirectory(path)) {
            throw new BadModelFileException("model path is a directory, not a GGUF file: " + path);
        }
        if (!Files.isRegularFile(path)) {
            throw new BadModelFileException("model path is not a regular file (a device, FIFO or socket): " + path);
        }
        if (!Files.isReadable(path)) {
            throw new BadModelFileException("model file is not readable (permission denied): " + path);
        }
    }

    private static String stringValue(LlamaCommon lib, Pointer gguf, String key) {
        long id = lib.gguf_find_key(gguf, key);
        // gguf_get_val_str aborts on a value of another type: check the type first
        if (id < 0 || lib.gguf_get_kv_type(gguf, id) != LlamaCpp.GGUF_TYPE_STRING) {
            return null;
        }
        return lib.gguf_get_val_str(gguf, id);
    }
}
